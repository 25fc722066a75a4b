"""Date rules and window splitting: pure functions, so no server is needed."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.analytics.errors import DateRangeError
from bot.analytics.windows import (
    check_cost_window,
    check_engagement_day,
    check_engagement_range,
    cost_windows,
    latest_engagement_day,
    rfc3339,
    split_days,
    split_instants,
)

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


def test_engagement_day_before_first_day_names_2026_01_01() -> None:
    with pytest.raises(DateRangeError) as raised:
        check_engagement_day(dt.date(2025, 12, 1), today=TODAY)
    assert str(raised.value) == (
        "2025-12-01 is before 2026-01-01, the first day the Analytics API has data for."
    )


def test_engagement_days_may_be_asked_for_up_to_yesterday() -> None:
    """No constant lag: yesterday may be asked for (the API's 400 names the day it really has);
    only a day that has not ended is refused locally."""
    assert latest_engagement_day(TODAY) == dt.date(2026, 11, 24)
    check_engagement_day(dt.date(2026, 11, 24), today=TODAY)
    check_engagement_day(dt.date(2026, 1, 1), today=TODAY)
    with pytest.raises(DateRangeError, match="freshest day there can be is 2026-11-24"):
        check_engagement_day(dt.date(2026, 11, 25), today=TODAY)


def test_engagement_range_end_is_exclusive_and_bounded() -> None:
    check_engagement_range(dt.date(2026, 11, 1), dt.date(2026, 11, 25), today=TODAY)
    with pytest.raises(DateRangeError, match="after today"):
        check_engagement_range(dt.date(2026, 11, 1), dt.date(2026, 11, 26), today=TODAY)
    with pytest.raises(DateRangeError, match="has not ended yet"):
        check_engagement_range(dt.date(2026, 11, 25), dt.date(2026, 11, 25), today=TODAY)
    with pytest.raises(DateRangeError, match="empty"):
        check_engagement_range(dt.date(2026, 3, 1), dt.date(2026, 3, 1), today=TODAY)
    with pytest.raises(DateRangeError, match="at most 366"):
        check_engagement_range(dt.date(2026, 1, 1), dt.date(2027, 1, 3), today=dt.date(2027, 2, 1))


def test_cost_window_rules() -> None:
    check_cost_window(at("2026-10-01"), at("2026-11-01"), now=NOW)  # exactly 31 days
    with pytest.raises(DateRangeError, match="longer than 31 days"):
        check_cost_window(at("2026-10-01"), at("2026-11-01T00:00:01"), now=NOW)
    with pytest.raises(DateRangeError, match="before 2026-01-01"):
        check_cost_window(at("2025-12-31"), at("2026-01-02"), now=NOW)
    with pytest.raises(DateRangeError, match="more than 365 days ago"):
        check_cost_window(at("2026-02-01"), at("2026-02-02"), now=at("2027-02-02"))
    with pytest.raises(DateRangeError, match="no time zone"):
        check_cost_window(dt.datetime(2026, 3, 1), at("2026-03-02"), now=NOW)  # noqa: DTZ001


def test_split_days_is_adjacent_without_overlap() -> None:
    windows = split_days(dt.date(2026, 1, 1), dt.date(2026, 3, 17))  # 75 days
    assert [(b - a).days for a, b in windows] == [31, 31, 13]
    assert windows[0][0] == dt.date(2026, 1, 1)
    assert windows[-1][1] == dt.date(2026, 3, 17)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))
    assert split_days(dt.date(2026, 3, 1), dt.date(2026, 3, 1)) == []


def test_split_instants_converts_to_utc() -> None:
    start = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    windows = split_instants(start, at("2026-04-15"))
    assert windows[0][0] == at("2026-03-01")
    assert windows[0][1] == at("2026-04-01")
    assert windows[1] == (at("2026-04-01"), at("2026-04-15"))
    assert rfc3339(start) == "2026-03-01T00:00:00Z"


def test_cost_windows_open_end_means_now() -> None:
    assert cost_windows(at("2026-11-01"), None, now=NOW) == [(at("2026-11-01"), None)]
    windows = cost_windows(at("2026-09-01"), None, now=NOW)
    assert windows[-1][1] == NOW
    assert len(windows) == 3
    with pytest.raises(DateRangeError, match="empty"):
        cost_windows(at("2026-03-02"), at("2026-03-01"), now=NOW)
