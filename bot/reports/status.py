"""What the store holds (`status`): per dataset, the synced span, final vs revisable days, rows.

Read from the sync ledger only, so it is cheap and answers "how fresh is this?" even when a
report would have nothing to show. Engagement days are final once synced; cost/usage days stay
revisable for 30 days and the sync re-fetches them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlite_utils import Database

from bot.reports.periods import Period
from bot.reports.types import DatasetStatus, StatusReport
from bot.store.freshness import read_freshness
from bot.store.schema import DATASETS


def status(db: Database, *, today: date) -> StatusReport:
    rows = {
        row[0]: row
        for row in db.execute(
            "SELECT dataset, min(day), max(day), count(*), sum(final), sum(row_count), "
            "max(fetched_at) FROM sync_ledger GROUP BY dataset"
        ).fetchall()
    }
    datasets = tuple(_dataset(name, rows.get(name)) for name in DATASETS)
    firsts = [d.first_day for d in datasets if d.first_day is not None]
    lasts = [d.last_day for d in datasets if d.last_day is not None]
    if firsts and lasts:
        period = Period.between(min(firsts), max(lasts))
        notes: tuple[str, ...] = ()
    else:
        period = Period(start=today, end=today, label="today")
        notes = ("Nothing has been synced yet; run `claude-usage sync`.",)
    return StatusReport(period=period, freshness=read_freshness(db), notes=notes, datasets=datasets)


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
