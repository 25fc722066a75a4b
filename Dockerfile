# claude-usage-bot: the Slack app (socket or HTTP mode) and its scheduler (channel digests,
# budget and anomaly alerts: APScheduler inside `serve`, exactly once per post, even with two
# processes on one store file). Slim, non-root, with a health check on /healthz (liveness), which
# `serve` answers on PORT in both modes beside /readyz (readiness). `serve` stops cleanly on
# SIGTERM as PID 1. Keep the store on /data: the scheduler's claims live there.
#
#   docker build -t claude-usage .          podman build --format docker -t claude-usage .
#
# Reproducible: the base is pinned by digest (override with --build-arg BASE=… for a mirror,
# e.g. after `docker buildx imagetools inspect python:3.11-slim-bookworm`), and dependencies come
# from requirements/app.lock with hashes, in a layer of their own before our code: a change to
# bot/ reinstalls only our package.
ARG BASE=python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/claude-usage
COPY requirements/app.lock /src/requirements/app.lock
RUN /opt/claude-usage/bin/pip install --require-hashes -r /src/requirements/app.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY tools /src/tools
RUN /opt/claude-usage/bin/pip install --no-deps --no-build-isolation /src \
    && /opt/claude-usage/bin/python -m compileall -q /opt/claude-usage/lib

FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/claude-usage/bin:$PATH \
    CLAUDE_USAGE_DB=/data/claude-usage.db PORT=3000 MPLCONFIGDIR=/data/.matplotlib
COPY --from=build /opt/claude-usage /opt/claude-usage
RUN useradd --create-home --uid 10001 bot && mkdir /data && chown bot /data
USER bot
WORKDIR /home/bot
# matplotlib needs a writable config folder for its font cache: on /data it survives restarts and
# a read-only root file system (else every process that draws a chart warns and rebuilds it in a
# temporary folder). Built here, so a new named volume starts with it.
RUN python -c "import matplotlib.font_manager"
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=2)"
CMD ["claude-usage", "serve"]
