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

from bot.digest.model import AdoptionSnapshot, Newcomers, NewGroup
from bot.reports import coverage
from bot.reports.adoption import average, summary_rows
from bot.reports.coverage import NoDataError
from bot.reports.labels import label_for
from bot.reports.people import identities
from bot.reports.periods import Period, range_label
from bot.reports.rankings import ranking
from bot.reports.spend import daily_spend, spend_series
from bot.reports.sql import day_list
from bot.reports.types import BreakdownRow, Delta, Ranking, RankingKind
from bot.store.schema import GROUPING_PRODUCT_MODEL

RANKED: tuple[RankingKind, ...] = ("projects", "skills", "connectors")
SHOWN = 3
HISTORY_DAYS = 28
"""Days of per-user history a newcomer count needs before its window: "first seen" on the
first synced day only means the store starts there."""
_OFFICE_APPS = ("excel", "powerpoint", "word", "outlook")
PRODUCT_ACTIVITY: dict[str, tuple[str, ...]] = {
    "chat": ("chat_metrics__message_count", "chat_metrics__distinct_conversation_count"),
    "claude_code": (
        "claude_code_metrics__core_metrics__distinct_session_count",
        "claude_code_metrics__core_metrics__commit_count",
    ),
    "cowork": ("cowork_metrics__message_count", "cowork_metrics__distinct_session_count"),
    "office_agent": tuple(
        f"office_metrics__{app}__{metric}"
        for app in _OFFICE_APPS
        for metric in ("message_count", "distinct_session_count")
    ),
    "claude_design": ("design_metrics__message_count", "design_metrics__distinct_session_count"),
    "science": ("science_metrics__message_count", "science_metrics__distinct_session_count"),
}
"""Per-person activity columns (`/users`) that say someone used a product on a day."""


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


def activity_window(db: Database, wanted: Period) -> tuple[Period | None, Period | None]:
    """(the days of `wanted` whose activity is reported, the days after them that are not yet).

    Activity arrives about a day late, so a week reported on Monday may have it through Saturday
    only: the digest's engagement sections then cover Monday to that day, and say which days
    are still to come, rather than a different 7 days."""
    latest = latest_engagement_day(db, wanted.end)
    if latest is None or latest < wanted.start:
        return None, wanted
    pending = None
    if latest < wanted.end:
        pending = Period.between(latest + timedelta(days=1), wanted.end)
    return week_of(wanted.start, latest), pending


def adoption_snapshot(
    db: Database,
    window: Period,
    product: str | None,
    notes: list[str],
    not_reported: Period | None = None,
) -> AdoptionSnapshot | None:
    """Active users over `window` (see `AdoptionSnapshot`), from the daily summaries: the
    organisation's, or one product's when the API reports it."""
    found = coverage.coverage(db, "summaries", window)
    if not found.any:
        notes.append("Adoption data is not synced yet, so active users are missing.")
        return None
    days = sorted(found.days)
    rows = summary_rows(db, days)
    week_before = {
        date.fromisoformat(r["day"]): r
        for r in summary_rows(db, [day - timedelta(days=7) for day in days])
    }
    prefix, label = "", None
    if product is not None:
        if any(r.get(f"{product}_daily_active_user_count") is not None for r in rows):
            prefix, label = f"{product}_", label_for("product", product)
        else:
            notes.append(
                f"The API does not report active users of {label_for('product', product)}."
            )
    daily = f"{prefix}daily_active_user_count"
    pairs = [
        (row, week_before[date.fromisoformat(row["day"]) - timedelta(days=7)])
        for row in rows
        if date.fromisoformat(row["day"]) - timedelta(days=7) in week_before
    ]
    now_avg, then_avg = (average([p[i] for p in pairs], daily) for i in (0, 1))
    latest = rows[-1]
    day = date.fromisoformat(latest["day"])
    dau = latest.get(daily)
    then = week_before.get(day - timedelta(days=7), {}).get(daily)
    mau = latest.get(f"{prefix}monthly_active_user_count")
    seats = None if prefix else latest.get("assigned_seat_count")
    return AdoptionSnapshot(
        window=week_of(days[0], day),
        not_reported=not_reported,
        day=day,
        dau_avg=average(rows, daily),
        dau_avg_change=None if now_avg is None or then_avg is None else Delta.of(now_avg, then_avg),
        dau=dau,
        dau_change=None if dau is None or then is None else Delta.of(dau, then),
        wau=latest.get(f"{prefix}weekly_active_user_count"),
        mau=mau,
        seats=seats,
        utilisation_pct=(mau / seats * 100) if seats and mau is not None else None,
        product_label=label,
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
    db: Database, window: Period, with_people: bool, notes: list[str], product: str | None = None
) -> Newcomers | None:
    """People first active in `window`: with Claude at all and with Claude Code, or, for a
    product digest, with that product (a product digest is about its own newcomers: someone new
    to Claude chat is not news to a Claude Code channel)."""
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

    wanted: list[tuple[str, str]] = []
    if product is None:
        wanted = [("Claude", "is_active = 1")]
        code = _product_used(db, "claude_code")
        if code is not None:
            wanted.append(("Claude Code", f"is_active = 1 AND ({code})"))
    else:
        used = _product_used(db, product)
        if used is None:
            notes.append(
                f"The API does not report per person who used {label_for('product', product)}, "
                "so new people are not shown."
            )
            return None
        wanted = [(label_for("product", product), f"is_active = 1 AND ({used})")]
    found = [(label, first_seen(condition)) for label, condition in wanted]
    names: dict[str, str] = {}
    if with_people:
        people = identities(db, sorted({uid for _, ids in found for uid in ids}))
        names = {uid: p.name or p.email or uid for uid, p in people.items()}
    return Newcomers(
        window=window,
        groups=tuple(
            NewGroup(
                label=label,
                people=len(ids),
                names=tuple(names[u] for u in ids) if with_people else (),
            )
            for label, ids in found
        ),
    )


def _product_used(db: Database, product: str) -> str | None:
    """SQL that is true on a `user_activity` row where the person used `product`, from the
    columns the API sent; None when it sends none for that product."""
    columns = (
        set(db["user_activity"].columns_dict) if "user_activity" in db.table_names() else set()
    )
    present = [c for c in PRODUCT_ACTIVITY.get(product, ()) if c in columns]
    if not present:
        return None
    return " OR ".join(f"coalesce([{c}], 0) > 0" for c in present)
