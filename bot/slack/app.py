"""`build_app(settings, db)`: the Bolt app with every listener, wired from explicit settings.

Bolt runs with `process_before_response=True` and lazy listeners: the ack function (which does
nothing but `ack()`) runs inside the request and Slack gets its 200 at once, while the work runs
on Bolt's worker threads and answers through `respond`/the Web API. This holds in both HTTP mode
(`bot.slack.http`) and socket mode (`bot.slack.cli`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlite_utils import Database

from bot.config import Settings
from bot.errors import ClaudeUsageError
from bot.logging_setup import ContextExecutor
from bot.slack.auth import Directory
from bot.slack.deps import Deps, Refresher, StoreAccess, utc_now
from bot.slack.listeners import register_listeners
from bot.slack.notices import key_rejected_message, tell_admins
from bot.slack.refresh import SyncRefresher
from bot.store.freshness import read_freshness
from bot.store.runs import SyncRun

__all__ = ["build_app", "register_listeners"]

LAZY_WORKERS = 4
"""Threads running answers after the ack. Report work is CPU-bound Python, so more threads would
not answer faster (one interpreter lock); fewer keeps the request threads that ack responsive."""


def make_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if not token:
        raise ClaudeUsageError("SLACK_BOT_TOKEN is not set; the Slack app needs its bot token.")
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def signing_secret(settings: Settings, *, socket_mode: bool) -> str:
    """The signing secret; HTTP mode refuses to start without one (it could verify nothing)."""
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    if not secret and not socket_mode:
        raise ClaudeUsageError(
            "SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify requests without it "
            "(or set SLACK_APP_TOKEN to use socket mode)."
        )
    return secret


def listener_pool(workers: int = LAZY_WORKERS) -> ThreadPoolExecutor:
    """The threads lazy listeners run on; each keeps the log id of the request it answers."""
    return ContextExecutor(max_workers=workers, thread_name_prefix="claude-usage")


def build_app(
    settings: Settings,
    db: Database,
    *,
    client: WebClient | None = None,
    now: Callable[[], datetime] = utc_now,
    refresher: Refresher | None = None,
    socket_mode: bool = False,
    workers: int = LAZY_WORKERS,
    listener_executor: ThreadPoolExecutor | None = None,
) -> App:
    """The Slack app. `client` defaults to one pointed at `Settings.slack_api_url`.

    `listener_executor` runs the lazy listeners (default: `workers` threads that keep each
    request's log id); `serve` passes its own so it can wait for answers in flight at shutdown.

    HTTP mode requires `SLACK_SIGNING_SECRET`: every request's signature and timestamp are
    checked before anything runs. Socket mode does not use it (Slack authenticates the socket).
    """
    secret = signing_secret(settings, socket_mode=socket_mode)
    web = client or make_client(settings)
    app = App(
        client=web,
        signing_secret=secret,
        token_verification_enabled=False,
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        url_verification_enabled=True,
        raise_error_for_unhandled_request=False,
        listener_executor=listener_executor or listener_pool(workers),
    )
    deps = Deps(
        settings=settings,
        store=StoreAccess(db),
        directory=Directory(web, settings),
        refresher=refresher,
        now=now,
    )
    register_listeners(app, deps)
    if isinstance(refresher, SyncRefresher):
        _wire_key_notice(refresher, deps, web)
    return app


def _wire_key_notice(refresher: SyncRefresher, deps: Deps, web: WebClient) -> None:
    """A rejected key is told to the admins once (see `bot.slack.notices`)."""

    def notify(run: SyncRun) -> None:
        with deps.store.connect() as db:
            freshness = read_freshness(db)
        tell_admins(web, deps.directory, key_rejected_message(run, freshness))

    refresher.on_credentials = notify
