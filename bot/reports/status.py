"""What the store holds (`status`): per dataset, the synced span, final vs revisable days, rows,
and how syncing is going (the last good sync, the last attempt, a failure streak).

Read from the sync ledger and `sync_runs` only, so it is cheap and answers "how fresh is this?"
even when a report would have nothing to show. The one status of the project: Slack, the console
and `claude-usage status` all render this report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlite_utils import Database

from bot.reports.periods import Period
from bot.reports.types import DatasetStatus, FieldDrift, StatusReport, SyncHealth
from bot.store.api_state import PROJECTS, recall, remembered_latest
from bot.store.conversations import asking_cost
from bot.store.drift import drift
from bot.store.freshness import read_freshness
from bot.store.runs import run_history
from bot.store.schema import DATASETS


def status(db: Database, *, today: date) -> StatusReport:
    rows = {
        row[0]: row
        for row in db.execute(
            "SELECT dataset, min(day), max(day), count(*), sum(final), sum(row_count), "
            "max(fetched_at) FROM sync_ledger GROUP BY dataset"
        ).fetchall()
    }
    names = (*DATASETS, *sorted(set(rows) - set(DATASETS)))
    datasets = tuple(_dataset(name, rows.get(name)) for name in names)
    firsts = [d.first_day for d in datasets if d.first_day is not None]
    lasts = [d.last_day for d in datasets if d.last_day is not None]
    if firsts and lasts:
        period = Period.between(min(firsts), max(lasts))
        notes: tuple[str, ...] = _api_notes(db)
    else:
        period = Period(start=today, end=today, label="today")
        notes = ("Nothing has been synced yet; run `claude-usage sync`.",)
    return StatusReport(
        period=period,
        freshness=read_freshness(db),
        notes=notes,
        datasets=datasets,
        sync=sync_health(db),
        drift=tuple(
            FieldDrift(dataset=d.dataset, not_sent=d.not_sent, undocumented=d.undocumented)
            for d in drift(db)
        ),
        asking=asking_cost(db, now=datetime.combine(today, time.max, tzinfo=UTC)),
    )


def _api_notes(db: Database) -> tuple[str, ...]:
    """What the API last said about itself: its latest engagement day, a missing `/projects`."""
    notes: list[str] = []
    latest = remembered_latest(db)
    if latest is not None:
        day, learned = latest
        notes.append(
            f"The Analytics API's latest available activity day was {day:%b} {day.day}, "
            f"{day.year} when last asked ({learned.astimezone(UTC):%b %-d %H:%M} UTC)."
        )
    projects = recall(db, PROJECTS)
    if projects is not None and projects[0] == "absent":
        notes.append(
            "This organisation's API has no /projects (the new projects experience is not "
            "turned on), so only classic chat projects are synced."
        )
    return tuple(notes)


def sync_health(db: Database) -> SyncHealth:
    history = run_history(db)
    last = db.execute(
        "SELECT coalesce(finished_at, started_at), outcome FROM sync_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    failure = history.last_failure
    return SyncHealth(
        last_ok_at=history.last_ok.at if history.last_ok else None,
        last_attempt_at=_timestamp(last[0]) if last else None,
        last_outcome=str(last[1]) if last else None,
        consecutive_failures=history.consecutive_failures,
        error_kind=failure.error_kind if failure else None,
        error=failure.error if failure else None,
    )


def _dataset(name: str, row: tuple[object, ...] | None) -> DatasetStatus:
    if row is None:
        return DatasetStatus(
            dataset=name,
            first_day=None,
            last_day=None,
            days=0,
            final_days=0,
            revisable_days=0,
            rows=0,
            last_fetched_at=None,
        )
    _, first, last, days, final, count, fetched = row
    days, final = int(str(days)), int(str(final or 0))
    return DatasetStatus(
        dataset=name,
        first_day=date.fromisoformat(str(first)),
        last_day=date.fromisoformat(str(last)),
        days=days,
        final_days=final,
        revisable_days=days - final,
        rows=int(str(count or 0)),
        last_fetched_at=_timestamp(fetched),
    )


def _timestamp(value: object) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
