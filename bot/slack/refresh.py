"""Keeping the store fresh without ever making a reader wait when the store can answer.

A command on a stale store answers at once, from the store, with its freshness line; a sync starts
in the background. Only an empty store (nothing to answer from) makes its first reader wait, and
only for `first_sync_wait`.

* Stale: no successful sync (`sync_runs`, whatever it wrote) for `max_age`.
* Single flight: one background sync at a time; asking while it runs changes nothing.
* Back-off: after n failed syncs in a row the next waits `Backoff.delay(n)` (1 min, 2, 4 … 1 h),
  so an outage or a revoked key costs a few requests an hour, not a sync per command.
* Credentials: a 401/403 is told to the admins once per episode (`on_credentials`; the episode is
  the first failed run of the streak, claimed in `notices`, so a restart does not repeat it).
  Readers keep getting answers from the store; non-admins never see the credential error.
* Every revisable day stays planned until final (see `bot.store.plan`), so the short `since`
  window used here never strands an older revisable day.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.retry import RetryPolicy
from bot.config import Settings
from bot.errors import ClaudeUsageError
from bot.logging_setup import log_context, new_log_id
from bot.store.freshness import read_freshness
from bot.store.runs import SyncRun, claim_notice, run_history
from bot.store.schema import open_store
from bot.store.sync import FATAL, sync

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = timedelta(hours=6)
FIRST_SYNC_WAIT = 90.0
"""Seconds the first reader of an empty store waits for the first sync before being told to
come back (Slack's response_url stays valid for 30 minutes; the ack was sent long before)."""
RefreshState = Literal["fresh", "started", "running", "backing_off"]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Backoff:
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=1)

    def delay(self, failures: int) -> timedelta:
        """The wait after `failures` consecutive failed syncs (0 → none)."""
        if failures <= 0:
            return timedelta(0)
        return min(self.base * (1 << min(failures - 1, 20)), self.cap)


class SyncRefresher:
    """Background, single-flight, backing-off syncs for the Slack app (see module docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        max_age: timedelta = DEFAULT_MAX_AGE,
        now: Callable[[], datetime] = _now,
        since_days: int = 35,
        backoff: Backoff | None = None,
        opener: Callable[[], Database] | None = None,
        first_sync_wait: float = FIRST_SYNC_WAIT,
        retry: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.max_age = max_age
        self.now = now
        self.since_days = since_days
        self.backoff = backoff or Backoff()
        self.first_sync_wait = first_sync_wait
        self.retry = retry
        self.stop = stop
        """Set when the service shuts down: a running sync ends at its next day."""
        self._opener = opener or (lambda: open_store(str(settings.db_path)))
        self.on_credentials: Callable[[SyncRun], None] | None = None
        """Called once per credential-failure episode (the Slack app DMs the admins)."""
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    @property
    def running(self) -> bool:
        return not self._idle.is_set()

    def state(self, db: Database) -> RefreshState:
        """What `refresh_in_background` would do now, without starting anything."""
        if self.running:
            return "running"
        now = self.now()
        last = read_freshness(db).last_sync_at
        if last is not None and now - last <= self.max_age:
            return "fresh"
        history = run_history(db)
        failure = history.last_failure
        if failure is not None and now < failure.at + self.backoff.delay(
            history.consecutive_failures
        ):
            return "backing_off"
        return "started"

    def refresh_in_background(self, db: Database) -> RefreshState:
        """Start a sync in a background thread when the store is stale and no back-off applies."""
        with self._lock:
            state = self.state(db)
            if state != "started":
                return state
            self._idle.clear()
            self._thread = threading.Thread(target=self._run, name="claude-usage-sync", daemon=True)
            self._thread.start()
            return "started"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no sync is running (True) or `timeout` seconds pass (False)."""
        return self._idle.wait(self.first_sync_wait if timeout is None else timeout)

    def _run(self) -> None:
        with log_context(new_log_id("sync")):
            self._run_logged()

    def _run_logged(self) -> None:
        try:
            db = self._opener()
        except Exception:
            log.exception("background sync could not open the store")
            self._idle.set()
            return
        try:
            self._sync(db)
        finally:
            db.close()
            self._idle.set()

    def _sync(self, db: Database) -> None:
        moment = self.now().astimezone(UTC)
        since = moment.date() - timedelta(days=self.since_days)
        try:
            with AnalyticsClient.from_settings(
                self.settings, clock=lambda: moment, retry=self.retry
            ) as client:
                report = sync(db, client, now=moment, since=since, stop=self.stop)
            log.info(
                "background sync: %s, %d rows, %d requests",
                report.outcome,
                report.rows_written,
                report.requests,
            )
        except FATAL as exc:
            log.warning("background sync stopped: %s", exc)
            self._tell_admins(db)
        except ClaudeUsageError as exc:
            log.warning("background sync failed: %s", exc)
        except Exception:
            log.exception("background sync crashed")

    def _tell_admins(self, db: Database) -> None:
        history = run_history(db)
        last, first = history.last_failure, history.first_failure
        if last is None or first is None or last.error_kind != "credentials":
            return
        if self.on_credentials is None:
            return
        if claim_notice(db, "credentials", str(first.id), self.now()):
            try:
                self.on_credentials(last)
            except Exception:
                log.exception("telling the admins about the rejected key failed")
