"""When a subscription posts, and which days its post reports.

A subscription's time is wall-clock time in its own zone, so "09:00 Europe/Berlin" is 08:00 UTC
in winter and 07:00 UTC in summer. APScheduler's `CronTrigger` with a `ZoneInfo` does that
arithmetic, and every fire time here comes from it; the scheduler only asks "what was the
latest fire time at or before now?", so a clock that is controlled in tests gives exactly what
the running scheduler does.

A subscription fires at most once a local day, so the trigger is asked one local day at a
time, from that day's start, and its answer counts only when it falls on that day. On the
nights the clocks change that is what people expect: a time inside the repeated hour fires
once, at its first occurrence (01:30 on the night New York falls back is 05:30 UTC, not also
06:30); a time the clocks skip fires once, shifted by the gap (02:30 on the night New York
springs forward is 03:30 EDT). It also bounds the work: at most `_DAYS_SEARCHED` questions per
answer, whatever the trigger returns. Asked to continue from its own answer at a fold,
APScheduler 3 returns that same instant forever, which once froze the scheduler.

What a post reports never depends on the subscriber's zone: days are the API's UTC days, and a
digest reports the last complete UTC day (daily) or ISO week (weekly) at the moment it fires.
At 09:00 in Auckland (UTC+13) it is still 20:00 UTC the day before there, so "yesterday" is the
UTC day before that one: the last day whose data can be complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.reports.periods import Period, day_label, range_label, utc_today
from bot.store.subscriptions import DigestKind, Subscription

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS_SEARCHED = 9
"""Local days looked at for one fire time: a weekly schedule fires within any 8 in a row."""


class NoFireTime(RuntimeError):
    """The trigger named no fire time in `_DAYS_SEARCHED` days (never for a valid subscription)."""


def trigger(sub: Subscription) -> CronTrigger:
    """The APScheduler trigger of a subscription, in its own zone (DST-correct)."""
    from apscheduler.triggers.cron import CronTrigger

    day = _CRON_DAYS[sub.weekday] if sub.kind == "weekly" else "*"
    return CronTrigger(
        day_of_week=day, hour=sub.at.hour, minute=sub.at.minute, timezone=ZoneInfo(sub.tz)
    )


def next_fire(sub: Subscription, now: datetime) -> datetime:
    """The first fire time after `now`, in UTC."""
    for fire in _fires(sub, now, step=1):
        if fire > now:
            return fire
    raise NoFireTime(f"no fire time of the {sub.when()} digest after {now:%Y-%m-%d %H:%M} UTC")


def last_fire(sub: Subscription, now: datetime) -> datetime:
    """The latest fire time at or before `now`, in UTC."""
    for fire in _fires(sub, now, step=-1):
        if fire <= now:
            return fire
    raise NoFireTime(f"no fire time of the {sub.when()} digest before {now:%Y-%m-%d %H:%M} UTC")


def _fires(sub: Subscription, now: datetime, *, step: int) -> Iterator[datetime]:
    """The subscription's fire times (UTC) on the local days from `now`'s onwards (`step` 1) or
    backwards (-1), at most one a day and `_DAYS_SEARCHED` days in all."""
    cron, zone = trigger(sub), ZoneInfo(sub.tz)
    today = now.astimezone(zone).date()
    for offset in range(_DAYS_SEARCHED):
        day = today + timedelta(days=step * offset)
        fire: datetime | None = cron.get_next_fire_time(None, datetime.combine(day, time(), zone))
        if fire is not None and fire.astimezone(zone).date() == day:
            yield fire.astimezone(UTC)


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
