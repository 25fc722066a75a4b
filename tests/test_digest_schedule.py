"""When subscriptions fire (in their own zone, DST-correct) and which UTC days they report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

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


NEW_YORK_FALL = Subscription(channel="C1", kind="daily", at=time(1, 30), tz="America/New_York")
BERLIN_FALL = Subscription(
    channel="C1", kind="weekly", at=time(2, 15), tz="Europe/Berlin", weekday=6
)
LORD_HOWE_FALL = Subscription(channel="C1", kind="daily", at=time(1, 45), tz="Australia/Lord_Howe")
NEW_YORK_SPRING = Subscription(channel="C1", kind="daily", at=time(2, 30), tz="America/New_York")
LORD_HOWE_SPRING = Subscription(
    channel="C1", kind="daily", at=time(2, 15), tz="Australia/Lord_Howe"
)


@pytest.mark.timeout(2, method="signal")  # the old loop never returned at a fold: fail, not hang
@pytest.mark.parametrize(
    ("sub", "before", "fire", "then"),
    [
        # New York falls back at 02:00 EDT on Nov 1, 2026: 01:30 comes twice (05:30 and 06:30
        # UTC); the digest fires at the first, and next on Nov 2 at 01:30 EST (06:30 UTC).
        (NEW_YORK_FALL, utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
        # Berlin falls back at 03:00 CEST on Sunday Oct 25: 02:15 is 00:15 and 01:15 UTC.
        (BERLIN_FALL, utc(2026, 10, 18, 0, 15), utc(2026, 10, 25, 0, 15), utc(2026, 11, 1, 1, 15)),
        # Lord Howe falls back half an hour at 02:00 on Apr 5: 01:45 is 14:45 and 15:15 UTC.
        (LORD_HOWE_FALL, utc(2026, 4, 3, 14, 45), utc(2026, 4, 4, 14, 45), utc(2026, 4, 5, 15, 15)),
        # New York skips 02:00–03:00 on Mar 8: 02:30 does not exist; it fires at 03:30 EDT.
        (NEW_YORK_SPRING, utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)),
        # Lord Howe skips 02:00–02:30 on Oct 4: 02:15 fires at 02:45 (+11), 15:45 UTC.
        (
            LORD_HOWE_SPRING,
            utc(2026, 10, 2, 15, 45),
            utc(2026, 10, 3, 15, 45),
            utc(2026, 10, 4, 15, 15),
        ),
    ],
    ids=["new-york-fall", "berlin-fall", "lord-howe-fall", "new-york-spring", "lord-howe-spring"],
)
def test_a_time_the_clocks_repeat_or_skip_fires_once(
    sub: Subscription, before: datetime, fire: datetime, then: datetime
) -> None:
    assert next_fire(sub, before) == fire
    assert last_fire(sub, fire - timedelta(seconds=1)) == before
    for minutes in (0, 30, 60, 90, 120, 24 * 60 - 1):  # through the repeated hour and after
        now = fire + timedelta(minutes=minutes)
        if now < then:
            assert last_fire(sub, now) == fire, now
            assert next_fire(sub, now) == then, now
    assert last_fire(sub, then) == then
