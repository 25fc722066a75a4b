# claude-usage-bot: the Slack app (socket or HTTP mode) and its scheduler (channel digests,
# budget and anomaly alerts: APScheduler inside `serve`, exactly once per post, even with two
# processes on one store file). Slim, non-root, with a health check on /healthz (liveness), which
# `serve` answers on PORT in both modes beside /readyz (readiness). `serve` stops cleanly on
# SIGTERM as PID 1. Keep the store on /data: the scheduler's claims live there.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY tools ./tools
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CLAUDE_USAGE_DB=/data/claude-usage.db PORT=3000
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 bot && mkdir /data && chown bot /data
USER bot
WORKDIR /home/bot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=2)"
CMD ["claude-usage", "serve"]
