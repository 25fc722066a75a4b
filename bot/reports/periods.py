"""The period grammar every report, command and digest shares: `7d`, `last-week`, `mtd`, dates.

A `Period` is a closed range of whole UTC-or-local days (`end` inclusive) plus a human label. The
caller always passes `today`, because only the caller knows the timezone (`CLAUDE_USAGE_TZ` for
digests, UTC for the API); this keeps parsing pure and testable without a clock.

Relative forms, with `today` = T:
    Nd          the N complete days ending yesterday (T−N … T−1); `7d` and `30d` are the usual ones.
                Today is left out because it is always partial.
    today       T alone (partial by nature; reports say so through freshness)
    yesterday   T−1
    this-week   Monday of T's ISO week … T
    last-week   the previous ISO week, Monday … Sunday
    mtd         the 1st of T's month … T
    last-month  the previous calendar month
Absolute forms: `YYYY-MM-DD` (one day) and `YYYY-MM-DD..YYYY-MM-DD` (inclusive).

Every period must lie within the data the API can ever have: not before 2026-01-01, not more than
365 days back, not in the future. Violations raise `PeriodError` with one sentence that says which
rule was broken and how to ask instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

from bot.errors import InputError

FIRST_DAY = date(2026, 1, 1)
"""The first day the Analytics API has data for."""
MAX_LOOKBACK_DAYS = 365
"""A period may start at most this many days before today (the API's own limit)."""

GRAMMAR_HINT = (
    "Try 7d, 30d, yesterday, this-week, last-week, mtd, last-month or 2026-10-01..2026-10-31."
)

_DAYS = re.compile(r"^(\d{1,4})d$")
_DATE = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"^({_DATE})\.\.({_DATE})$")
_SINGLE = re.compile(rf"^{_DATE}$")


class PeriodError(InputError):
    """The text is not a period, or names days the API cannot have data for."""


class Period(BaseModel):
    """Days `start` … `end`, both inclusive, with the label a person would use for them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date
    label: str

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def days(self) -> int:
        """Number of days in the period (≥ 1)."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start=start, end=end, label=f"previous {self.days} days")

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """A period labelled by its dates (used for explicit ranges and derived periods)."""
        return cls(start=start, end=end, label=range_label(start, end))


def parse_period(text: str, *, today: date) -> Period:
    """Parse one period expression (see the module docstring) relative to `today`."""
    raw = text.strip()
    word = raw.lower().replace("_", "-").replace(" ", "-")
    period = _relative(word, today) or _absolute(word, raw)
    if period is None:
        raise PeriodError(f"`{raw}` is not a period. {GRAMMAR_HINT}")
    _check_bounds(period, raw, today)
    return period


def _relative(word: str, today: date) -> Period | None:
    yesterday = today - timedelta(days=1)
    if match := _DAYS.match(word):
        count = int(match.group(1))
        if count < 1:
            raise PeriodError(f"`{word}` covers no days; ask for at least 1d. {GRAMMAR_HINT}")
        if count > MAX_LOOKBACK_DAYS:
            raise PeriodError(
                f"`{word}` reaches more than {MAX_LOOKBACK_DAYS} days back, the most the "
                f"Analytics API keeps; ask for {MAX_LOOKBACK_DAYS}d or less."
            )
        start = today - timedelta(days=count)
        label = f"last {count} days" if count > 1 else "yesterday"
        return Period(start=start, end=yesterday, label=label)
    if word == "today":
        return Period(start=today, end=today, label="today")
    if word == "yesterday":
        return Period(start=yesterday, end=yesterday, label="yesterday")
    monday = today - timedelta(days=today.weekday())
    if word == "this-week":
        return Period(start=monday, end=today, label="this week")
    if word == "last-week":
        start = monday - timedelta(days=7)
        return Period(start=start, end=monday - timedelta(days=1), label="last week")
    first = today.replace(day=1)
    if word == "mtd":
        return Period(start=first, end=today, label="month to date")
    if word == "last-month":
        end = first - timedelta(days=1)
        return Period(start=end.replace(day=1), end=end, label=f"{end:%B %Y}")
    return None


def _absolute(word: str, raw: str) -> Period | None:
    if match := _RANGE.match(word):
        start, end = _date(match.group(1), raw), _date(match.group(2), raw)
        if end < start:
            raise PeriodError(
                f"`{raw}` ends before it starts; write the earlier date first, "
                f"e.g. {end.isoformat()}..{start.isoformat()}."
            )
        return Period.between(start, end)
    if _SINGLE.match(word):
        day = _date(word, raw)
        return Period(start=day, end=day, label=day_label(day))
    return None


def _date(value: str, raw: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(
            f"`{value}` in `{raw}` is not a calendar date; write dates as YYYY-MM-DD."
        ) from None


def _check_bounds(period: Period, raw: str, today: date) -> None:
    if period.end > today:
        raise PeriodError(
            f"`{raw}` is in the future; the latest day you can ask for is today, "
            f"{day_label(today)}."
        )
    if period.start < FIRST_DAY:
        raise PeriodError(
            f"`{raw}` starts before {FIRST_DAY.isoformat()}, the first day the Analytics API "
            "has data for."
        )
    if period.start < today - timedelta(days=MAX_LOOKBACK_DAYS):
        raise PeriodError(
            f"`{raw}` starts more than {MAX_LOOKBACK_DAYS} days back, the most the Analytics "
            "API keeps."
        )


def day_label(day: date) -> str:
    """`Nov 3, 2026`."""
    return f"{day:%b} {day.day}, {day.year}"


def range_label(start: date, end: date) -> str:
    """`Oct 1 – Oct 31, 2026`, `Dec 28, 2026 – Jan 3, 2027`, or one day's label."""
    if start == end:
        return day_label(start)
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{day_label(start)} – {day_label(end)}"
