"""Adoption: active users, seats and utilisation (`adoption`), from `/summaries` and `/users`.

DAU/WAU/MAU, seats and per-product actives come from `summaries` (one row per day, org-wide).
The API's WAU and MAU are rolling 7/30-day windows ending on each day, so the latest day is the
meaningful level and the average is shown beside it. Per-product counts are optional in the API
(omitted until enabled for the organisation): a product with no value on any day is left out
and a note says so, rather than showing 0. Today's API adds Chat and Cowork unified (where
members chat with Cowork's features on: counted there *instead of* chat and Cowork) and Claude
in Slack (Slack users, linked to a Claude account or not); they are rows of their own when the
API reports them and simply absent where the organisation does not have them. New / returning /
lapsed people need per-user rows (`user_activity`), in which unified and Slack activity counts
as activity, and are None when those are not synced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from bot.reports import coverage, privacy
from bot.reports.actives import active_sets
from bot.reports.labels import PRODUCTS
from bot.reports.movement import Movement, movement
from bot.reports.periods import Period
from bot.reports.series import spark_average
from bot.reports.sql import day_list
from bot.reports.types import Adoption, Delta, ProductActives, SeriesPoint
from bot.store.freshness import read_freshness

OPTIONAL_PRODUCTS = ("chat", "claude_code", "claude_design", "office_agent", "science")
"""Per-product counts the API omits until the breakdown is enabled for the organisation."""
OFFERED_PRODUCTS = ("chat_cowork_unified", "claude_tag")
"""Per-product counts of today's API that exist only where the organisation has the product:
absent means "not offered here", not "not reported", so no note names them."""
PRODUCT_COLUMNS = (*OPTIONAL_PRODUCTS, "cowork", *OFFERED_PRODUCTS)


def summary_rows(db: Database, days: Sequence[date]) -> list[dict[str, Any]]:
    """`summaries` rows for the given days, oldest first."""
    marks, params = day_list(days)
    return list(
        db.query(
            f"SELECT * FROM summaries WHERE day IN ({marks}) ORDER BY day",  # noqa: S608
            params,
        )
    )


def average(rows: Sequence[dict[str, Any]], column: str) -> float | None:
    values = [row[column] for row in rows if row.get(column) is not None]
    return sum(values) / len(values) if values else None


def adoption(
    db: Database,
    period: Period,
    *,
    min_group: int | None = None,
    people: Movement | None = None,
    product: str | None = None,
) -> Adoption:
    """Latest DAU/WAU/MAU, averages, seats, utilisation, products and people movement.
    `min_group`: a product with fewer monthly actives is not shown on its own. `people`: also
    list who is new or lapsed (per-user: the caller has checked the asker is an admin), in
    `product` when given."""
    found = coverage.require(db, "summaries", period, "adoption data")
    rows = summary_rows(db, sorted(found.days))
    notes = coverage.notes(found, "adoption data")
    previous = coverage.aligned(db, "summaries", found, period.previous())
    before = summary_rows(db, previous.days) if previous else []
    latest = rows[-1] if rows else {}
    seats = latest.get("assigned_seat_count")
    mau = latest.get("monthly_active_user_count")
    products, missing = _products(rows)
    if min_group is not None:
        small = [p for p in products if (p.monthly or p.weekly or p.daily or 0) < min_group]
        if small:
            products = tuple(p for p in products if p not in small)
            notes.append(privacy.fold_note(len(small), "products"))
    if missing:
        names = ", ".join(PRODUCTS.get(p, p) for p in missing)
        notes.append(f"Active users per product are not reported for: {names}.")
    if seats is None:
        notes.append("Seat counts are not reported, so utilisation is not available.")
    counts = _people(db, period, notes)
    listed, more_notes = movement(db, period, people, product=product) if people else (None, [])
    notes += more_notes
    dau_avg = average(rows, "daily_active_user_count")
    before_dau = average(before, "daily_active_user_count")
    before_mau = before[-1].get("monthly_active_user_count") if before else None
    # A day whose DAU the API did not report has no point: never a 0 in exports or charts.
    reported = [
        (date.fromisoformat(row["day"]), row["daily_active_user_count"])
        for row in rows
        if row.get("daily_active_user_count") is not None
    ]
    return Adoption(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        latest_day=date.fromisoformat(latest["day"]) if latest else None,
        dau=latest.get("daily_active_user_count"),
        wau=latest.get("weekly_active_user_count"),
        mau=mau,
        dau_avg=dau_avg,
        wau_avg=average(rows, "weekly_active_user_count"),
        mau_avg=average(rows, "monthly_active_user_count"),
        seats=seats,
        pending_invites=latest.get("pending_invite_count"),
        utilisation_pct=(mau / seats * 100) if seats and mau is not None else None,
        products=products,
        active_users=counts[0],
        new_users=counts[1],
        returning_users=counts[2],
        lapsed_users=counts[3],
        dau_change=Delta.of(dau_avg, before_dau) if dau_avg is not None else None,
        mau_change=Delta.of(mau, before_mau) if mau is not None else None,
        sparkline=spark_average([value for _, value in reported]),
        points=tuple(SeriesPoint(day=day, value=value) for day, value in reported),
        people=listed,
    )


def _products(rows: Sequence[dict[str, Any]]) -> tuple[tuple[ProductActives, ...], list[str]]:
    latest = rows[-1] if rows else {}
    found: list[ProductActives] = []
    missing: list[str] = []
    for product in PRODUCT_COLUMNS:
        columns = [f"{product}_{w}_active_user_count" for w in ("daily", "weekly", "monthly")]
        if all(row.get(column) is None for row in rows for column in columns):
            if product in OPTIONAL_PRODUCTS:
                missing.append(product)
            continue
        found.append(
            ProductActives(
                product=product,
                label=PRODUCTS.get(product, product),
                daily=latest.get(columns[0]),
                weekly=latest.get(columns[1]),
                monthly=latest.get(columns[2]),
                daily_avg=average(rows, columns[0]),
            )
        )
    return tuple(found), missing


def _people(
    db: Database, period: Period, notes: list[str]
) -> tuple[int | None, int | None, int | None, int | None]:
    """(active, new, returning, lapsed) from per-user rows; Nones when those are not synced."""
    found = coverage.coverage(db, "users", period)
    if not found.any:
        notes.append(
            "Per-user activity is not synced for this period, so people counts are missing."
        )
        return None, None, None, None
    previous = coverage.aligned(db, "users", found, period.previous())
    sets = active_sets(db, sorted(found.days), previous.days if previous else None)
    if previous is None:
        notes.append(
            "Per-user activity is not synced for the previous period, so new, returning and "
            "lapsed users are not available."
        )
    return sets.current, sets.new, sets.returning, sets.lapsed
