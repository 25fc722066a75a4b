"""When subscriptions fire (in their own zone, DST-correct) and which UTC days they report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.digest.schedule import last_fire, local_time, next_fire, report_period
from bot.store.subscriptions import Subscription

BERLIN = Subscription(channel="C1", kind="daily", at=time(9, 0), tz="Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_nine_in_berlin_is_eight_utc_in_winter_and_seven_in_summer() -> None:
    assert next_fire(BERLIN, utc(2026, 1, 15, 0, 0)) == utc(2026, 1, 15, 8, 0)
    assert next_fire(BERLIN, utc(2026, 7, 15, 0, 0)) == utc(2026, 7, 15, 7, 0)
    # Across the spring change (Mar 29, 2026) and the autumn one (Oct 25, 2026).
    assert next_fire(BERLIN, utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 7, 0)
    assert next_fire(BERLIN, utc(2026, 3, 28, 0, 0)) == utc(2026, 3, 28, 8, 0)
    assert next_fire(BERLIN, utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 8, 0)
    assert next_fire(BERLIN, utc(2026, 10, 24, 0, 0)) == utc(2026, 10, 24, 7, 0)


def test_last_fire_is_the_latest_at_or_before_now() -> None:
    assert last_fire(BERLIN, utc(2026, 1, 15, 8, 0)) == utc(2026, 1, 15, 8, 0)
    assert last_fire(BERLIN, utc(2026, 1, 15, 7, 59)) == utc(2026, 1, 14, 8, 0)
    assert last_fire(BERLIN, utc(2026, 7, 15, 7, 0, 30)) == utc(2026, 7, 15, 7, 0)


def test_weekly_fires_on_its_weekday() -> None:
    weekly = Subscription(channel="C1", kind="weekly", at=time(9, 30), tz="America/New_York")
    # Monday Nov 23, 2026, 09:30 EST = 14:30 UTC.
    assert next_fire(weekly, utc(2026, 11, 19, 0, 0)) == utc(2026, 11, 23, 14, 30)
    assert last_fire(weekly, utc(2026, 11, 22, 0, 0)) == utc(2026, 11, 16, 14, 30)
    friday = Subscription(
        channel="C1", kind="weekly", at=time(16, 0), tz="Europe/London", weekday=4
    )
    assert next_fire(friday, utc(2026, 11, 19, 0, 0)) == utc(2026, 11, 20, 16, 0)


def test_a_subscriber_at_utc_plus_13_gets_the_last_complete_utc_day() -> None:
    """09:00 in Auckland (NZDT, UTC+13) on Friday Nov 20 is 20:00 UTC on Thursday Nov 19: the
    last complete UTC day is Wednesday Nov 18, not the local "yesterday" (Thursday), which is
    still running in UTC."""
    auckland = Subscription(channel="C1", kind="daily", at=time(9, 0), tz="Pacific/Auckland")
    fired = next_fire(auckland, utc(2026, 11, 19, 12, 0))
    assert fired == utc(2026, 11, 19, 20, 0)
    period = report_period("daily", fired)
    assert (period.start, period.end) == (date(2026, 11, 18), date(2026, 11, 18))
    assert local_time(fired, "Pacific/Auckland") == "Fri Nov 20, 09:00 NZDT (20:00 UTC)"


@pytest.mark.parametrize(
    ("at", "monday"),
    [
        (utc(2026, 11, 23, 8, 0), date(2026, 11, 16)),  # Monday morning: the week before
        (utc(2026, 11, 22, 20, 0), date(2026, 11, 9)),  # Monday 09:00 at UTC+13: still Sunday
        (utc(2026, 11, 26, 8, 0), date(2026, 11, 16)),  # a Thursday weekly: last whole week
    ],
)
def test_weekly_reports_the_last_complete_iso_week(at: datetime, monday: date) -> None:
    period = report_period("weekly", at)
    assert (period.start, period.end, period.unit) == (
        monday,
        date.fromordinal(monday.toordinal() + 6),
        "week",
    )
