"""◀ Previous / Next ▶ page calendar periods by their unit (months by months), and the words a
button carries parse back to the same period.

Before the fix, paging moved by the period's length in days: from October (31 days) ◀ Previous
was Aug 31 – Sep 30, and Next ▶ from September gave Oct 1 – 30.
"""

from __future__ import annotations

from datetime import date

from bot.reports.periods import parse_period
from bot.slack.blocks.message import ACTION_NEXT, ACTION_PREVIOUS, period_arg, period_buttons

TODAY = date(2026, 11, 25)


def _targets(words: str) -> dict[str, tuple[date, date, str]]:
    period = parse_period(words, today=TODAY)
    out = {}
    for button in period_buttons("spend", period, today=TODAY):
        if button["action_id"] in (ACTION_PREVIOUS, ACTION_NEXT):
            arg = button["value"].removeprefix("spend ")
            target = parse_period(arg, today=TODAY)
            out[button["action_id"]] = (target.start, target.end, button["text"]["text"])
    return out


def test_last_month_pages_to_whole_calendar_months() -> None:
    got = _targets("last-month")  # October
    assert got[ACTION_PREVIOUS][:2] == (date(2026, 9, 1), date(2026, 9, 30))
    # November is running (today is Nov 25): it runs to its last complete day, like mtd.
    assert got[ACTION_NEXT] == (date(2026, 11, 1), date(2026, 11, 24), "Next month ▶")


def test_september_pages_forward_to_all_of_october() -> None:
    got = _targets("2026-09")
    assert got[ACTION_NEXT][:2] == (date(2026, 10, 1), date(2026, 10, 31))
    assert got[ACTION_PREVIOUS][:2] == (date(2026, 8, 1), date(2026, 8, 31))


def test_month_to_date_pages_back_to_last_month_and_has_no_next() -> None:
    got = _targets("mtd")
    assert got[ACTION_PREVIOUS][:2] == (date(2026, 10, 1), date(2026, 10, 31))
    assert ACTION_NEXT not in got


def test_day_periods_still_page_by_their_length() -> None:
    got = _targets("7d")
    assert got[ACTION_PREVIOUS][:2] == (date(2026, 11, 11), date(2026, 11, 17))


def test_period_arg_round_trips_units() -> None:
    for words in ("last-month", "mtd", "2026-09", "7d", "yesterday", "last-week"):
        period = parse_period(words, today=TODAY)
        back = parse_period(period_arg(period), today=TODAY)
        assert (back.start, back.end, back.unit) == (period.start, period.end, period.unit) or (
            period.unit == "week" and (back.start, back.end) == (period.start, period.end)
        ), words
