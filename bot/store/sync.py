"""Incremental, crash-safe sync: the API → the SQLite snapshot store.

    probe (one tiny request per cost/usage endpoint: has its export moved since the revisable
           days were fetched under it?; one `/users` request: which engagement day is the
           latest the API has? — `bot.store.latest`)
      → plan (ledger says what is missing, or revisable and fetched under an older export, or
              an engagement day still inside its revision window and not fetched today)
      → fetch tasks concurrently on the client's threads (each task complete, in memory)
      → write each finished task on this thread, one transaction with its ledger rows

The ledger (`sync_ledger`) is the unit of truth: a `(dataset, day)` row is written in the same
transaction as that day's data, so killing the process at any instant leaves every day either
absent (no ledger row, no data rows) or complete. Re-running resumes: engagement days already in
the ledger are final and never re-requested; cost/usage days are re-fetched while revisable, but
only once the API's export watermark (`data_refreshed_at`) has moved past the one they were
fetched under — the same export serves the same numbers. Engagement days reach up to the
latest day the API names (never a constant lag) and are re-fetched once per UTC day while the
API may still revise them. Every revisable day is planned until it is final, however old (a day
is never orphaned because a caller asked for a shorter range). `/projects` exists only for
organisations with the new projects experience: a 404 there means "not offered" (remembered for
the day), not a failure.
`refetch_revisable=True` (`sync --refresh`) skips the probes and re-fetches every revisable day
regardless; `refetch_empty=True` (`sync --refresh-empty`) re-fetches engagement days the API once
answered with no rows at all (a 200 with an empty day may be a hiccup on Anthropic's side).

Errors: an authentication or permission error aborts the sync (everything already committed stays);
any other failure of one task (after the client's retries) is recorded and the rest continue —
unless the API fails every fetch in a row (`ABORT_AFTER`, nothing succeeding), which means it is
down: the sync stops instead of spending hundreds of requests on an outage.

Each call is recorded in `sync_runs` (see runs.py) whatever happens, apart from the data.

Stopping: when `stop` is set (`claude-usage serve` got SIGTERM), no further fetch starts and no
further day is written; the days already written stay, the fetches in flight are awaited and
dropped, and the run is recorded as `stopped`. Nothing is ever half-written: a day is one
transaction, and a process killed inside one leaves SQLite to roll it back.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import (
    AnalyticsError,
    ApiUnavailableError,
    AuthenticationError,
    DataNotYetAvailableError,
    PermissionDeniedError,
    RateLimitedError,
)
from bot.errors import InputError
from bot.store.api_state import note_projects, projects_absent
from bot.store.drift import notice_new_drift
from bot.store.fetch import Fetched, fetch_task
from bot.store.flatten import FlattenError
from bot.store.latest import is_absent_endpoint, learn_latest_day, probe_projects
from bot.store.money import MoneyPrecisionError
from bot.store.plan import DayRange, Plan, Task, check_datasets, day_ranges, make_plan
from bot.store.progress import LogProgress, SyncProgress
from bot.store.runs import ErrorKind, Outcome, finish_run, start_run
from bot.store.schema import DATASETS_ENGAGEMENT
from bot.store.watermark import probe_watermarks
from bot.store.writers import write_batch

log = logging.getLogger(__name__)

FATAL = (AuthenticationError, PermissionDeniedError)
"""Errors no other request can get past: stop the whole sync."""
OUTAGE = (ApiUnavailableError, RateLimitedError)
ABORT_AFTER = 8
"""Consecutive fetches failing with `OUTAGE` errors, none succeeding, that stop a sync."""


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
    not_offered: bool = False
    """The organisation's API does not have this endpoint (`/projects` answered 404)."""
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
    """Watermark probes sent (one per cost/usage endpoint probed); counted in `requests`."""
    probed_watermarks: dict[str, datetime] = field(default_factory=dict)
    """Per dataset, the export watermark its endpoint serves now (probed datasets only)."""
    aborted: str | None = None
    """Why the sync stopped before its plan was done (the API looked down), else None."""
    stopped: bool = False
    """The sync was asked to stop (the service is shutting down) before its plan was done."""
    drift: list[str] = field(default_factory=list)
    """Differences between what the API sent and the reference, noticed by this sync (new
    ones only; `status` lists them all)."""

    @property
    def probed_watermark(self) -> datetime | None:
        """The oldest watermark any probe read (the one that limits what was skipped)."""
        return min(self.probed_watermarks.values()) if self.probed_watermarks else None

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
    def rows_written(self) -> int:
        return sum(r.rows_written for r in self.datasets.values())

    @property
    def ok(self) -> bool:
        return not self.failures and self.aborted is None

    @property
    def outcome(self) -> Outcome:
        if self.stopped:
            return "stopped"
        if self.aborted is not None:
            return "failed"
        return "ok" if self.ok else "partial"


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
    refetch_empty: bool = False,
    stop: threading.Event | None = None,
) -> SyncReport:
    """Bring the store up to date for `[since, until]` (defaults: last 90 days → newest day).

    `refetch_revisable`: re-fetch every revisable cost/usage day even if the export has not
    moved. `refetch_empty`: re-fetch engagement days the API answered with no rows. `stop`: see
    the module docstring. The attempt is recorded in `sync_runs`.
    """
    if now.tzinfo is None:
        raise InputError("sync needs a timezone-aware `now`.")
    now = now.astimezone(UTC)
    datasets = check_datasets(only)
    started = time.monotonic()
    run_id = start_run(db, now)
    report: SyncReport | None = None

    def finish(outcome: Outcome, kind: ErrorKind | None = None, error: str | None = None) -> None:
        finish_run(
            db,
            run_id,
            finished_at=now + timedelta(seconds=time.monotonic() - started),
            outcome=outcome,
            requests=report.requests if report else 0,
            rows_written=report.rows_written if report else 0,
            error_kind=kind,
            error=error,
        )

    try:
        report = _sync(
            db,
            client,
            now,
            since,
            until,
            datasets,
            progress,
            refetch_revisable,
            refetch_empty,
            stop or threading.Event(),
        )
    except FATAL as exc:
        finish("failed", "credentials", str(exc))
        raise
    except OUTAGE as exc:
        finish("failed", "unavailable", str(exc))
        raise
    except BaseException as exc:
        finish("failed", "other", str(exc) if isinstance(exc, InputError) else type(exc).__name__)
        raise
    if report.stopped:
        finish("stopped")
    elif report.aborted is not None:
        finish("failed", "unavailable", report.aborted)
    else:
        finish(report.outcome, None if report.ok else "other", _failure_summary(report))
    report.drift = notice_new_drift(db, now)
    return report


def _failure_summary(report: SyncReport) -> str | None:
    failures = report.failures
    if not failures:
        return None
    first = failures[0]
    return f"{len(failures)} fetches failed, e.g. {first.dataset} {first.start}: {first.error}"


def _sync(
    db: Database,
    client: AnalyticsClient,
    now: datetime,
    since: date | None,
    until: date | None,
    datasets: tuple[str, ...],
    progress: SyncProgress | None,
    refetch_revisable: bool,
    refetch_empty: bool,
    stop: threading.Event,
) -> SyncReport:
    probes, watermarks = 0, dict[str, datetime]()
    engagement, cost = day_ranges(now=now, since=since, until=until)
    latest: date | None = None
    down = False
    offered = set(datasets)
    if engagement is not None and offered & set(DATASETS_ENGAGEMENT):
        learned = learn_latest_day(db, client, now)
        latest, down, probes = learned.day, learned.down, learned.requests
        if "projects" in offered:
            if projects_absent(db, now):
                offered.discard("projects")
            elif not down:  # an API that is down answers no probe: the tasks will say
                present, sent = probe_projects(db, client, now, latest)
                probes += sent
                if not present:
                    offered.discard("projects")
    if not refetch_revisable and cost is not None and not down:
        sent, watermarks = probe_watermarks(db, client, now, datasets)
        probes += sent
    plan = make_plan(
        db,
        now=now,
        since=since,
        until=until,
        only=[d for d in datasets if d in offered],
        engagement_last=latest,
        unchanged_at=watermarks,
        refetch_empty=refetch_empty,
        refetch_revisable=refetch_revisable,
    )
    report = _empty_report(plan, now, datasets)
    for dataset in set(datasets) - offered:
        report.datasets[dataset].not_offered = True
    report.latest_engagement_day = latest
    report.probe_requests, report.probed_watermarks = probes, watermarks
    report.data_refreshed_at = max(watermarks.values()) if watermarks else None
    sink = progress or LogProgress()
    sink.start(len(plan.tasks))
    try:
        _run(db, client, plan, report, sink, now, stop)
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


class _OutageBreaker:
    """Stops new fetches once the API has failed `ABORT_AFTER` of them in a row with outage
    errors and none has succeeded: it is down, and every further day would only add requests.

    Shared by the fetch threads and checked before each fetch, because the threads run ahead of
    the writer (up to a pool's worth of days): a verdict reached by the writer alone would come
    after many more requests had gone out.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._succeeded = False
        self.absent: set[str] = set()
        """Datasets whose endpoint answered 404 (not offered): their other tasks are dropped."""

    @property
    def tripped(self) -> bool:
        with self._lock:
            return self._in_a_row >= self.limit and not self._succeeded

    def record(self, outcome: Fetched | _Failed) -> None:
        with self._lock:
            if isinstance(outcome, Fetched):
                self._succeeded, self._in_a_row = True, 0
            elif isinstance(outcome.error, OUTAGE):
                self._in_a_row += 1
            elif not isinstance(outcome.error, DataNotYetAvailableError):
                self._in_a_row = 0


def _attempt(
    client: AnalyticsClient,
    task: Task,
    breaker: _OutageBreaker,
    today: date,
    stop: threading.Event,
) -> Fetched | _Failed:
    """Runs on a worker thread: a complete task, or the reason it failed (fatal errors raise;
    `_NotStarted` once the breaker has tripped, the endpoint turned out not offered, or the sync
    is stopping)."""
    if stop.is_set():
        return _Failed(task, _NotStarted("not fetched: the service is shutting down"))
    if breaker.tripped:
        return _Failed(task, _NotStarted("not fetched: the API was failing every request"))
    if task.dataset in breaker.absent:
        return _Failed(task, _NotOffered(task.dataset))
    try:
        outcome: Fetched | _Failed = fetch_task(client, task, today=today)
    except FATAL:
        raise
    except (AnalyticsError, InputError, FlattenError, MoneyPrecisionError) as exc:
        outcome = _Failed(task, exc)
    breaker.record(outcome)
    return outcome


class _NotStarted(Exception):
    """A task dropped because the outage breaker had tripped: covered by the sync's abort, or
    reported as failed if a late success re-opened the breaker."""


class _NotOffered(Exception):
    """A task of an endpoint this organisation does not have (it answered 404)."""


def _run(
    db: Database,
    client: AnalyticsClient,
    plan: Plan,
    report: SyncReport,
    sink: SyncProgress,
    now: datetime,
    stop: threading.Event,
) -> None:
    """Fetch concurrently; write each finished task here, on the thread that owns `db`."""
    latest: date | None = None
    last_error: Exception | None = None
    breaker = _OutageBreaker(ABORT_AFTER)
    today = now.astimezone(UTC).date()
    fetches = client.map_concurrently(
        lambda t: _attempt(client, t, breaker, today, stop), plan.tasks
    )
    for task, outcome in fetches:
        if stop.is_set():  # write nothing more; leaving the loop awaits the fetches in flight
            report.stopped = True
            log.info("sync stopped: the service is shutting down")
            break
        entry = report.datasets[task.dataset]
        if isinstance(outcome, _Failed):
            error = outcome.error
            if isinstance(error, DataNotYetAvailableError):
                latest = min(latest or error.latest_available, error.latest_available)
                entry.days_unavailable += len(task.days)
                sink.advance(task, f"not available yet (latest {error.latest_available})")
                continue
            if isinstance(error, _NotOffered) or (
                task.dataset == "projects" and is_absent_endpoint(error)
            ):
                if not entry.not_offered:
                    breaker.absent.add(task.dataset)
                    note_projects(db, now, present=False)
                    entry.not_offered = True
                sink.advance(task, "not offered by this organisation's API")
                continue
            tripped, skipped = breaker.tripped, isinstance(error, _NotStarted)
            if not skipped:
                last_error = error
            # A skipped day is a failure too once a fetch still running succeeded after all
            # (the breaker re-opened); while it stays tripped, the abort below speaks for it.
            if not (skipped and tripped):
                _fail(entry, task, str(error), sink)
            if tripped:
                report.aborted = (
                    f"the Analytics API failed {breaker.limit} fetches in a row and none "
                    f"succeeded ({last_error}); stopped instead of retrying every day"
                )
                log.warning("sync stopped: %s", report.aborted)
                break
            continue
        try:
            written = write_batch(db, outcome.batch, fetched_at=now)
        except sqlite3.IntegrityError as exc:
            _fail(entry, task, f"the day's rows could not be stored ({exc})", sink)
            continue
        _count(report, entry, outcome, written)
        sink.advance(task, f"{written} rows")
    engagement_last = plan.engagement.last if plan.engagement else None
    named = [d for d in (latest, report.latest_engagement_day) if d is not None]
    report.latest_engagement_day = min(named) if named else engagement_last


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
