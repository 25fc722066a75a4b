"""The period grammar: every form, every error sentence, week and month boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import InputError
from bot.reports.periods import Period, PeriodError, parse_period

WED = date(2026, 11, 25)  # a Wednesday


def span(text: str, today: date = WED) -> tuple[str, str, int]:
    p = parse_period(text, today=today)
    return p.start.isoformat(), p.end.isoformat(), p.days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", ("2026-11-18", "2026-11-24", 7)),
        ("30d", ("2026-10-26", "2026-11-24", 30)),
        ("1d", ("2026-11-24", "2026-11-24", 1)),
        ("90D", ("2026-08-27", "2026-11-24", 90)),
        ("today", ("2026-11-25", "2026-11-25", 1)),
        ("yesterday", ("2026-11-24", "2026-11-24", 1)),
        ("this-week", ("2026-11-23", "2026-11-24", 2)),  # complete days only
        ("last-week", ("2026-11-16", "2026-11-22", 7)),
        ("mtd", ("2026-11-01", "2026-11-24", 24)),  # as finance counts it
        ("last-month", ("2026-10-01", "2026-10-31", 31)),
        ("2026-10-03", ("2026-10-03", "2026-10-03", 1)),
        ("2026-10-01..2026-10-31", ("2026-10-01", "2026-10-31", 31)),
        (" Last_Week ", ("2026-11-16", "2026-11-22", 7)),
        ("last week", ("2026-11-16", "2026-11-22", 7)),
    ],
)
def test_forms(text: str, expected: tuple[str, str, int]) -> None:
    assert span(text) == expected


def test_labels() -> None:
    assert parse_period("7d", today=WED).label == "last 7 days"
    assert parse_period("last-month", today=WED).label == "October 2026"
    assert parse_period("2026-10-03", today=WED).label == "Oct 3, 2026"
    assert parse_period("2026-10-01..2026-11-02", today=WED).label == "Oct 1 – Nov 2, 2026"


def test_week_boundaries_on_monday_and_sunday() -> None:
    monday, sunday = date(2026, 11, 23), date(2026, 11, 29)
    assert span("this-week", monday) == ("2026-11-23", "2026-11-23", 1)
    assert span("last-week", monday) == ("2026-11-16", "2026-11-22", 7)
    assert span("this-week", sunday) == ("2026-11-23", "2026-11-28", 6)
    assert span("last-week", sunday) == ("2026-11-16", "2026-11-22", 7)


def test_running_periods_hold_complete_days_only() -> None:
    """A running week or month never ends on a day still filling in, except on its first day
    (nothing complete yet), so `spend mtd` and `finance` count the same days."""
    assert span("mtd", date(2026, 12, 3)) == ("2026-12-01", "2026-12-02", 2)
    assert span("mtd", date(2026, 12, 1)) == ("2026-12-01", "2026-12-01", 1)
    assert span("2026-11", date(2026, 11, 30)) == ("2026-11-01", "2026-11-29", 29)
    assert span("this-week", date(2026, 11, 24)) == ("2026-11-23", "2026-11-23", 1)


def test_month_ends_in_2026() -> None:
    assert span("last-month", date(2026, 3, 1)) == ("2026-02-01", "2026-02-28", 28)  # no leap
    assert span("last-month", date(2026, 5, 31)) == ("2026-04-01", "2026-04-30", 30)
    assert span("mtd", date(2026, 3, 1)) == ("2026-03-01", "2026-03-01", 1)
    assert span("last-week", date(2026, 3, 2)) == ("2026-02-23", "2026-03-01", 7)


def test_previous_moves_by_the_periods_unit() -> None:
    """Calendar months compare with the previous calendar month, weeks with the same weekdays,
    month to date with the same days of last month; N-day periods with the N days before."""
    p = parse_period("last-month", today=WED).previous()  # October → all of September
    assert (p.start, p.end, p.days) == (date(2026, 9, 1), date(2026, 9, 30), 30)
    week = parse_period("this-week", today=WED).previous()  # Mon–Tue → Mon–Tue a week earlier
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 17))
    mtd = parse_period("mtd", today=date(2026, 3, 31)).previous()  # clipped to February
    assert (mtd.start, mtd.end) == (date(2026, 2, 1), date(2026, 2, 28))
    mtd = parse_period("mtd", today=WED).previous()
    assert (mtd.start, mtd.end) == (date(2026, 10, 1), date(2026, 10, 24))
    days = parse_period("30d", today=WED).previous()
    assert (days.start, days.end, days.days) == (date(2026, 9, 26), date(2026, 10, 25), 30)


def test_paging_moves_whole_calendar_months_and_weeks() -> None:
    september = parse_period("2026-09-01..2026-09-30", today=WED)
    assert september.unit == "month"
    assert september.label == "September 2026"
    nxt = september.shifted(1)
    assert (nxt.start, nxt.end, nxt.label) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        "October 2026",
    )
    prev = parse_period("last-month", today=WED).shifted(-1)
    assert (prev.start, prev.end) == (date(2026, 9, 1), date(2026, 9, 30))
    back = parse_period("mtd", today=WED).shifted(-1)  # from month to date: all of October
    assert (back.start, back.end) == (date(2026, 10, 1), date(2026, 10, 31))
    week = parse_period("this-week", today=WED).shifted(-1)
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert span("2026-10") == ("2026-10-01", "2026-10-31", 31)
    assert span("2026-11") == ("2026-11-01", "2026-11-24", 24)  # the running month, like mtd


def test_period_rejects_reversed_dates() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(start=date(2026, 5, 2), end=date(2026, 5, 1), label="x")


@pytest.mark.parametrize(
    ("text", "today", "message"),
    [
        ("banana", WED, "`banana` is not a period. Try 7d, 30d, yesterday"),
        ("", WED, "is not a period"),
        ("7days", WED, "is not a period"),
        ("2026-13-01", WED, "is not a calendar date"),
        ("2026-02-29", WED, "is not a calendar date"),
        ("0d", WED, "covers no days"),
        ("2025-12-31", WED, "before 2026-01-01"),
        ("2025-12-01..2026-01-05", WED, "before 2026-01-01"),
        ("30d", date(2026, 1, 10), "before 2026-01-01"),
        ("2026-11-26", WED, "is in the future; the latest day you can ask for is today, Nov 25"),
        ("2026-11-20..2026-12-01", WED, "in the future"),
        ("2026-10-05..2026-10-01", WED, "ends before it starts"),
        ("366d", WED, "more than 365 days back"),
        ("2026-01-05", date(2027, 1, 10), "more than 365 days back"),
    ],
)
def test_errors(text: str, today: date, message: str) -> None:
    with pytest.raises(PeriodError, match=message.replace("(", r"\(")) as caught:
        parse_period(text, today=today)
    assert isinstance(caught.value, InputError)
    assert caught.value.exit_code == 2
    assert str(caught.value).endswith(".")


def test_full_365_days_back_is_allowed() -> None:
    start, end, count = span("365d", date(2027, 1, 2))
    assert (start, end, count) == ("2026-01-02", "2027-01-01", 365)
