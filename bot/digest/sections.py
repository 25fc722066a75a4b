"""Digest sections built from the report functions: spend per scope, adoption, rankings, people.

Each function answers one section and returns None (with a note) when its data is not synced,
so one missing dataset never sinks a whole digest. Spend for the organisation comes from
`daily_spend` (the ungrouped total, API keys included); spend for one product from
`spend_series(by="product")`, the same numbers `/claude-usage spend by product` shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlite_utils import Database

from bot.digest.model import AdoptionSnapshot, Newcomers
from bot.reports import coverage
from bot.reports.adoption import adoption
from bot.reports.coverage import NoDataError
from bot.reports.labels import label_for
from bot.reports.people import identities
from bot.reports.periods import Period, range_label
from bot.reports.rankings import ranking
from bot.reports.spend import daily_spend, spend_series
from bot.reports.sql import day_list
from bot.reports.types import BreakdownRow, Ranking, RankingKind
from bot.store.schema import GROUPING_PRODUCT_MODEL

RANKED: tuple[RankingKind, ...] = ("projects", "skills", "connectors")
SHOWN = 3
HISTORY_DAYS = 28
"""Days of per-user history a newcomer count needs before its window: "first seen" on the
first synced day only means the store starts there."""
_CODE_ACTIVE = (
    "coalesce(claude_code_metrics__core_metrics__distinct_session_count, 0) > 0 "
    "OR coalesce(claude_code_metrics__core_metrics__commit_count, 0) > 0"
)


def week_of(start: date, end: date) -> Period:
    """A period whose `previous()` is the same days one week earlier (like for like)."""
    return Period(start=start, end=end, label=range_label(start, end), unit="week")


def synced_cost_days(db: Database, days: Sequence[date]) -> list[date]:
    """The complete synced days among `days`: a day the API had not finished reporting is
    never summed, compared or projected from as if it were whole (`coverage.is_complete`)."""
    if not days:
        return []
    found = coverage.complete_days(db, "cost_buckets", min(days), max(days))
    return sorted(day for day in days if day in found)


def scope_spend(db: Database, days: Sequence[date], product: str | None) -> dict[date, int]:
    """Spend per synced day among `days`: the organisation's, or one product's."""
    synced = synced_cost_days(db, days)
    if not synced:
        return {}
    if product is None:
        return {day: amount for day, (amount, _) in daily_spend(db, synced).items()}
    series = spend_series(db, Period.between(synced[0], synced[-1]), by="product")
    wanted = set(synced)
    return {p.day: p.parts.get(product, 0) for p in series.points if p.day in wanted}


def latest_engagement_day(db: Database, on_or_before: date) -> date | None:
    row = db.execute(
        "SELECT max(day) FROM sync_ledger WHERE dataset = 'summaries' AND day <= ?",
        (on_or_before.isoformat(),),
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def adoption_snapshot(
    db: Database, day: date, product: str | None, notes: list[str]
) -> AdoptionSnapshot | None:
    """Adoption on `day` (the latest final engagement day) and its 7-day average DAU."""
    try:
        result = adoption(db, week_of(day - timedelta(days=6), day))
    except NoDataError:
        notes.append("Adoption data is not synced yet, so active users are missing.")
        return None
    snapshot = AdoptionSnapshot(
        day=day,
        dau=result.dau,
        wau=result.wau,
        mau=result.mau,
        seats=result.seats,
        utilisation_pct=result.utilisation_pct,
        dau_avg=result.dau_avg,
        dau_avg_change=result.dau_change,
    )
    if product is None:
        return snapshot
    match = [p for p in result.products if p.product == product]
    if not match:
        notes.append(f"The API does not report active users of {label_for('product', product)}.")
        return snapshot
    one = match[0]
    return snapshot.model_copy(
        update={
            "dau": one.daily,
            "wau": one.weekly,
            "mau": one.monthly,
            "dau_avg": one.daily_avg,
            "dau_avg_change": None,
            "utilisation_pct": None,
            "product_label": one.label,
        }
    )


def top_rankings(
    db: Database, window: Period, notes: list[str], min_group: int | None
) -> tuple[Ranking, ...]:
    """The top projects, skills and connectors of `window`, each with its change; those used by
    fewer than `min_group` people are left out (`bot.digest.model.min_group`)."""
    found: list[Ranking] = []
    synced = False
    for kind in RANKED:
        try:
            result = ranking(db, kind, window, limit=SHOWN, min_group=min_group)
        except NoDataError:
            continue
        synced = True
        if result.rows:
            found.append(result)
    if not found and synced and min_group is not None:
        notes.append(
            f"No project, skill or connector was used by {min_group} people or more in these "
            "days, so none is shown: a smaller group could single someone out."
        )
    elif not found:
        notes.append("No projects, skills or connectors are synced for these days.")
    return tuple(found)


def breakdowns(
    db: Database, period: Period, product: str | None, min_group: int | None
) -> tuple[tuple[BreakdownRow, ...], tuple[BreakdownRow, ...]]:
    """(top products, top models) of `period`, slices of fewer than `min_group` people folded
    (`bot.digest.model.min_group`); for one product, its models only."""
    if not coverage.coverage(db, "cost_buckets", period).any:
        return (), ()
    if product is None:
        products = spend_series(db, period, by="product", min_group=min_group).breakdown
        models = spend_series(db, period, by="model", min_group=min_group).breakdown
        return products[:SHOWN], models[:SHOWN]
    return (), _product_models(db, period, product)


def _product_models(db: Database, period: Period, product: str) -> tuple[BreakdownRow, ...]:
    """The models of one product, from the product × model grouping the spend report uses."""

    def sums(days: Iterable[date]) -> dict[str, int]:
        marks, params = day_list(days)
        rows = db.execute(
            "SELECT model, sum(amount_microcents) FROM cost_buckets WHERE grouping = ? "  # noqa: S608
            f"AND product = ? AND day IN ({marks}) GROUP BY model",
            (GROUPING_PRODUCT_MODEL, product, *params),
        ).fetchall()
        return {str(model): int(amount) for model, amount in rows}

    # The days the spend report uses: complete days, like for like (spend so far: no change).
    found = coverage.coverage(db, "cost_buckets", period)
    previous = coverage.aligned(db, "cost_buckets", found, period.previous())
    now, before = sums(found.days), sums(previous.days if previous else ())
    whole = sum(now.values())
    ranked = sorted(now.items(), key=lambda item: (-item[1], item[0]))[:SHOWN]
    return tuple(
        BreakdownRow(
            key=key,
            label=label_for("model", key),
            value=value,
            share_pct=None if whole == 0 else value / whole * 100,
            previous=before.get(key, 0) if before else None,
        )
        for key, value in ranked
    )


def newcomers(
    db: Database, window: Period, with_people: bool, notes: list[str]
) -> Newcomers | None:
    """People first active in `window` (with Claude at all, and with Claude Code)."""
    first = db.execute("SELECT min(day) FROM sync_ledger WHERE dataset = 'users'").fetchone()[0]
    if first is None or date.fromisoformat(first) > window.start - timedelta(days=HISTORY_DAYS):
        notes.append(
            f"New people need {HISTORY_DAYS} days of per-user history before the window; "
            "the store does not have it yet."
        )
        return None
    bounds = (window.start.isoformat(), window.end.isoformat())

    def first_seen(condition: str) -> list[str]:
        rows = db.execute(
            f"SELECT user_id FROM user_activity WHERE {condition} GROUP BY user_id "  # noqa: S608
            "HAVING min(day) BETWEEN ? AND ? ORDER BY user_id",
            bounds,
        ).fetchall()
        return [str(row[0]) for row in rows]

    claude = first_seen("is_active = 1")
    code = first_seen(f"is_active = 1 AND ({_CODE_ACTIVE})")
    names: dict[str, str] = {}
    if with_people:
        people = identities(db, [*claude, *code])
        names = {uid: p.name or p.email or uid for uid, p in people.items()}
    return Newcomers(
        window=window,
        claude=len(claude),
        claude_code=len(code),
        claude_names=tuple(names[u] for u in claude) if with_people else (),
        claude_code_names=tuple(names[u] for u in code) if with_people else (),
    )
