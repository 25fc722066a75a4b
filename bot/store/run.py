"""Syncing from settings, and the text `sync` and `status` print.

`run_sync` (used by the CLI, the demo, the scheduler and tests that need a fixed clock) wires
`Settings` → store + client → `sync`. Kept apart from `bot.store.cli`, which must stay light
(`claude-usage --help` loads every command's module).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.analytics.client import AnalyticsClient
from bot.config import Settings
from bot.errors import ClaudeUsageError
from bot.store.plan import check_datasets
from bot.store.progress import SyncProgress
from bot.store.schema import DATASETS_COST, open_store
from bot.store.sync import SyncReport, sync

if TYPE_CHECKING:
    from bot.reports.types import StatusReport


class SyncIncompleteError(ClaudeUsageError):
    """Some days could not be fetched; everything else was stored. Exit 1 so schedulers notice."""


def run_sync(
    settings: Settings,
    *,
    since: date | None = None,
    until: date | None = None,
    only: Collection[str] | None = None,
    now: datetime | None = None,
    progress: SyncProgress | None = None,
    refetch_revisable: bool = False,
    refetch_empty: bool = False,
) -> SyncReport:
    """Open the store and the client from `settings` and sync; `now` fixes the clock for both."""
    datasets = check_datasets(only)  # a typo fails before any file or connection is opened
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    # The client first: a missing key is reported before a store file is created.
    with AnalyticsClient.from_settings(settings, clock=lambda: moment) as client:
        db = open_store(str(settings.db_path))
        try:
            return sync(
                db,
                client,
                now=moment,
                since=since,
                until=until,
                only=datasets,
                progress=progress,
                refetch_revisable=refetch_revisable,
                refetch_empty=refetch_empty,
            )
        finally:
            db.close()


def render_report(report: SyncReport) -> str:
    """The summary table `sync` prints."""
    rows = [
        [
            r.dataset,
            str(r.days_fetched),
            str(r.days_final),
            str(r.rows_written),
            str(r.requests),
            str(r.days_skipped_final),
            str(r.days_skipped_unchanged),
            str(len(r.failures)) if r.failures else "",
        ]
        for r in report.datasets.values()
    ]
    head = [
        "dataset", "days fetched", "final", "rows", "requests", "skipped (final)",
        "skipped (unchanged)", "failed",
    ]  # fmt: skip
    lines = [table(head, rows)]
    if report.data_refreshed_at is not None:
        lines.append(f"data_refreshed_at: {_ts(report.data_refreshed_at)}")
    if report.latest_engagement_day is not None:
        lines.append(f"latest activity day the API has: {report.latest_engagement_day}")
    for r in report.datasets.values():
        if r.not_offered:
            lines.append(f"{r.dataset}: not offered by this organisation's API (404), skipped")
    if report.aborted:
        lines.append(f"stopped early: {report.aborted}")
    for line in report.drift:
        lines.append(f"drift: {line}")
    cost = sum(
        report.datasets[d].days_skipped_unchanged for d in DATASETS_COST if d in report.datasets
    )
    activity = report.days_skipped_unchanged - cost
    if cost:
        lines.append(
            f"{cost} revisable days not re-fetched: the API's export has not changed since "
            "they were fetched (`sync --refresh` re-fetches them anyway)"
        )
    if activity:
        lines.append(
            f"{activity} revisable activity days not re-fetched: already fetched today (UTC), "
            "and the API revises them at most daily (`sync --refresh` re-fetches them anyway)"
        )
    for failure in report.failures:
        lines.append(f"failed: {failure.dataset} {failure.start}..{failure.end}: {failure.error}")
    return "\n".join(lines)


def render_status(path: str, status: StatusReport) -> str:
    """What `status` prints: where the store is, how fresh, how syncing goes, and per dataset
    what it holds."""
    fresh, health = status.freshness, status.sync
    lines = [
        f"store: {path}",
        f"last sync: {_ts(fresh.last_sync_at) if fresh.last_sync_at else 'never'}",
        f"data_refreshed_at: {_ts(fresh.data_refreshed_at) if fresh.data_refreshed_at else '-'}",
    ]
    if health.last_attempt_at is not None and health.last_outcome not in (None, "ok"):
        lines.append(f"last attempt: {_ts(health.last_attempt_at)} ({health.last_outcome})")
    if health.consecutive_failures:
        lines.append(
            f"failing: {health.consecutive_failures} sync(s) in a row; last error "
            f"({health.error_kind}): {health.error}"
        )
    lines += [fresh.sentence(), *status.notes, ""]
    rows = [
        [
            d.dataset,
            d.first_day.isoformat() if d.first_day else "-",
            d.last_day.isoformat() if d.last_day else "-",
            str(d.final_days),
            str(d.revisable_days),
            str(d.rows),
        ]
        for d in status.datasets
    ]
    lines.append(table(["dataset", "first day", "last day", "final", "revisable", "rows"], rows))
    if status.asking is not None:
        lines += ["", status.asking.sentence()]
    for item in status.drift:
        if item.not_sent:
            lines.append(
                f"{item.dataset}: not sent by this organisation's API (shown as —): "
                + ", ".join(item.not_sent)
            )
        if item.undocumented:
            lines.append(
                f"{item.dataset}: undocumented fields received: " + ", ".join(item.undocumented)
            )
    return "\n".join(lines)


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns: readable in a terminal, a log file and a test alike."""
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
