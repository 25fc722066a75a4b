"""Incremental, crash-safe sync: the API → the SQLite snapshot store.

    probe (one request: has the cost/usage export moved since revisable days were fetched?)
      → plan (ledger says what is missing, or revisable and fetched under an older export)
      → fetch tasks concurrently on the client's threads (each task complete, in memory)
      → write each finished task on this thread, one transaction with its ledger rows

The ledger (`sync_ledger`) is the unit of truth: a `(dataset, day)` row is written in the same
transaction as that day's data, so killing the process at any instant leaves every day either
absent (no ledger row, no data rows) or complete. Re-running resumes: engagement days already in
the ledger are final and never re-requested; cost/usage days are re-fetched while revisable, but
only once the API's export watermark (`data_refreshed_at`) has moved past the one they were
fetched under — the same export serves the same numbers. `refetch_revisable=True` (`sync
--refresh`) skips the probe and re-fetches every revisable day regardless.

Errors: an authentication or permission error aborts the sync (everything already committed stays);
any other failure of one task (after the client's retries) is recorded and the rest continue.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import (
    AnalyticsError,
    AuthenticationError,
    DataNotYetAvailableError,
    PermissionDeniedError,
)
from bot.errors import InputError
from bot.store.fetch import Fetched, fetch_task
from bot.store.flatten import FlattenError
from bot.store.money import MoneyPrecisionError
from bot.store.plan import DayRange, Plan, Task, check_datasets, day_ranges, make_plan
from bot.store.progress import LogProgress, SyncProgress
from bot.store.watermark import probe_watermark, worth_probing
from bot.store.writers import write_batch

log = logging.getLogger(__name__)

FATAL = (AuthenticationError, PermissionDeniedError)
"""Errors no other request can get past: stop the whole sync."""


@dataclass
class DatasetReport:
    """What one sync did for one dataset."""

    dataset: str
    days_fetched: int = 0
    days_final: int = 0
    """Of the days fetched, how many were stored as final (no later sync will re-fetch them)."""
    rows_written: int = 0
    requests: int = 0
    days_skipped_final: int = 0
    days_skipped_unchanged: int = 0
    """Revisable days not re-fetched because the export that served them is still current."""
    days_unavailable: int = 0
    """Engagement days the API said are not published yet (not an error)."""
    failures: list[TaskFailure] = field(default_factory=list)


@dataclass(frozen=True)
class TaskFailure:
    dataset: str
    start: date
    end: date
    """Exclusive."""
    error: str


@dataclass
class SyncReport:
    """Typed result of `sync`: per dataset, what was fetched, written, skipped and failed."""

    now: datetime
    engagement: DayRange | None
    cost: DayRange | None
    datasets: dict[str, DatasetReport]
    data_refreshed_at: datetime | None = None
    latest_engagement_day: date | None = None
    probe_requests: int = 0
    """Watermark probes sent (0 or 1); counted in `requests`."""
    probed_watermark: datetime | None = None
    """The export watermark the probe read; None if no probe was sent or it failed."""

    @property
    def days_skipped_unchanged(self) -> int:
        return sum(r.days_skipped_unchanged for r in self.datasets.values())

    @property
    def failures(self) -> list[TaskFailure]:
        return [f for r in self.datasets.values() for f in r.failures]

    @property
    def requests(self) -> int:
        return self.probe_requests + sum(r.requests for r in self.datasets.values())

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class _Failed:
    task: Task
    error: Exception


def sync(
    db: Database,
    client: AnalyticsClient,
    *,
    now: datetime,
    since: date | None = None,
    until: date | None = None,
    only: Collection[str] | None = None,
    progress: SyncProgress | None = None,
    refetch_revisable: bool = False,
) -> SyncReport:
    """Bring the store up to date for `[since, until]` (defaults: last 90 days → newest day).

    `refetch_revisable`: re-fetch every revisable cost/usage day even if the export has not moved.
    """
    if now.tzinfo is None:
        raise InputError("sync needs a timezone-aware `now`.")
    now = now.astimezone(UTC)
    datasets = check_datasets(only)
    probes, watermark = 0, None
    _, cost = day_ranges(now=now, since=since, until=until)
    if not refetch_revisable and cost is not None and worth_probing(db, datasets):
        probes, watermark = 1, probe_watermark(client, now)
    plan = make_plan(db, now=now, since=since, until=until, only=datasets, unchanged_at=watermark)
    report = _empty_report(plan, now, datasets)
    report.probe_requests, report.probed_watermark = probes, watermark
    report.data_refreshed_at = watermark
    sink = progress or LogProgress()
    sink.start(len(plan.tasks))
    try:
        _run(db, client, plan, report, sink, now)
    finally:
        sink.finish()
    return report


def _empty_report(plan: Plan, now: datetime, datasets: tuple[str, ...]) -> SyncReport:
    reports = {
        d: DatasetReport(
            d,
            days_skipped_final=plan.skipped_final.get(d, 0),
            days_skipped_unchanged=plan.skipped_unchanged.get(d, 0),
        )
        for d in datasets
    }
    return SyncReport(now, plan.engagement, plan.cost, reports)


def _attempt(client: AnalyticsClient, task: Task) -> Fetched | _Failed:
    """Runs on a worker thread: a complete task, or the reason it failed (fatal errors raise)."""
    try:
        return fetch_task(client, task)
    except FATAL:
        raise
    except (AnalyticsError, InputError, FlattenError, MoneyPrecisionError) as exc:
        return _Failed(task, exc)


def _run(
    db: Database,
    client: AnalyticsClient,
    plan: Plan,
    report: SyncReport,
    sink: SyncProgress,
    now: datetime,
) -> None:
    """Fetch concurrently; write each finished task here, on the thread that owns `db`."""
    latest: date | None = None
    for task, outcome in client.map_concurrently(lambda t: _attempt(client, t), plan.tasks):
        entry = report.datasets[task.dataset]
        if isinstance(outcome, _Failed):
            error = outcome.error
            if isinstance(error, DataNotYetAvailableError):
                latest = min(latest or error.latest_available, error.latest_available)
                entry.days_unavailable += len(task.days)
                sink.advance(task, f"not available yet (latest {error.latest_available})")
            else:
                _fail(entry, task, str(error), sink)
            continue
        try:
            written = write_batch(db, outcome.batch, fetched_at=now)
        except sqlite3.IntegrityError as exc:
            _fail(entry, task, f"the API returned duplicate rows ({exc})", sink)
            continue
        _count(report, entry, outcome, written)
        sink.advance(task, f"{written} rows")
    engagement_last = plan.engagement.last if plan.engagement else None
    report.latest_engagement_day = latest if latest is not None else engagement_last


def _fail(entry: DatasetReport, task: Task, error: str, sink: SyncProgress) -> None:
    entry.failures.append(TaskFailure(task.dataset, task.start, task.end, error))
    log.warning("sync %s %s..%s failed: %s", task.dataset, task.start, task.end, error)
    sink.advance(task, "failed")


def _count(report: SyncReport, entry: DatasetReport, done: Fetched, written: int) -> None:
    entry.days_fetched += len(done.batch.days)
    entry.days_final += len(done.batch.final_days)
    entry.rows_written += written
    entry.requests += done.requests
    refreshed = done.batch.data_refreshed_at
    if refreshed and (report.data_refreshed_at is None or refreshed > report.data_refreshed_at):
        report.data_refreshed_at = refreshed
