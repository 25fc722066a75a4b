"""The daily digest: yesterday's spend and what changed, in the words a channel reads at 9.

Everything is anchored on the reported day D (the last complete UTC day when it fires):

* spend on D with its revision caveat, vs the same weekday a week before and vs the average
  day of the 7 before it (`finance` for the organisation, the product's series otherwise);
* month to date through D vs the same days of last month, and the month-end projection with
  its basis (`finance`'s; for one product, `bot.budgets.forecast` with the same rule);
* activity lags about a day (and may be revised), so its sections name their own days:
  average daily actives of the 7 days to the latest reported day E ≤ D (vs the same days a
  week before), E's DAU vs the same weekday a week before, and the days after E not reported
  yet;
* top products and models of D; projects, skills and connectors of the 7 days to E;
* people first active on E (with that product, for a product digest); with `with_people`, the
  top spenders and the moves both ways of D.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from bot.budgets import forecast
from bot.digest.attribution import movers
from bot.digest.model import Digest, DigestSpec, MonthToDate, Restatement, SpendHeadline
from bot.digest.sections import (
    adoption_snapshot,
    breakdowns,
    latest_engagement_day,
    newcomers,
    scope_spend,
    synced_cost_days,
    top_rankings,
    week_of,
)
from bot.digest.spend import average, headline, revisable_until, spenders
from bot.reports import coverage
from bot.reports.coverage import NoDataError
from bot.reports.finance import TRAILING_DAYS, finance
from bot.reports.labels import label_for
from bot.reports.periods import Period, day_label
from bot.reports.types import Delta
from bot.store.freshness import read_freshness


def daily_digest(db: Database, spec: DigestSpec, restated: tuple[Restatement, ...] = ()) -> Digest:
    day = spec.period.end
    product = spec.product
    notes: list[str] = []
    one_day = week_of(day, day)  # previous(): the same weekday a week before
    amount, change = headline(db, one_day, product)
    found = coverage.coverage(db, "cost_buckets", one_day)
    so_far = found.so_far  # not complete yet: spend so far, compared with nothing
    before = scope_spend(db, [day - timedelta(days=n) for n in range(1, 8)], product)
    avg = average(list(before.values()))
    if amount is None:
        notes.append(f"Spend for {day_label(day)} is not synced yet.")
    spend = SpendHeadline(
        amount_microcents=amount,
        previous=None if so_far else change,
        previous_label=f"vs {day - timedelta(days=7):%a %b} {(day - timedelta(days=7)).day}",
        average_microcents=avg,
        vs_average=None if amount is None or avg is None or so_far else Delta.of(amount, avg),
        revisable_until=revisable_until(db, day),
        so_far=so_far,
        reported_until=found.watermark if so_far else None,
    )
    if so_far:
        change = None  # nothing to attribute: the day is not over in the data
    engaged = latest_engagement_day(db, day)
    window = week_of(engaged - timedelta(days=6), engaged) if engaged else None
    adoption = None
    if engaged is not None and window is not None:
        late = Period.between(engaged + timedelta(days=1), day) if engaged < day else None
        adoption = adoption_snapshot(db, window, product, notes, late)
    if engaged is None:
        notes.append("No adoption data is synced yet.")
    products, models = breakdowns(db, one_day, product, spec.min_group)
    rankings = () if window is None or product else top_rankings(db, window, notes, spec.min_group)
    new = None
    if engaged is not None:
        new = newcomers(db, Period.between(engaged, engaged), spec.with_people, notes, product)
    moved = None
    if spec.with_people and amount is not None and change is not None:
        moved = movers(
            db,
            [day],
            [day - timedelta(days=7)],
            change=change,
            product=product,
            with_people=True,
        )
    return Digest(
        kind="daily",
        period=spec.period,
        product=product,
        product_label=None if product is None else label_for("product", product),
        with_people=spec.with_people,
        spend=spend,
        month=_month(db, day, product, notes),
        adoption=adoption,
        products=products,
        models=models,
        rankings=rankings,
        newcomers=new,
        spenders=spenders(db, one_day, product) if spec.with_people else None,
        movers=moved,
        trend=(),
        restatements=restated,
        reported={} if amount is None or so_far else {day: amount},
        notes=tuple(notes),
        freshness=read_freshness(db),
    )


def _month(db: Database, day: date, product: str | None, notes: list[str]) -> MonthToDate | None:
    """Month to date through `day` vs the same days of last month, and the projection; through
    the last complete day when `day` is not complete yet (never projected from part of a day)."""
    month = _month_figures(db, day, product)
    if month is not None and month.through < day:
        notes.append(
            f"Month to date runs through {day_label(month.through)}, the last complete day."
        )
    return month


def _month_figures(db: Database, day: date, product: str | None) -> MonthToDate | None:
    if product is None:
        try:
            result = finance(db, today=day + timedelta(days=1))
        except NoDataError:
            return None
        if result.mtd is None:
            return None
        return MonthToDate(
            through=result.period.end,
            mtd=result.mtd,
            previous_period=result.mtd_previous_period,
            projected_microcents=result.projected_month_microcents,
            projection_basis=result.projection_basis,
        )
    first = day.replace(day=1)
    complete = synced_cost_days(db, [first + timedelta(days=n) for n in range(day.day)])
    if not complete:
        return None
    through = complete[-1]
    period = Period(start=first, end=through, label="month to date", unit="month")
    mtd, change = headline(db, period, product)
    if mtd is None:
        return None
    trailing = scope_spend(db, [through - timedelta(days=n) for n in range(TRAILING_DAYS)], product)
    projected = forecast(mtd, through, average(list(trailing.values())))
    return MonthToDate(
        through=through,
        mtd=change,
        previous_period=period.previous(),
        projected_microcents=projected.month_end_microcents,
        projection_basis=f"Projection: {projected.basis}.",
    )
