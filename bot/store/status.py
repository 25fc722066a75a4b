"""What the store holds, per dataset, read from the sync ledger (what `claude-usage status` shows).

The ledger alone answers it: every stored day has exactly one ledger row carrying its row count
and whether it is final, so no data table is scanned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from bot.store.freshness import Freshness, read_freshness
from bot.store.schema import DATASETS


@dataclass(frozen=True)
class DatasetStatus:
    dataset: str
    first_day: date | None
    last_day: date | None
    days_final: int
    days_revisable: int
    rows: int


@dataclass(frozen=True)
class StoreStatus:
    freshness: Freshness
    datasets: tuple[DatasetStatus, ...]


def store_status(db: Database) -> StoreStatus:
    """Per dataset: first/last day, final vs revisable days, rows; plus the store's freshness."""
    found = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT dataset, min(day), max(day), sum(final), sum(1 - final), sum(row_count) "
            "FROM sync_ledger GROUP BY dataset"
        )
    }
    datasets = []
    for name in (*DATASETS, *sorted(set(found) - set(DATASETS))):
        first, last, final, revisable, rows = found.get(name, (None, None, 0, 0, 0))
        datasets.append(
            DatasetStatus(
                name,
                date.fromisoformat(first) if first else None,
                date.fromisoformat(last) if last else None,
                int(final or 0),
                int(revisable or 0),
                int(rows or 0),
            )
        )
    return StoreStatus(read_freshness(db), tuple(datasets))
