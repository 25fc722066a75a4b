"""`claude-usage serve`: wire the Slack app, the scheduler and the probes; on SIGTERM or SIGINT
stop them in order and exit 0 (issue 23).

Start: credentials are checked before anything opens; then the store, the Bolt app, the
scheduler and, per mode, the socket (with the probes on `PORT`) or the HTTP server (events and
probes on `PORT`). Stop, within `SHUTDOWN_SECONDS`:

    1. unready at once, and every running sync told to stop at its next day
    2. no new events: the socket is closed (envelopes being handled are acked first), or the
       HTTP server stops accepting and lets requests in flight finish
    3. the scheduler stops; its running job ends (a post in flight is finished, a sync stops)
    4. answers in flight (Bolt's lazy listeners) finish
    5. a background sync a command started stops
    6. the probes' server closes, then the store

A step the budget does not cover is cut short (see `bot.service.shutdown`), and the process
still exits 0: it was asked to stop, and the store holds whole days only.
"""

from __future__ import annotations

import logging
import os
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlite_utils import Database
from starlette.applications import Starlette

from bot.config import Settings
from bot.doctor.checks import run_checks
from bot.errors import ClaudeUsageError
from bot.scheduler import serve_scheduler
from bot.service.health import Health
from bot.service.shutdown import Stopper, block_stop_signals, wait_for_stop_signal
from bot.service.socket import SocketLink
from bot.slack.app import build_app, listener_pool, make_client, signing_secret
from bot.slack.http import ServerThread, create_health_app, create_http_app
from bot.slack.refresh import SyncRefresher
from bot.store.schema import open_store

log = logging.getLogger("bot.service")


def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly (see the module docstring)."""
    block_stop_signals()  # before the first thread: every thread inherits the mask
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    client = make_client(settings) if settings.slack_bot_token else None
    start_checks(settings, client)  # everything is checked before anything is opened
    assert client is not None  # the checks fail without a bot token
    signing_secret(settings, socket_mode=bool(app_token))
    service = Service(settings, open_store(str(settings.db_path)), client, app_token)
    try:
        service.start()
    except BaseException:
        service.stop()
        raise
    received = wait_for_stop_signal()
    log.info("received %s: stopping", received.name)
    service.stop()


LEVELS = {"ok": logging.INFO, "skip": logging.INFO, "warn": logging.WARNING, "fail": logging.ERROR}


def start_checks(settings: Settings, client: WebClient | None) -> None:
    """`claude-usage doctor`'s checks; every failure is named at once, and serve refuses."""
    report = run_checks(settings, slack=client)
    for finding in report.findings:
        log.log(LEVELS[finding.status], "check %s", finding.line())
    if not report.ok:
        named = "; ".join(
            f"{f.check}: {f.detail} (fix: {f.fix})" if f.fix else f"{f.check}: {f.detail}"
            for f in report.failures
        )
        raise ClaudeUsageError(
            f"serve will not start, {len(report.failures)} check(s) failed: {named}."
        )


def _listen(app: Starlette, host: str, port: int, *, access_log: bool = True) -> ServerThread:
    try:
        return ServerThread(app, port, host=host, access_log=access_log).start()
    except OSError as exc:
        raise ClaudeUsageError(
            f"Cannot listen on {host} port {port}: {exc.strerror or exc}; set PORT to a free "
            "port (or CLAUDE_USAGE_HOST to an address of this machine)."
        ) from None


class Service:
    """Everything `serve` runs, started and stopped as one."""

    def __init__(self, settings: Settings, db: Database, client: WebClient, app_token: str):
        self.settings = settings
        self.db = db
        self.stopping = threading.Event()
        self.listeners = listener_pool()
        self.refresher = (
            SyncRefresher(settings, stop=self.stopping) if settings.analytics_api_key else None
        )
        self.bolt = build_app(
            settings,
            db,
            client=client,
            socket_mode=bool(app_token),
            refresher=self.refresher,
            listener_executor=self.listeners,
        )
        self.scheduler = serve_scheduler(settings, client, stop=self.stopping)
        self.link = (
            SocketLink(self.bolt, app_token, ping_interval=settings.slack_ping_seconds)
            if app_token
            else None
        )
        refresher = self.refresher
        self.health = Health(
            mode="socket" if app_token else "http",
            store_path=str(settings.db_path),
            scheduler_alive=self.scheduler.alive,
            link=self.link,
            sync_running=lambda: refresher is not None and refresher.running,
            stopping=self.stopping,
        )
        self.server: ServerThread | None = None

    def start(self) -> None:
        port = self.settings.port
        if self.link is not None:
            self.server = _listen(
                create_health_app(health=self.health), self.settings.host, port, access_log=False
            )
            try:
                self.link.connect()
            except SlackApiError as exc:
                error = exc.response.get("error", "error")
                raise ClaudeUsageError(
                    f"Slack refused the socket-mode connection (apps.connections.open: {error}); "
                    "SLACK_APP_TOKEN must be the app-level xapp- token with connections:write."
                ) from None
        self.scheduler.start()
        alerts = self.settings.alert_channel
        log.info(
            "scheduler running (digests every minute, %s)",
            f"alerts to {alerts}" if alerts else "no alerts",
        )
        if self.link is not None:
            log.info(
                "Slack app running in socket mode (probes on port %d: /healthz, /readyz)", port
            )
            return
        self.server = _listen(
            create_http_app(self.bolt, health=self.health), self.settings.host, port
        )
        log.info("Slack app on port %d (/slack/events, /healthz, /readyz)", port)

    def stop(self) -> None:
        """Stop in the order of the module docstring; exits the process if a step overran."""
        stopper = Stopper()
        self.stopping.set()
        link, server, refresher = self.link, self.server, self.refresher
        if link is not None:
            stopper.step("socket", link.close)
        elif server is not None:
            stopper.step("http", lambda: server.stop(stopper.left()))
        stopper.step("scheduler", self.scheduler.shutdown)
        stopper.step("answers", lambda: self.listeners.shutdown(wait=True))
        if refresher is not None:
            stopper.step("sync", lambda: refresher.wait(stopper.left()))
        if link is not None and server is not None:
            stopper.step("probes", lambda: server.stop(stopper.left()))
        if stopper.unfinished:
            log.warning(
                "stopped after %.1f s, cutting short: %s (SQLite rolls back what they left open)",
                stopper.elapsed(),
                ", ".join(stopper.unfinished),
            )
            logging.shutdown()  # flush the log, then leave without waiting for those threads
            os._exit(0)
        self.db.close()
        log.info("stopped cleanly in %.1f s", stopper.elapsed())
