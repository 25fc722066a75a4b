"""The finance view (`finance`): month to date, yesterday against its week, and idle seats.

* Month to date runs through the latest whole day of this month with cost data (D; today only
  on the 1st, when there is nothing else) and is compared with last month's days 1…D (clipped
  to last month's length), so a month is never compared with a longer stretch of the one
  before. The projection run-rates MTD to the whole month.
* "Yesterday" is today − 1 when synced, else the latest synced cost day before today (a note says
  so); it is compared with the average day of the 7 calendar days before it that are synced.
* Idle seats are assigned seats − MAU on the latest summary day; they are costed only when a
  monthly seat price (in cents) is configured, never guessed.

Averages of money are integer micro-cents, rounded half up, so no float touches money.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlite_utils import Database

from bot.reports import coverage
from bot.reports.coverage import NoDataError
from bot.reports.periods import Period, day_label
from bot.reports.spend import daily_spend
from bot.reports.types import Delta, FinanceComparisons
from bot.store.freshness import read_freshness
from bot.store.money import MICROCENTS_PER_CENT


def finance(
    db: Database, *, today: date, seat_price_cents: int | None = None
) -> FinanceComparisons:
    """Anchored on `today` (the caller's timezone), not on a period: see the module docstring."""
    month = Period(start=today.replace(day=1), end=today, label="month to date")
    synced = _synced_cost_days(db, today)
    if not synced:
        raise NoDataError("No spend data has been synced yet, so there is nothing to compare.")
    notes: list[str] = []
    this_month = sorted(day for day in synced if month.contains(day))
    if len(this_month) > 1 and this_month[-1] == today:
        this_month.pop()  # today is still filling in; compare whole days
        notes.append("Today's spend is still coming in, so month to date stops at yesterday.")
    mtd = previous_period = projected = None
    period = month
    if this_month:
        through = this_month[-1]
        period = Period(start=month.start, end=through, label="month to date")
        current = sum(amount for amount, _ in daily_spend(db, this_month).values())
        previous_period = _same_days_last_month(through)
        before = coverage.coverage(db, "cost_buckets", previous_period)
        previous = None
        if before.any:
            previous = sum(a for a, _ in daily_spend(db, sorted(before.days)).values())
        else:
            notes.append("Last month's spend is not synced, so month to date has no comparison.")
        mtd = Delta.of(current, previous)
        days_in_month = calendar.monthrange(through.year, through.month)[1]
        projected = _rounded(current * days_in_month, through.day)
        if len(this_month) < through.day:
            notes.append("Some days of this month are not synced; month to date is understated.")
        if through < today:
            notes.append(f"Spend this month is synced through {day_label(through)}.")
    else:
        notes.append("No spend is synced yet for this month.")

    yesterday = today - timedelta(days=1)
    day = yesterday if yesterday in synced else max((d for d in synced if d < today), default=None)
    day_amount = trailing = None
    if day is not None:
        if day != yesterday:
            notes.append(f"Yesterday's spend is not synced yet; showing {day_label(day)}.")
        day_amount = daily_spend(db, [day])[day][0]
        week = [day - timedelta(days=n) for n in range(1, 8)]
        week_synced = [d for d in week if d in synced]
        if week_synced:
            total = sum(a for a, _ in daily_spend(db, week_synced).values())
            trailing = _rounded(total, len(week_synced))
        else:
            notes.append("No spend is synced for the 7 days before, so there is no average.")

    seats, mau = _seats(db, today)
    idle = None if seats is None or mau is None else max(seats - mau, 0)
    idle_cost = None
    if idle is not None and seat_price_cents is not None:
        idle_cost = idle * seat_price_cents * MICROCENTS_PER_CENT
    elif idle is not None:
        notes.append("Set a seat price (`CLAUDE_USAGE_SEAT_PRICE_CENTS`) to cost idle seats.")
    if seats is None:
        notes.append("Seat counts are not synced or not reported, so idle seats are not available.")
    return FinanceComparisons(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        mtd=mtd,
        mtd_previous_period=previous_period,
        projected_month_microcents=projected,
        yesterday_day=day,
        yesterday_microcents=day_amount,
        trailing_avg_microcents=trailing,
        yesterday_vs_avg=None if day_amount is None else Delta.of(day_amount, trailing),
        seats=seats,
        mau=mau,
        idle_seats=idle,
        seat_price_cents=seat_price_cents,
        idle_seat_cost_microcents=idle_cost,
    )


def _synced_cost_days(db: Database, today: date) -> set[date]:
    """Synced `cost_buckets` days from 40 days before today through today."""
    rows = db.execute(
        "SELECT day FROM sync_ledger WHERE dataset = 'cost_buckets' AND day BETWEEN ? AND ?",
        ((today - timedelta(days=40)).isoformat(), today.isoformat()),
    ).fetchall()
    return {date.fromisoformat(row[0]) for row in rows}


def _same_days_last_month(through: date) -> Period:
    """Days 1 … `through.day` of the previous month, clipped to that month's length."""
    end_of_last = through.replace(day=1) - timedelta(days=1)
    end = end_of_last.replace(day=min(through.day, end_of_last.day))
    return Period(start=end_of_last.replace(day=1), end=end, label=f"{end:%B} 1–{end.day}")


def _seats(db: Database, today: date) -> tuple[int | None, int | None]:
    row = db.execute(
        "SELECT assigned_seat_count, monthly_active_user_count FROM summaries "
        "WHERE day <= ? ORDER BY day DESC LIMIT 1",
        (today.isoformat(),),
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _rounded(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (exact for any size of money)."""
    return (2 * numerator + denominator) // (2 * denominator)
