"""Date windows of the engagement endpoints: single-day or range mode, and their rules.

Range mode's omitted `ending_date` ("today") is resolved when the first page is served and carried
in the cursor, so a pagination sequence that crosses midnight still reads one consistent window.
Days after the latest available day (today − 1; today − 3 in legacy mode) are never included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.simulator.context import RequestContext
from bot.simulator.cursors import Cursor
from bot.simulator.errors import invalid
from bot.simulator.params import Params, check_available, check_day_bounds, parse_date

MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class DayWindow:
    days: tuple[int, ...]  # ordinals of the available days in the window, ascending
    single: bool
    end: str | None  # resolved exclusive ending_date (range mode), for the cursor


def engagement_window(ctx: RequestContext, params: Params, cursor: Cursor | None) -> DayWindow:
    day_text, start_text = params.get("date"), params.get("starting_date")
    end_text = params.get("ending_date")
    latest = ctx.latest_engagement_day
    if day_text is not None and start_text is not None:
        raise invalid("date and starting_date cannot be used together; send exactly one of them")
    if day_text is not None:
        if end_text is not None:
            raise invalid("ending_date: only allowed together with starting_date")
        day = parse_date("date", day_text)
        check_day_bounds("date", day, ctx.today)
        check_available("date", day, latest)
        return DayWindow((day.toordinal(),), True, None)
    if start_text is None:
        raise invalid("date: required (or starting_date for range mode)")
    start = parse_date("starting_date", start_text)
    check_day_bounds("starting_date", start, ctx.today)
    check_available("starting_date", start, latest)
    # The first page fixes the effective exclusive end (omitted ending_date = today, and never
    # past the latest available day); later pages read it from the cursor.
    fixed = date.fromisoformat(cursor.end) if cursor is not None and cursor.end else None
    end = ctx.today if end_text is None else parse_date("ending_date", end_text)
    if end <= start:
        raise invalid("ending_date: must be after starting_date (ending_date is exclusive)")
    if end_text is not None and end > ctx.today:
        raise invalid(f"ending_date must be on or before {ctx.today} (today)")
    if (end - start).days > MAX_RANGE_DAYS:
        raise invalid(f"ending_date: at most {MAX_RANGE_DAYS} days after starting_date")
    effective = min(end, fixed if fixed is not None else latest + timedelta(days=1))
    days = tuple(range(start.toordinal(), effective.toordinal()))
    return DayWindow(days, False, effective.isoformat())
