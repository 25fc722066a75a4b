"""`claude-usage sync` and `claude-usage status`: fill the store, and say what it holds.

Command bodies only parse options and print; `run_sync` (also used by the scheduler and by tests
that need a fixed clock) wires `Settings` → store + client → `sync`. Errors are `ClaudeUsageError`s
that `bot.cli` turns into one line on stderr and the documented exit code.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from bot.analytics.client import AnalyticsClient
from bot.config import Settings, load_settings
from bot.errors import ClaudeUsageError, InputError
from bot.store.plan import check_datasets
from bot.store.progress import SyncProgress, auto_progress
from bot.store.schema import open_store
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


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} must be a date YYYY-MM-DD, not {value!r}.") from None


def _datasets(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise InputError("--only needs at least one dataset, e.g. --only users,user_cost.")
    return names


def sync_command(
    since: Annotated[
        str | None, typer.Option("--since", help="First day (YYYY-MM-DD); default 90 days ago.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (YYYY-MM-DD); default newest.")
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Comma-separated datasets, e.g. users,user_cost."),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Re-fetch every revisable cost/usage day even if the API's export has not moved.",
        ),
    ] = False,
    refresh_empty: Annotated[
        bool,
        typer.Option(
            "--refresh-empty",
            help="Re-fetch engagement days the API answered with no rows (a hiccup on its side).",
        ),
    ] = False,
) -> None:
    """Fill the store: fetch days that are missing or still revisable."""
    datasets = _datasets(only)
    check_datasets(datasets)
    report = run_sync(
        load_settings(),
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        only=datasets,
        progress=auto_progress(),
        refetch_revisable=refresh,
        refetch_empty=refresh_empty,
    )
    typer.echo(render_report(report))
    if report.failures:
        raise SyncIncompleteError(
            f"{len(report.failures)} fetches failed (listed above); the rest is stored. "
            "Run `claude-usage sync` again to retry them."
        )


def status_command() -> None:
    """Store freshness: last sync, data_refreshed_at, days final vs revisable per dataset."""
    from bot.reports.periods import utc_today
    from bot.reports.status import status

    settings = load_settings()
    db = open_store(str(settings.db_path))
    try:
        report = status(db, today=utc_today())
    finally:
        db.close()
    typer.echo(render_status(str(settings.db_path), report))


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
    if report.aborted:
        lines.append(f"stopped early: {report.aborted}")
    if report.days_skipped_unchanged:
        lines.append(
            f"{report.days_skipped_unchanged} revisable days not re-fetched: the API's export has "
            "not changed since they were fetched (`sync --refresh` re-fetches them anyway)"
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
    lines += [fresh.sentence(), ""]
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
    return "\n".join(lines)


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns: readable in a terminal, a log file and a test alike."""
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def register(app: typer.Typer) -> None:
    """Attach `sync` and `status` to the `claude-usage` app."""
    app.command("sync")(sync_command)
    app.command("status")(status_command)
