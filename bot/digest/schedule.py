"""When a subscription posts, and which days its post reports.

A subscription's time is wall-clock time in its own zone, so "09:00 Europe/Berlin" is 08:00 UTC
in winter and 07:00 UTC in summer. APScheduler's `CronTrigger` with a `ZoneInfo` does that
arithmetic (including the nights the clocks change), and every fire time here comes from it;
the scheduler only asks "what was the latest fire time at or before now?", so a clock that is
controlled in tests gives exactly what the running scheduler does.

What a post reports never depends on the subscriber's zone: days are the API's UTC days, and a
digest reports the last complete UTC day (daily) or ISO week (weekly) at the moment it fires.
At 09:00 in Auckland (UTC+13) it is still 20:00 UTC the day before there, so "yesterday" is the
UTC day before that one: the last day whose data can be complete.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.reports.periods import Period, day_label, range_label, utc_today
from bot.store.subscriptions import DigestKind, Subscription

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LOOKBACK = timedelta(days=8)
"""Far enough back to find the previous fire time of a weekly schedule."""


def trigger(sub: Subscription) -> CronTrigger:
    """The APScheduler trigger of a subscription, in its own zone (DST-correct)."""
    from apscheduler.triggers.cron import CronTrigger

    day = _CRON_DAYS[sub.weekday] if sub.kind == "weekly" else "*"
    return CronTrigger(
        day_of_week=day, hour=sub.at.hour, minute=sub.at.minute, timezone=ZoneInfo(sub.tz)
    )


def next_fire(sub: Subscription, now: datetime) -> datetime:
    """The first fire time after `now`, in UTC."""
    fire: datetime | None = trigger(sub).get_next_fire_time(None, now + timedelta(microseconds=1))
    assert fire is not None  # a cron trigger without an end date always fires again
    return fire.astimezone(UTC)


def last_fire(sub: Subscription, now: datetime) -> datetime:
    """The latest fire time at or before `now`, in UTC."""
    cron = trigger(sub)
    fire: datetime | None = cron.get_next_fire_time(None, now - _LOOKBACK)
    last = fire
    while fire is not None and fire <= now:
        last = fire
        fire = cron.get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert last is not None
    return last.astimezone(UTC)


def report_period(kind: DigestKind, at: datetime) -> Period:
    """The days a digest fired at `at` reports: the last complete UTC day, or ISO week."""
    today = utc_today(at)
    if kind == "daily":
        day = today - timedelta(days=1)
        return Period(start=day, end=day, label=day_label(day))
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    sunday = monday + timedelta(days=6)
    return Period(start=monday, end=sunday, label=range_label(monday, sunday), unit="week")


def period_key(period: Period) -> str:
    """The claim's period: the reported day, or the reported week's Monday."""
    return period.start.isoformat()


def local_time(at: datetime, tz: str) -> str:
    """`Tue Nov 24, 09:00 CET (08:00 UTC)` for telling people when a digest comes."""
    local = at.astimezone(ZoneInfo(tz))
    utc = at.astimezone(UTC)
    text = f"{local:%a %b} {local.day}, {local:%H:%M %Z}"
    return text if tz == "UTC" else f"{text} ({utc:%H:%M} UTC)"
