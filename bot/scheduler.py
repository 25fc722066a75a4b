"""The scheduler inside `claude-usage serve`: digests at their time, alerts every hour.

APScheduler (a `BackgroundScheduler`) runs these jobs:

    digests  every minute: which subscriptions are due (`plan_runs`), one sync, then each post
    alerts   every hour: a sync, then budgets and anomalies (`bot.alerts`, when configured)
    prune    every day: DM memory, question records and sync runs older than
             `CLAUDE_USAGE_RETENTION_DAYS` are deleted (`bot.store.prune`; `serve` configures it)

A subscription is due when its latest fire time (`bot.digest.schedule.last_fire`, the cron
trigger of its own zone, so DST-correct) has no post yet. Posting is exactly once whatever runs
it (`bot.slack.digest_post`): two `serve` processes on one store, a restart mid-post or a tick
that overlaps another all end in one message. A run missed while nothing was running is posted
once if the bot is back within the grace period (`CLAUDE_USAGE_DIGEST_GRACE_MINUTES`); later
than that it is recorded as skipped and logged, and the next scheduled run posts as usual. A
subscription in a channel that is not (or no longer) a digest channel is recorded as skipped
too (`bot.slack.auth.may_post_figures`, the rule `--share` follows): nothing is posted there.

`tick(now)` takes the time as an argument, so tests drive the same code with a controlled clock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlite_utils import Database

from bot.config import Settings
from bot.digest.model import DigestSpec
from bot.digest.schedule import last_fire, report_period
from bot.logging_setup import log_context, new_log_id
from bot.slack.auth import may_post_figures
from bot.slack.digest_post import DigestRun, digest_key, publish_digest
from bot.slack.once import Poster
from bot.store import posts
from bot.store.schema import open_store
from bot.store.subscriptions import Subscription, list_subscriptions

log = logging.getLogger(__name__)

SYNC_DAYS = 35
Syncer = Callable[[Database, datetime], None]
AlertHook = Callable[[Database, datetime], None]
PruneHook = Callable[[Database, datetime], None]
PRUNE_AT = {"hour": 3, "minute": 41}
"""UTC time of the daily prune: quiet hours for most, and clear of the hourly alerts (:17)."""


@dataclass(frozen=True)
class Due:
    sub: Subscription
    fired_at: datetime
    spec: DigestSpec


def plan_runs(
    db: Database, subs: list[Subscription], now: datetime, grace: timedelta, settings: Settings
) -> list[Due]:
    """The runs to do at `now`; runs missed by more than `grace`, and runs in a channel that is
    not a digest channel, are recorded as skipped (and logged once)."""
    due: list[Due] = []
    for sub in subs:
        fired = last_fire(sub, now)
        if sub.created_at is not None and fired < sub.created_at:
            continue  # subscribed after today's time: the first post is the next one
        spec = DigestSpec(
            kind=sub.kind,
            period=report_period(sub.kind, fired),
            with_people=sub.with_people,
            product=sub.product,
        )
        key = digest_key(sub.channel, spec)
        row = posts.get_post(db, key)
        note = None
        if row is None and not may_post_figures(settings, sub.channel):
            note = "not a digest channel (CLAUDE_USAGE_DIGEST_CHANNELS)"
        elif row is None and now - fired > grace:
            note = f"missed by {_minutes(now - fired)} (grace {_minutes(grace)})"
        if note is not None:
            if posts.record_skip(db, key, now=now, note=note):
                log.warning("skipped the %s digest for %s in %s: %s", sub.kind, key.period,
                            sub.channel, note)  # fmt: skip
            continue
        if row is None or row.state in ("claimed", "posted"):
            due.append(Due(sub, fired, spec))
    return due


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


def process_owner() -> str:
    """A name for this process in claims: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DigestScheduler:
    """Runs due digests (and alerts) against one store; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        client: WebClient,
        *,
        opener: Callable[[], Database] | None = None,
        syncer: Syncer | None = None,
        alerts: AlertHook | None = None,
        prune: PruneHook | None = None,
        owner: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.grace = timedelta(minutes=settings.digest_grace_minutes)
        self.opener = opener or (lambda: open_store(str(settings.db_path)))
        self.syncer = syncer
        self.alerts = alerts
        self.prune = prune
        self.now = now
        self.poster = Poster(client, owner or process_owner(), now=now)
        self._lock = threading.Lock()
        self._scheduler: Any = None

    def tick(self, now: datetime | None = None) -> list[DigestRun]:
        """Post every digest due at `now` (default: the clock); returns what each run did."""
        moment = now or self.now()
        with self._lock:
            db = self.opener()
            try:
                due = plan_runs(db, list_subscriptions(db), moment, self.grace, self.settings)
                if not due:
                    return []
                self._sync(db, moment)
                runs = []
                for item in due:
                    try:
                        run = publish_digest(
                            self.poster, db, channel=item.sub.channel, spec=item.spec
                        )
                    except Exception:  # one broken digest must not hold up the others
                        log.exception("the %s digest for %s failed", item.sub.kind,
                                      item.sub.channel)  # fmt: skip
                        continue
                    log.info("%s", run.sentence())
                    runs.append(run)
                return runs
            finally:
                db.close()

    def check_alerts(self, now: datetime | None = None) -> None:
        if self.alerts is None:
            return
        moment = now or self.now()
        with self._lock:
            db = self.opener()
            try:
                self._sync(db, moment)
                self.alerts(db, moment)
            finally:
                db.close()

    def prune_old(self, now: datetime | None = None) -> None:
        """The daily prune (no lock: it does not sync, and SQLite orders it with the writers)."""
        if self.prune is None:
            return
        db = self.opener()
        try:
            self.prune(db, now or self.now())
        finally:
            db.close()

    def _sync(self, db: Database, moment: datetime) -> None:
        if self.syncer is None:
            return
        try:
            self.syncer(db, moment)
        except Exception:  # a failed sync must not stop the digest: it says how fresh it is
            log.exception("sync before the scheduled run failed; posting from the store")

    def start(self) -> None:
        """Start APScheduler in the background (digests every minute, alerts hourly)."""
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger

        scheduler = BackgroundScheduler(timezone=UTC)
        safe = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 55}
        scheduler.add_job(
            self._safely(self.tick, "digests"),
            CronTrigger(second=5, timezone=UTC),
            id="digests",
            name="digests",
            next_run_time=datetime.now(UTC),  # catch up at once after a restart
            **safe,
        )
        if self.alerts is not None:
            scheduler.add_job(
                self._safely(self.check_alerts, "alerts"),
                CronTrigger(minute=17, second=30, timezone=UTC),
                id="alerts",
                name="alerts",
                **safe,
            )
        if self.prune is not None:
            scheduler.add_job(
                self._safely(self.prune_old, "prune"),
                CronTrigger(**PRUNE_AT, timezone=UTC),
                id="prune",
                name="prune",
                **safe,
            )
        scheduler.start()
        self._scheduler = scheduler

    def shutdown(self) -> None:
        """Stop scheduling and wait for the job that is running (a post finishes; a sync given
        `stop` ends at its next day)."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    def alive(self) -> bool:
        """Whether the scheduler's thread is running (what `/readyz` reports)."""
        from apscheduler.schedulers.base import STATE_RUNNING

        scheduler = self._scheduler
        if scheduler is None or scheduler.state != STATE_RUNNING:
            return False
        thread = getattr(scheduler, "_thread", None)  # BackgroundScheduler's own thread
        return thread is None or bool(thread.is_alive())

    def job_ids(self) -> list[str]:
        return [] if self._scheduler is None else [job.id for job in self._scheduler.get_jobs()]

    def job(self, job_id: str) -> Any:
        """The APScheduler job (its `trigger`, its `func`), or None."""
        return None if self._scheduler is None else self._scheduler.get_job(job_id)

    @staticmethod
    def _safely(job: Callable[[], object], name: str) -> Callable[[], None]:
        def run() -> None:
            with log_context(new_log_id(f"job-{name}")):
                try:
                    job()
                except Exception:
                    log.exception("scheduled job %s failed", name)

        return run


def serve_scheduler(
    settings: Settings, client: WebClient, *, stop: threading.Event | None = None
) -> DigestScheduler:
    """The scheduler `claude-usage serve` runs: syncs with the settings' key, alerts when
    `CLAUDE_USAGE_ALERT_CHANNEL` is set (posted by the same process identity), and prunes daily
    what is older than `CLAUDE_USAGE_RETENTION_DAYS`. Setting `stop` ends a running sync at its
    next day (shutdown)."""
    owner = process_owner()
    alerts: AlertHook | None = None
    if settings.alert_channel:
        from bot.slack.alert_post import AlertPublisher

        publisher = AlertPublisher(Poster(client, owner), settings.alert_channel)

        def alerts(db: Database, now: datetime) -> None:
            publisher.run(db, now)

    keep = timedelta(days=settings.retention_days)

    def prune(db: Database, now: datetime) -> None:
        from bot.store.prune import prune as prune_store

        log.info("%s older than %d days", prune_store(db, now=now, keep=keep).sentence(),
                 settings.retention_days)  # fmt: skip

    return DigestScheduler(
        settings,
        client,
        syncer=settings_syncer(settings, stop=stop),
        alerts=alerts,
        prune=prune,
        owner=owner,
    )


def settings_syncer(settings: Settings, *, stop: threading.Event | None = None) -> Syncer | None:
    """A sync of the last `SYNC_DAYS` days with the client built from `settings` (None without
    an Analytics API key: the scheduler then posts from the store as it is)."""
    if settings.analytics_api_key is None:
        return None

    def run(db: Database, moment: datetime) -> None:
        from bot.analytics.client import AnalyticsClient
        from bot.store.sync import sync

        at = moment.astimezone(UTC)
        with AnalyticsClient.from_settings(settings, clock=lambda: at) as client:
            report = sync(
                db, client, now=at, since=at.date() - timedelta(days=SYNC_DAYS), stop=stop
            )
        log.info("scheduled sync: %s, %d rows", report.outcome, report.rows_written)

    return run
