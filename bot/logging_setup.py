"""One logging configuration for every line a `claude-usage` process writes.

Our modules, Bolt and the Slack SDK, APScheduler and uvicorn all log through the standard
library; `configure_logging` gives them one handler on stderr and one format:

    text, for a person at a terminal:
        2026-12-08T04:23:57.211Z INFO    bot.scheduler [job-digests-1a2b3c4d] posted the daily …
    JSON lines, for anything else (a container, a pipe, a log pipeline):
        {"ts": "2026-12-08T04:23:57.211Z", "level": "INFO", "logger": "bot.scheduler",
         "id": "job-digests-1a2b3c4d", "msg": "posted the daily …"}

`CLAUDE_USAGE_LOG_FORMAT=json|text` overrides the choice (`auto`, the default: text on a TTY).
uvicorn is started with `log_config=None`, so its loggers reach this handler instead of
printing its own `INFO:     …` lines.

Each line names what it belongs to (`LOG_ID`, a context variable): `req-…` for a Slack request
in HTTP mode, `env-<envelope id>` in socket mode, `job-…` for a scheduled job, `sync-…` for a
background sync, the command's name in a CLI run, `-` outside all of these. Context variables do
not follow work into a thread pool by themselves, so the pools that run our work copy them
(`ContextExecutor` for Bolt's lazy listeners, `bot.analytics.concurrency` for fetches).

Never logged: health probes (`/healthz`, `/readyz`: an orchestrator calls them every few
seconds), the body of a request whose signature failed (attacker-controlled text, which Bolt logs
at INFO), Bolt's "`token` will be unused" warning on every start (we hand Bolt the client made
from that very token), and the value of any secret from the environment: as a last line of
defence every line is scrubbed of them.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Literal, ParamSpec, TypeVar

LogFormat = Literal["auto", "json", "text"]
P = ParamSpec("P")
T = TypeVar("T")

LOG_ID: contextvars.ContextVar[str] = contextvars.ContextVar("claude_usage_log_id", default="-")
PROBE_PATHS = frozenset({"/healthz", "/readyz"})
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8
"""Shorter values are not scrubbed: replacing every "x" in every line would garble the log."""

BOLT_TOKEN_NOTICE = "As you gave `client` as well, `token` will be unused."  # noqa: S105
"""Bolt's warning when `SLACK_BOT_TOKEN` is set and a client is passed too (tested against
`slack_bolt.logger.messages`)."""
REJECTED_SIGNATURE = "Invalid request signature detected"
REJECTED_SENTENCE = (
    "rejected a request whose signature or timestamp did not verify (401); its body is not logged"
)
QUIET: dict[str, int] = {
    "httpx": logging.WARNING,  # one INFO line per request, URLs and all
    "httpcore": logging.WARNING,
    "apscheduler.executors.default": logging.WARNING,  # "Running job …" twice a minute
}
COMMAND_QUIET: dict[str, int] = {
    "bot.analytics": logging.ERROR,  # a command's own error line already says what failed
}
"""Extra quiet for one-shot commands, which show warnings and errors only; a service logs INFO."""


def new_log_id(kind: str) -> str:
    """`kind-` and 8 random hex digits: unique enough to follow one request through a day."""
    return f"{kind}-{secrets.token_hex(4)}"


@contextmanager
def log_context(value: str) -> Iterator[str]:
    """Lines logged inside the block (on this thread, and in pools that copy the context) carry
    `value` as their id."""
    token = LOG_ID.set(value)
    try:
        yield value
    finally:
        LOG_ID.reset(token)


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context, so they keep its log id."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()

        def in_context() -> T:
            return context.run(fn, *args, **kwargs)

        return super().submit(in_context)


class _Formatter(logging.Formatter):
    def __init__(self, *, json_lines: bool, hidden: Iterable[str]) -> None:
        super().__init__()
        self.json_lines = json_lines
        self.hidden = sorted({s for s in hidden if len(s) >= MIN_SECRET_LENGTH}, key=len)[::-1]

    def scrub(self, text: str) -> str:
        for secret in self.hidden:
            text = text.replace(secret, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        message = self.scrub(record.getMessage())
        trace = self.formatException(record.exc_info) if record.exc_info else None
        if record.stack_info:
            trace = (trace + "\n" if trace else "") + self.formatStack(record.stack_info)
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        stamp = stamp.replace("+00:00", "Z")
        log_id = LOG_ID.get()
        if self.json_lines:
            line: dict[str, str] = {
                "ts": stamp,
                "level": record.levelname,
                "logger": record.name,
                "id": log_id,
                "msg": message,
            }
            if trace:
                line["exc"] = self.scrub(trace)
            return self.scrub(json.dumps(line, ensure_ascii=False))
        text = f"{stamp} {record.levelname:<7} {record.name} [{log_id}] {message}"
        return text + ("\n" + self.scrub(trace) if trace else "")


def _not_a_probe(record: logging.LogRecord) -> bool:
    """uvicorn's access record: args = (client, method, path with query, http version, status)."""
    args = record.args
    if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
        return args[2].split("?", 1)[0] not in PROBE_PATHS
    return True


def _without_rejected_body(record: logging.LogRecord) -> bool:
    if isinstance(record.msg, str) and record.msg.startswith(REJECTED_SIGNATURE):
        record.msg, record.args = REJECTED_SENTENCE, ()
    return True


def _not_the_token_notice(record: logging.LogRecord) -> bool:
    return record.getMessage() != BOLT_TOKEN_NOTICE


UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")
"""uvicorn's default `log_config` gives these their own handlers and stops them propagating;
our servers pass `log_config=None`, and `configure_logging` undoes any earlier default."""
FILTERS: dict[str, Callable[[logging.LogRecord], bool]] = {
    "uvicorn.access": _not_a_probe,
    "slack_bolt.RequestVerification": _without_rejected_body,
    "slack_bolt.App": _not_the_token_notice,
}


def configure_logging(
    fmt: LogFormat = "auto",
    *,
    service: bool = False,
    hidden: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> None:
    """Route every logger to one handler on `stream` (stderr) in `fmt`.

    A command shows warnings and errors; a `service` (serve) logs from INFO up. `hidden`: secret
    values no line may show. Calling it again replaces the configuration.
    """
    out = stream or sys.stderr
    json_lines = fmt == "json" or (fmt == "auto" and not out.isatty())
    handler = logging.StreamHandler(out)
    handler.setFormatter(_Formatter(json_lines=json_lines, hidden=hidden))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    for name in UVICORN:  # whatever an earlier uvicorn.Config set up: no own handlers
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name, check in FILTERS.items():
        logger = logging.getLogger(name)
        if check not in logger.filters:
            logger.addFilter(check)
    set_service(service)


def set_service(service: bool) -> None:
    """Log as a service (INFO and up) or as a one-shot command (warnings and errors)."""
    logging.getLogger().setLevel(logging.INFO if service else logging.WARNING)
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    for name, level in COMMAND_QUIET.items():
        logging.getLogger(name).setLevel(logging.NOTSET if service else level)
