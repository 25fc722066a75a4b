"""Building blocks shared by every report result: the frozen base, `Delta`, series and slices.

Kept apart from `types.py` so report modules and result models can import them without cycles;
`bot.reports.types` re-exports all of them.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.reports.periods import Period
from bot.store.freshness import Freshness


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Delta(Model):
    """A value now and in the comparison period. `percent` is None when `previous` is 0 or None."""

    current: int | float
    previous: int | float | None
    change: int | float | None
    percent: float | None

    @classmethod
    def of(cls, current: int | float, previous: int | float | None) -> Delta:
        if previous is None:
            return cls(current=current, previous=None, change=None, percent=None)
        change = current - previous
        percent = None if previous == 0 else change / previous * 100
        return cls(current=current, previous=previous, change=change, percent=percent)


class Report(Model):
    """Fields every report has."""

    period: Period
    freshness: Freshness
    notes: tuple[str, ...] = ()


class SeriesPoint(Model):
    """One day of a series. `parts` holds the breakdown (key → value) when one was asked for."""

    day: date
    value: int
    parts: dict[str, int] = {}


class BreakdownRow(Model):
    """One slice of a total (a product, model, cost or token type), largest first."""

    key: str
    label: str
    value: int
    """Micro-cents for spend breakdowns, tokens for token breakdowns."""
    share_pct: float | None
    """Percent of the report's total; None when the total is 0."""
    previous: int | None = None
    """The same slice in the previous period; None when that period has no data."""
