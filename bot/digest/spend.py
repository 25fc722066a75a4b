"""Spend figures of a digest, taken from the spend reports (never re-derived from rows).

`headline` is `spend_series` over the reported days: its total and change for the organisation,
or the product's slice of its breakdown by product. The series compares like with like (only
the synced days, against their counterparts), so a week with a missing day is not a fake drop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from bot.reports.coverage import NoDataError
from bot.reports.periods import Period
from bot.reports.spend import spend_series, top_spenders
from bot.reports.types import Delta, TopSpenders
from bot.store.freshness import REVISION_WINDOW

TOP_SPENDERS = 5


def headline(db: Database, period: Period, product: str | None) -> tuple[int | None, Delta | None]:
    """(spend of `period`, change vs `period.previous()`); (None, None) when not synced."""
    try:
        series = spend_series(db, period, by="product")
    except NoDataError:
        return None, None
    if product is None:
        return series.total_microcents, series.change
    row = next((r for r in series.breakdown if r.key == product), None)
    amount = 0 if row is None else row.value
    if series.previous_total_microcents is None:
        return amount, Delta.of(amount, None)
    return amount, Delta.of(amount, 0 if row is None or row.previous is None else row.previous)


def average(values: Sequence[int]) -> int | None:
    """The average of integer micro-cents, rounded half up (as `finance` does)."""
    if not values:
        return None
    total, count = sum(values), len(values)
    return (2 * total + count) // (2 * count)


def revisable_until(db: Database, day: date) -> date | None:
    """The last day the API may still revise `day`'s spend; None once it is final."""
    row = db.execute(
        "SELECT final FROM sync_ledger WHERE dataset = 'cost_buckets' AND day = ?",
        (day.isoformat(),),
    ).fetchone()
    if row is None or row[0]:
        return None
    return day + REVISION_WINDOW


def spenders(db: Database, period: Period, product: str | None) -> TopSpenders | None:
    """The top seat-user spenders of `period` (only ever called for `with_people` digests)."""
    try:
        return top_spenders(db, period, product=product, limit=TOP_SPENDERS)
    except NoDataError:
        return None
