"""The two PNG charts of a digest, from the store: 30 days of spend by product, and actives.

The chart package only draws; this module maps the store onto its inputs with the report
functions (`spend_series(by="product")` for spend, `summary_rows` for DAU and WAU), so the
charts show the same numbers as the message, folded the same way (`Digest.min_group`: without
names, products of fewer than five people are one slice). Spend covers the 30 days ending on the
digest's last reported day; actives the 30 days ending on the latest synced engagement day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from bot.charts import ActiveDay, SpendDay, active_users_chart, spend_by_product_chart
from bot.digest.model import Digest
from bot.digest.sections import latest_engagement_day, synced_cost_days
from bot.reports.adoption import summary_rows
from bot.reports.labels import label_for
from bot.reports.periods import Period
from bot.reports.series import sum_parts
from bot.reports.spend import spend_series

CHART_DAYS = 30


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    alt: str
    """Alt text for screen readers (Slack shows it too when an image cannot load)."""
    png: bytes


def digest_charts(db: Database, digest: Digest) -> list[Chart]:
    end = digest.period.end
    return [
        _spend_chart(db, end, digest.product, digest.product_label, digest.min_group),
        _actives_chart(db, end, digest.product, digest.product_label),
    ]


def _spend_chart(
    db: Database, end: date, product: str | None, label: str | None, min_group: int | None
) -> Chart:
    """Daily spend stacked by product; a product digest charts that product alone (its own
    spend, which the digest reports anyway, so nothing is folded)."""
    days = synced_cost_days(db, [end - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)])
    series: list[SpendDay] = []
    if days:
        smallest = None if product is not None else min_group
        period = Period.between(days[0], days[-1])
        points = spend_series(db, period, by="product", min_group=smallest).points
        wanted = set(days)
        for point in points:
            if point.day not in wanted:
                continue
            parts = dict(point.parts)
            if product is not None:
                parts = {product: parts.get(product, 0)}
            series.append(SpendDay(point.day, parts))
    what = f"{label} spend" if label else "Claude spend by product"
    title = f"{what}, last {CHART_DAYS} days"
    totals = sum_parts({day.day: day.parts for day in series})
    ranked = sorted((key for key, value in totals.items() if value), key=lambda k: -totals[k])
    names = ", ".join(label_for("product", key) for key in ranked)
    return Chart(
        filename="spend-by-product.png",
        title=title,
        alt=f"{title}: stacked daily bars in US dollars, one colour per product"
        + (f" ({names})." if names else "."),
        png=spend_by_product_chart(series, title=title),
    )


def _actives_chart(db: Database, end: date, product: str | None, label: str | None) -> Chart:
    """DAU bars and the WAU line; a product digest charts that product's actives when the API
    reports them (`{product}_daily_active_user_count`), else the organisation's."""
    last = latest_engagement_day(db, end)
    rows = []
    if last is not None:
        rows = summary_rows(db, [last - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)])
    prefix, who = "", "Active users"
    if product is not None and any(r.get(f"{product}_daily_active_user_count") for r in rows):
        prefix, who = f"{product}_", f"{label or product} active users"
    series = [
        ActiveDay(
            date.fromisoformat(row["day"]),
            row.get(f"{prefix}daily_active_user_count"),
            row.get(f"{prefix}weekly_active_user_count"),
        )
        for row in rows
    ]
    title = f"{who}, last {CHART_DAYS} days"
    return Chart(
        filename="active-users.png",
        title=title,
        alt=f"{title}: daily active users as bars, weekly active users as a line.",
        png=active_users_chart(series, title=title),
    )
