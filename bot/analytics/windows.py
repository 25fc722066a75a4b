"""The API's date rules, checked before a request is sent, and splitting of long periods.

The API rejects (400) anything before 2026-01-01, cost/usage windows starting more than 365 days
ago or spanning more than 31 days, and engagement days that are not published yet. Checking
locally turns those into one clear sentence without spending a request, and lets the client
split a long period into adjacent windows instead of failing. Every function takes `today`/`now`
explicitly so the rules are testable without a clock.

How late engagement days are published is the API's to say, not ours: today's API has "typically
a 1-day lag (varies by query)", the older guide three days. Locally we refuse only what cannot
exist (a day that has not ended: today or later); for a day not published yet the API answers 400
naming its latest available day, which the client turns into `DataNotYetAvailableError` and the
store remembers (`bot.store.latest`).
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from bot.analytics.errors import DateRangeError

FIRST_DAY = dt.date(2026, 1, 1)
"""The first day the Analytics API has data for, on every endpoint."""
FIRST_INSTANT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MAX_WINDOW_DAYS = 31
"""Longest span of one cost/usage request (and of one `/summaries` request, per the guide)."""
MAX_LOOKBACK_DAYS = 365
"""`starting_at` of a cost/usage request must lie within this many days of now."""
MAX_RANGE_DAYS = 366
"""Longest engagement range-mode span (`ending_date - starting_date`)."""


def latest_engagement_day(today: dt.date) -> dt.date:
    """The newest engagement day worth asking for: yesterday, the last day that has ended. The
    API may not have published it yet; its 400 then names the day it has."""
    return today - dt.timedelta(days=1)


def to_utc(value: dt.datetime) -> dt.datetime:
    """`value` in UTC; naive datetimes are refused because their zone would be a guess."""
    if value.tzinfo is None:
        raise DateRangeError(
            f"{value.isoformat()} has no time zone; give timestamps in UTC, e.g. "
            "2026-03-01T00:00:00Z."
        )
    return value.astimezone(dt.UTC)


def rfc3339(value: dt.datetime) -> str:
    """`2026-03-01T00:00:00Z`: the timestamp form the API documents."""
    return to_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_engagement_day(day: dt.date, *, today: dt.date) -> None:
    """Raise unless `day` is an engagement day the API serves (2026-01-01 … today − 3)."""
    if day < FIRST_DAY:
        raise DateRangeError(
            f"{day.isoformat()} is before {FIRST_DAY.isoformat()}, the first day the Analytics "
            "API has data for."
        )
    latest = latest_engagement_day(today)
    if day > latest:
        raise DateRangeError(
            f"{day.isoformat()} has not ended yet (it is {today.isoformat()} in UTC): engagement "
            f"data covers whole UTC days, so the freshest day there can be is {latest.isoformat()}."
        )


def check_engagement_range(start: dt.date, end: dt.date, *, today: dt.date) -> None:
    """Raise unless `[start, end)` is a servable engagement range (end exclusive, ≤ 366 days).

    `end` may reach today (the API's own bound); days the API has not published yet are simply
    not served.
    """
    check_engagement_day(start, today=today)
    if end <= start:
        raise DateRangeError(
            f"The range {start.isoformat()}..{end.isoformat()} is empty: ending_date is "
            "exclusive and must be after starting_date."
        )
    if end > today:
        raise DateRangeError(
            f"ending_date {end.isoformat()} is after today ({today.isoformat()}); the Analytics "
            "API has no data for future days."
        )
    if (end - start).days > MAX_RANGE_DAYS:
        raise DateRangeError(
            f"The range {start.isoformat()}..{end.isoformat()} spans {(end - start).days} days; "
            f"the Analytics API allows at most {MAX_RANGE_DAYS} per request."
        )


def check_cost_window(start: dt.datetime, end: dt.datetime, *, now: dt.datetime) -> None:
    """Raise unless `[start, end)` is one valid cost/usage window (≤ 31 days, recent enough)."""
    start, end, now = to_utc(start), to_utc(end), to_utc(now)
    if start < FIRST_INSTANT:
        raise DateRangeError(
            f"{rfc3339(start)} is before {FIRST_DAY.isoformat()}, the first day the Analytics "
            "API has data for."
        )
    oldest = now - dt.timedelta(days=MAX_LOOKBACK_DAYS)
    if start < oldest:
        raise DateRangeError(
            f"{rfc3339(start)} is more than {MAX_LOOKBACK_DAYS} days ago; the Analytics API "
            f"serves cost and usage from {rfc3339(oldest)} on."
        )
    if end <= start:
        raise DateRangeError(
            f"The window {rfc3339(start)}..{rfc3339(end)} is empty: ending_at is exclusive and "
            "must be after starting_at."
        )
    if end - start > dt.timedelta(days=MAX_WINDOW_DAYS):
        raise DateRangeError(
            f"The window {rfc3339(start)}..{rfc3339(end)} is longer than {MAX_WINDOW_DAYS} days, "
            "the most one Analytics API request may span."
        )


_Moment = TypeVar("_Moment", dt.date, dt.datetime)


def _adjacent(start: _Moment, end: _Moment, max_days: int) -> list[tuple[_Moment, _Moment]]:
    """Adjacent `[a, b)` windows of at most `max_days` covering `[start, end)` exactly."""
    step = dt.timedelta(days=max_days)
    windows: list[tuple[_Moment, _Moment]] = []
    cursor = start
    while cursor < end:
        nxt = min(cursor + step, end)
        windows.append((cursor, nxt))
        cursor = nxt
    return windows


def split_days(
    start: dt.date, end: dt.date, *, max_days: int = MAX_WINDOW_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """Adjacent `[a, b)` day windows of at most `max_days` covering `[start, end)` exactly."""
    return _adjacent(start, end, max_days)


def split_instants(
    start: dt.datetime, end: dt.datetime, *, max_days: int = MAX_WINDOW_DAYS
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Adjacent `[a, b)` UTC windows of at most `max_days` covering `[start, end)` exactly."""
    return _adjacent(to_utc(start), to_utc(end), max_days)


def cost_windows(
    start: dt.datetime, end: dt.datetime | None, *, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """The windows to request for a cost/usage period, each checked against the rules.

    `end=None` keeps the API's meaning ("now"): one open window if the period fits in 31 days,
    else adjacent closed windows up to `now`.
    """
    now = to_utc(now)
    start = to_utc(start)
    if end is None:
        if now - start <= dt.timedelta(days=MAX_WINDOW_DAYS):
            check_cost_window(start, max(now, start + dt.timedelta(seconds=1)), now=now)
            return [(start, None)]
        end = now
    end = to_utc(end)
    windows = split_instants(start, end)
    if not windows:
        check_cost_window(start, end, now=now)  # raises: empty window
    for a, b in windows:
        check_cost_window(a, b, now=now)
    return [(a, b) for a, b in windows]
