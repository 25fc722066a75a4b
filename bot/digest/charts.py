"""The two PNG charts of a digest, from the store: 30 days of spend by product, and actives.

The chart package only draws; this module maps the store onto its inputs with the report
functions (`spend_series(by="product")` for spend, `summary_rows` for DAU and WAU), so the
charts show the same numbers as the message. Spend covers the 30 days ending on the digest's
last reported day; actives the 30 days ending on the latest final engagement day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from bot.charts import ActiveDay, SpendDay, active_users_chart, spend_by_product_chart
from bot.digest.model import Digest
from bot.digest.sections import latest_engagement_day, synced_cost_days
from bot.reports.adoption import summary_rows
from bot.reports.periods import Period
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
        _spend_chart(db, end, digest.product, digest.product_label),
        _actives_chart(db, end, digest.product, digest.product_label),
    ]


def _spend_chart(db: Database, end: date, product: str | None, label: str | None) -> Chart:
    days = synced_cost_days(db, [end - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)])
    series: list[SpendDay] = []
    if days:
        points = spend_series(db, Period.between(days[0], days[-1]), by="product").points
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
    return Chart(
        filename="spend-by-product.png",
        title=title,
        alt=f"{title}: stacked daily bars in US dollars, one colour per product.",
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
