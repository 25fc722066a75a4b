"""The finance view (`finance`): month to date, a projection, yesterday against its week, seats.

* Days are the API's UTC days and today (still filling in) never counts, nor does any day the
  API had not finished reporting when it was synced (`coverage.is_complete`: yesterday, early
  in a UTC day). Month to date runs
  through the latest complete day of this month with cost data (D) and is compared with last
  month's days 1…D (clipped to last month's length), so a month is never compared with a longer
  stretch of the one before. On the 1st there is no complete day yet, and the answer says so
  instead of showing $0 and −100 %.
* The projection says what it stands on. Two figures exist: month to date run-rated over the
  complete days (MTD / D × days in month), and month to date plus the trailing 28-day daily
  average for the days left. A young month (fewer than `STEADY_DAYS` complete days) uses the
  trailing rate, which is steadier than one or two days; later the month's own rate is used.
  A note gives the basis and the other figure.
* "Yesterday" is the last complete UTC day when synced, else the latest synced day before today
  (a note says so); it is compared with the average day of the 7 days before it that are synced.
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
from bot.store.money import MICROCENTS_PER_CENT, format_usd

STEADY_DAYS = 7
"""Complete days a month needs before its own run rate is trusted over the trailing rate."""
TRAILING_DAYS = 28


def finance(
    db: Database, *, today: date, seat_price_cents: int | None = None
) -> FinanceComparisons:
    """Anchored on `today` (the current UTC day), not on a period: see the module docstring."""
    synced = _synced_cost_days(db, today)
    if not synced:
        raise NoDataError("No spend data has been synced yet, so there is nothing to compare.")
    notes: list[str] = []
    first = today.replace(day=1)
    this_month = sorted(day for day in synced if first <= day < today)
    mtd = previous_period = projected = alternative = None
    basis: str | None = None
    period = Period(start=first, end=today, label="month to date", unit="month")
    if this_month:
        through = this_month[-1]
        period = Period(start=first, end=through, label="month to date", unit="month")
        current = sum(amount for amount, _ in daily_spend(db, this_month).values())
        previous_period = period.previous()
        before = coverage.coverage(db, "cost_buckets", previous_period)
        previous = None
        if before.any:
            previous = sum(a for a, _ in daily_spend(db, sorted(before.days)).values())
        else:
            notes.append("Last month's spend is not synced, so month to date has no comparison.")
        mtd = Delta.of(current, previous)
        projected, alternative, basis = _projection(db, synced, current, this_month, through)
        notes.append(basis)
        if len(this_month) < through.day:
            notes.append("Some days of this month are not synced; month to date is understated.")
        if through < today - timedelta(days=1):
            notes.append(f"Spend this month is complete through {day_label(through)}.")
    elif today.day == 1:
        notes.append(
            f"{today:%B} has no complete day yet: today ({day_label(today)}, UTC) is still "
            "coming in, so there is no month to date."
        )
    else:
        pending = coverage.coverage(db, "cost_buckets", Period.between(first, today))
        if pending.any:  # synced, but none of it complete: the month's first day is not over
            notes.append(
                coverage.incomplete_sentence(
                    pending.days | pending.pending, pending.watermark, "spend"
                )
                + ", so there is no month to date yet."
            )
        else:
            notes.append("No spend is synced yet for this month.")

    yesterday = today - timedelta(days=1)
    day = yesterday if yesterday in synced else max((d for d in synced if d < today), default=None)
    day_amount = trailing = None
    if day is not None:
        if day != yesterday:
            notes.append(_not_yet(db, yesterday, day))
        day_amount = daily_spend(db, [day])[day][0]
        trailing = _average(db, synced, day, 7)
        if trailing is None:
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
        projection_basis=basis,
        alternative_projection_microcents=alternative,
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


def _not_yet(db: Database, yesterday: date, shown: date) -> str:
    """Why yesterday is not the day shown: not synced, or synced but not complete yet."""
    found = coverage.coverage(db, "cost_buckets", Period.between(yesterday, yesterday))
    if found.any:
        return (
            coverage.incomplete_sentence([yesterday], found.watermark, "spend")
            + f"; showing {day_label(shown)}."
        )
    return f"Yesterday's spend is not synced yet; showing {day_label(shown)}."


def _projection(
    db: Database, synced: set[date], mtd: int, this_month: list[date], through: date
) -> tuple[int, int | None, str]:
    """(projection, the other projection, the sentence saying which and why)."""
    days_in_month = calendar.monthrange(through.year, through.month)[1]
    complete = len(this_month)
    run_rate = _rounded(mtd * days_in_month, through.day)
    daily = _average(db, synced, through + timedelta(days=1), TRAILING_DAYS)
    trailing = None if daily is None else mtd + daily * (days_in_month - through.day)
    days = "1 complete day" if complete == 1 else f"{complete} complete days"
    if trailing is not None and daily is not None and complete < STEADY_DAYS:
        return (
            trailing,
            run_rate,
            (
                f"Projection: month to date plus the trailing {TRAILING_DAYS}-day average "
                f"({format_usd(daily)}/day) for the rest of the month, because the month has only "
                f"{days}; its own run rate would give {format_usd(run_rate)}."
            ),
        )
    other = "" if trailing is None else f"; the trailing {TRAILING_DAYS}-day rate gives "
    other += "" if trailing is None else format_usd(trailing)
    return run_rate, trailing, f"Projection: the month's run rate over {days}{other}."


def _average(db: Database, synced: set[date], before: date, span: int) -> int | None:
    """Average daily spend over the synced days among the `span` days before `before`."""
    window = [before - timedelta(days=n) for n in range(1, span + 1)]
    found = [d for d in window if d in synced]
    if not found:
        return None
    total = sum(a for a, _ in daily_spend(db, found).values())
    return _rounded(total, len(found))


def _synced_cost_days(db: Database, today: date) -> set[date]:
    """Complete synced `cost_buckets` days from 70 days before today through today (enough for
    the trailing 28 days before the 1st of last month's comparison). A day the API had not
    finished reporting is not one of them (`coverage.is_complete`): counted as complete, it
    would understate month to date's run rate and make yesterday look like a drop."""
    return set(coverage.complete_days(db, "cost_buckets", today - timedelta(days=70), today))


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
