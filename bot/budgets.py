"""Monthly budgets (table `budgets`, m021) and the month-end forecast they are judged against.

A budget is a monthly amount for the organisation (scope "") or one product (`--product P`).
Spend against it is month to date through the last complete UTC day, from the same store
figures as `spend` and `finance`. The forecast is exact `Decimal` arithmetic on micro-cents,
using the same rule as `finance`'s projection so the two never disagree:

    complete days ≥ STEADY_DAYS   month to date × days in month / complete days (run rate)
    fewer, with a trailing rate   month to date + trailing 28-day daily average × days left

Rounding happens once, half up, to whole micro-cents.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database

from bot.reports.finance import STEADY_DAYS, TRAILING_DAYS
from bot.reports.labels import label_for
from bot.store.money import format_usd


@dataclass(frozen=True)
class Budget:
    scope: str
    """"" for the organisation, else a product key."""
    amount_microcents: int
    set_by: str | None = None
    set_at: datetime | None = None

    @property
    def product(self) -> str | None:
        return self.scope or None

    @property
    def label(self) -> str:
        return "Organisation" if not self.scope else label_for("product", self.scope)


@dataclass(frozen=True)
class Forecast:
    month_end_microcents: int
    daily_rate: Decimal
    """Micro-cents per day used for the days left (exact)."""
    complete_days: int
    days_in_month: int
    basis: str
    """One sentence: which rate, from how many days."""


def forecast(mtd_microcents: int, through: date, trailing_daily: int | None = None) -> Forecast:
    """Month-end spend from month to date through `through` (a complete day of the month).

    `trailing_daily` is the average day of the trailing 28 days (integer micro-cents, as
    `finance` rounds it); it is used while the month has fewer than `STEADY_DAYS` days.
    """
    days_in_month = calendar.monthrange(through.year, through.month)[1]
    complete = through.day
    left = days_in_month - complete
    mtd = Decimal(mtd_microcents)
    if complete < STEADY_DAYS and trailing_daily is not None:
        rate = Decimal(trailing_daily)
        basis = (
            f"month to date plus the trailing {TRAILING_DAYS}-day average "
            f"({format_usd(trailing_daily)}/day) for the {left} days left"
        )
    else:
        rate = mtd / Decimal(complete)
        days = "1 complete day" if complete == 1 else f"{complete} complete days"
        basis = f"the month's run rate over {days}"
    total = (mtd + rate * Decimal(left)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Forecast(
        month_end_microcents=int(total),
        daily_rate=rate,
        complete_days=complete,
        days_in_month=days_in_month,
        basis=basis,
    )


def percent_of(part: int, whole: int) -> Decimal:
    """`part` as a percent of `whole`, exact to 0.1 % (half up); 0 budget → 0."""
    if whole == 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def set_budget(db: Database, budget: Budget, *, now: datetime) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO budgets (scope, amount_microcents, set_by, set_at) "
            "VALUES (?, ?, ?, ?)",
            (budget.scope, budget.amount_microcents, budget.set_by, now.isoformat()),
        )


def clear_budget(db: Database, scope: str) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM budgets WHERE scope = ?", (scope,))
    return cursor.rowcount > 0


def list_budgets(db: Database) -> list[Budget]:
    rows = db.execute(
        "SELECT scope, amount_microcents, set_by, set_at FROM budgets ORDER BY scope"
    ).fetchall()
    return [
        Budget(
            scope=str(scope),
            amount_microcents=int(amount),
            set_by=set_by,
            set_at=datetime.fromisoformat(set_at) if set_at else None,
        )
        for scope, amount, set_by, set_at in rows
    ]
