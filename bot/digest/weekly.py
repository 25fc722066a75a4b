"""The weekly digest: last ISO week against the week before, for everything, and a 4-week trend.

* spend of the week vs the week before (like-for-like synced days), by product with changes;
* what moved: the net change as the moves both ways that make it up (people up, people down,
  the part no seat owns) and products up and down (`bot.digest.attribution`; names only with
  `with_people`);
* one window, the week, for every section: activity arrives days late, so actives, new people
  and rankings cover the week's days as far as activity is reported and name the days still
  to come (`sections.activity_window`), never the 7 days to the latest day;
* actives headlined by the average daily actives vs the same days a week before, the latest
  day's DAU vs the same weekday (a Saturday's DAU is no headline);
* projects, skills and connectors of those days, with their change;
* people new to Claude and to Claude Code (or, for a product digest, to that product);
* the last 4 weeks: spend and average DAU per week.
"""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from bot.digest.attribution import movers
from bot.digest.model import Digest, DigestSpec, Restatement, SpendHeadline, WeekPoint
from bot.digest.sections import (
    activity_window,
    adoption_snapshot,
    breakdowns,
    newcomers,
    scope_spend,
    synced_cost_days,
    top_rankings,
    week_of,
)
from bot.digest.spend import headline, revisable_until, spenders
from bot.reports import coverage
from bot.reports.adoption import average, summary_rows
from bot.reports.labels import label_for
from bot.reports.periods import Period
from bot.store.freshness import read_freshness

TREND_WEEKS = 4


def weekly_digest(db: Database, spec: DigestSpec, restated: tuple[Restatement, ...] = ()) -> Digest:
    week = week_of(spec.period.start, spec.period.end)
    product = spec.product
    notes: list[str] = []
    amount, change = headline(db, week, product)
    if amount is None:
        notes.append(f"Spend for {week.label} is not synced yet.")
    else:  # days not synced or not complete yet are left out of the week, and said
        notes += coverage.notes(coverage.coverage(db, "cost_buckets", week), "spend")
    spend = SpendHeadline(
        amount_microcents=amount,
        previous=change,
        previous_label="vs the week before",
        revisable_until=revisable_until(db, week.end),
    )
    # One window for the whole digest: the week. Activity arrives days late, so its sections
    # cover the week's reported days and name the ones still to come.
    window, late = activity_window(db, week)
    adoption = None if window is None else adoption_snapshot(db, window, product, notes, late)
    if window is None:
        notes.append(
            f"Activity for {week.label} is not reported yet (it arrives about a day late), "
            "so active users, new people and projects are left out."
        )
    products, models = breakdowns(db, week, product, spec.min_group)
    current = synced_cost_days(db, list(week.each_day()))
    previous = [d - timedelta(days=7) for d in current]
    previous = synced_cost_days(db, previous)
    moved = movers(
        db,
        current,
        previous,
        change=change,
        product=product,
        with_people=spec.with_people,
    )
    days = scope_spend(db, current, product)
    return Digest(
        kind="weekly",
        period=spec.period,
        product=product,
        product_label=None if product is None else label_for("product", product),
        with_people=spec.with_people,
        spend=spend,
        month=None,
        adoption=adoption,
        products=products,
        models=models,
        rankings=(
            () if window is None or product else top_rankings(db, window, notes, spec.min_group)
        ),
        newcomers=(
            None if window is None else newcomers(db, window, spec.with_people, notes, product)
        ),
        spenders=spenders(db, week, product) if spec.with_people else None,
        movers=moved,
        trend=_trend(db, week, product),
        restatements=restated,
        reported=days,
        notes=tuple(notes),
        freshness=read_freshness(db),
    )


def _trend(db: Database, week: Period, product: str | None) -> tuple[WeekPoint, ...]:
    """Spend and average DAU of the `TREND_WEEKS` weeks ending with `week`, oldest first."""
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        start = week.start - timedelta(days=7 * back)
        days = [start + timedelta(days=n) for n in range(7)]
        spend = scope_spend(db, days, product)
        rows = summary_rows(db, days)
        column = "daily_active_user_count"
        if product is not None:
            column = f"{product}_daily_active_user_count"
        dau = average(rows, column) if rows and column in rows[0] else None
        points.append(
            WeekPoint(
                start=start,
                end=days[-1],
                spend_microcents=sum(spend.values()) if spend else None,
                dau_avg=dau,
            )
        )
    return tuple(points)
