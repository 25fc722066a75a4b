"""The period grammar every report, command and digest shares: `7d`, `last-week`, `mtd`, dates.

A `Period` is a closed range of whole days (`end` inclusive) plus a human label. Days are the
API's UTC days: its engagement and cost data are aggregated per UTC day, so "yesterday" means the
last complete UTC day wherever the asker sits (`utc_today`); a local day east of UTC would
include a UTC day still filling in. `CLAUDE_USAGE_TZ` only decides *when* digests are posted.
The caller passes `today` so parsing stays pure and testable without a clock.

A period also has a `unit`: calendar months and weeks are compared and paged by their unit, not
by their length — October's previous period is September (30 days), not the 31 days before it,
and month to date compares with the same days of last month.

Relative forms, with `today` = T:
    Nd          the N complete days ending yesterday (T−N … T−1); `7d` and `30d` are the usual ones.
                Today is left out because it is always partial.
    today       T alone (partial by nature: reports show it as spend so far, compared with
                nothing; see `bot.reports.coverage`)
    yesterday   T−1
    this-week   Monday of T's ISO week … T−1 (T alone on a Monday)
    last-week   the previous ISO week, Monday … Sunday
    mtd         the 1st of T's month … T−1 (T alone on the 1st)
    last-month  the previous calendar month
Absolute forms: `YYYY-MM-DD` (one day), `YYYY-MM-DD..YYYY-MM-DD` (inclusive) and `YYYY-MM` (a
calendar month; the current one runs like `mtd`). A range that is exactly a calendar month is one.

A running week or month ends at its last complete day, like `Nd`: comparing a day still filling
in with a whole day of last month would show a fake drop, and `spend mtd` must agree with
`finance`. Only on its first day, when it has no complete day, is it today alone.

Every period must lie within the data the API can ever have: not before 2026-01-01, not more than
365 days back, not in the future. Violations raise `PeriodError` with one sentence that says which
rule was broken and how to ask instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from bot.analytics.windows import FIRST_DAY, MAX_LOOKBACK_DAYS
from bot.errors import InputError

GRAMMAR_HINT = (
    "Try 7d, 30d, yesterday, this-week, last-week, mtd, last-month, 2026-10 or "
    "2026-10-01..2026-10-31."
)
Unit = Literal["day", "week", "month"]

_DAYS = re.compile(r"^(\d{1,4})d$")
_DATE = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"^({_DATE})\.\.({_DATE})$")
_SINGLE = re.compile(rf"^{_DATE}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def utc_today(now: datetime | None = None) -> date:
    """The current UTC day: what every relative period is counted from (see module docstring)."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("utc_today needs a timezone-aware datetime")
    return moment.astimezone(UTC).date()


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to that month's length."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


class PeriodError(InputError):
    """The text is not a period, or names days the API cannot have data for."""


class Period(BaseModel):
    """Days `start` … `end`, both inclusive, with the label a person would use for them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date
    label: str
    unit: Unit = "day"
    """How the period moves: by its length in days, or by calendar week or month."""

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def whole_month(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.start)

    @property
    def days(self) -> int:
        """Number of days in the period (≥ 1)."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """What this period is compared with: the previous unit, like for like.

        Days: the equal-length stretch just before. Weeks: the same weekdays a week earlier.
        Months: the whole previous month for a whole month, else the same days of it (month to
        date on the 12th compares with the 1st–12th of last month, clipped to its length).
        """
        if self.unit == "month":
            start = add_months(self.start, -1)
            if self.whole_month:
                return month_period(start)
            end = min(start + (self.end - self.start), month_end(start))
            return Period(
                start=start, end=end, label=f"{start:%b} {start.day}–{end.day}", unit="month"
            )
        if self.unit == "week":
            week = timedelta(days=7)
            return Period(
                start=self.start - week, end=self.end - week, label="the week before", unit="week"
            )
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        label = "the day before" if self.days == 1 else f"previous {self.days} days"
        return Period(start=start, end=end, label=label)

    def shifted(self, direction: int) -> Period:
        """The adjacent period for paging (◀ Previous / Next ▶): a whole calendar month or week
        for those units, the same number of days otherwise."""
        if self.unit == "month":
            return month_period(add_months(self.start.replace(day=1), direction))
        if self.unit == "week":
            monday = self.start - timedelta(days=self.start.weekday()) + timedelta(7 * direction)
            return Period.between(monday, monday + timedelta(days=6)).model_copy(
                update={"unit": "week"}
            )
        step = timedelta(days=self.days * direction)
        return Period.between(self.start + step, self.end + step)

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """A period labelled by its dates (explicit ranges, derived periods); a range that is
        exactly one calendar month is that month."""
        if start.day == 1 and end == month_end(start):
            return month_period(start)
        return cls(start=start, end=end, label=range_label(start, end))


def month_period(day: date, *, today: date | None = None) -> Period:
    """The calendar month of `day`, labelled "October 2026"; cut at `today` when it is running."""
    first = day.replace(day=1)
    last = month_end(first)
    if today is not None and first <= today <= last:
        end = _complete_end(first, today)
        return Period(start=first, end=end, label="month to date", unit="month")
    return Period(start=first, end=last, label=f"{first:%B %Y}", unit="month")


def _complete_end(start: date, today: date) -> date:
    """The last complete UTC day of a running week or month; today when it has none yet."""
    return max(start, today - timedelta(days=1))


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
        end = _complete_end(monday, today)
        return Period(start=monday, end=end, label="this week", unit="week")
    if word == "last-week":
        start = monday - timedelta(days=7)
        return Period(start=start, end=monday - timedelta(days=1), label="last week", unit="week")
    first = today.replace(day=1)
    if word == "mtd":
        return month_period(first, today=today)
    if word == "last-month":
        return month_period(first - timedelta(days=1))
    if match := _MONTH.match(word):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"`{word}` is not a month; write months as YYYY-MM, e.g. 2026-10.")
        start = date(year, month, 1)
        return month_period(start, today=today) if start <= today else month_period(start)
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
