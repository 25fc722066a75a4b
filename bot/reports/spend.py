"""Spend reports: the biggest spenders (`top_spenders`) and organisation spend (`spend_series`).

Two sources, on purpose (see the API reference, section 3): per-user rankings come from
`user_cost`, which holds only usage attributable to a seat user; organisation totals come from
`cost_buckets` grouping "" (the ungrouped total), which also counts API-key and automation
traffic. Breakdowns come from the grouped sets, which the API caps at 100 groups per day, so any
difference between a day's grouped sum and its total becomes an explicit "(other)" slice.

A cost row's `amount` is always there (it is what identifies spend), but `list_amount` may be
missing: list-price figures then cover only the rows that carry one and a note says so, or are
None ("—") when no row in the period does. They are never a 0 that looks like a saving.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlite_utils import Database

from bot.errors import InputError
from bot.reports import coverage
from bot.reports.filters import check_product, family_note, model_family
from bot.reports.people import identities
from bot.reports.periods import Period
from bot.reports.series import grouped_slices, parts_with_other, share_pct, sparkline
from bot.reports.sql import day_list, per_user
from bot.reports.types import (
    BreakdownRow,
    Delta,
    SeriesPoint,
    SpendBreakdown,
    SpenderRow,
    SpendSeries,
    TopSpenders,
)
from bot.store.freshness import read_freshness
from bot.store.schema import GROUPING_COST_TYPE, GROUPING_PRODUCT_MODEL, GROUPING_TOTAL

_BREAKDOWN_KEY = {
    "product": (GROUPING_PRODUCT_MODEL, "product"),
    "model": (GROUPING_PRODUCT_MODEL, "model"),
    # Token costs are split by token type; web search and code execution stand on their own.
    "cost-type": (
        GROUPING_COST_TYPE,
        "CASE WHEN cost_type = 'tokens' AND token_type NOT IN ('', '(none)') "
        "THEN token_type ELSE cost_type END",
    ),
}


def top_spenders(
    db: Database,
    period: Period,
    *,
    by_list_price: bool = False,
    product: str | None = None,
    model: str | None = None,
    limit: int | None = 10,
) -> TopSpenders:
    """The `limit` biggest seat-user spenders of `period` (after filters), with totals for all.

    `limit=None` ranks every spender (exports); the result's `limit` is then the row count."""
    found = coverage.require(db, "user_cost", period, "per-user spend")
    if product is not None:
        product = check_product(db, product, period)
    models = None
    if model is not None:
        model, models = model_family(db, model, period)
    filters, filter_params = _filters(product, models)
    order = "list_amount" if by_list_price else "amount"
    per = per_user(
        db,
        ("sum(amount_microcents)", "sum(list_amount_microcents)", "sum(requests)"),
        found.days,
        where=filters,
        where_params=filter_params,
    )
    spenders = [
        (user_id, int(amount or 0), None if list_amount is None else int(list_amount), requests)
        for user_id, (amount, list_amount, requests) in per
        if amount or list_amount  # None: no rows in the period
    ]
    total_count = len(spenders)
    total = sum(s[1] for s in spenders)
    listed = [s[2] for s in spenders if s[2] is not None]
    list_total = sum(listed) if listed else None
    list_notes = _list_price_notes(db, "user_cost", found.days, filters, filter_params)
    if by_list_price and spenders and list_total is None:
        raise ListPriceNotReportedError(
            "The Analytics API reports no list prices for this period, so spenders cannot be "
            "ranked by list price; drop `--list` to rank by billed spend."
        )
    spenders.sort(key=lambda s: (-((s[2] or 0) if by_list_price else s[1]), s[0]))
    rows = spenders if limit is None else spenders[:limit]
    user_ids = [row[0] for row in rows]
    previous = coverage.aligned(db, "user_cost", found, period.previous())
    before = None
    if previous is not None:
        wanted = None if limit is None else user_ids  # None: every user, no id list to bind
        before = _user_amounts(db, previous.days, wanted, order, (filters, filter_params))
    people = identities(db, user_ids)
    ranked_total = (list_total or 0) if by_list_price else total
    ranked = tuple(
        SpenderRow(
            rank=rank,
            user_id=user_id,
            email=people[user_id].email,
            name=people[user_id].name,
            amount_microcents=amount,
            list_amount_microcents=list_amount,
            share_pct=share_pct((list_amount or 0) if by_list_price else amount, ranked_total),
            requests=requests,
            delta=None
            if before is None
            else Delta.of(
                (list_amount or 0) if by_list_price else amount, before.get(user_id) or 0
            ),
        )
        for rank, (user_id, amount, list_amount, requests) in enumerate(rows, start=1)
    )
    notes = coverage.notes(found, "per-user spend")
    notes += coverage.comparison_notes(found, previous, "per-user spend") if rows else []
    notes += list_notes
    notes += [] if model is None or models is None else family_note(model, models)
    org_totals = _org_totals(db, period, found.days, product, models)
    org_total, org_list_total = org_totals if org_totals is not None else (None, None)
    ranked_org = org_list_total if by_list_price else org_total
    if ranked_org is not None and ranked_org > ((list_total or 0) if by_list_price else total):
        notes.append(
            "The organisation total also counts usage not tied to a seat (API keys, "
            "automation), so it is higher than the sum over users."
        )
    if not rows and not found.so_far:  # so far: `coverage.notes` said none is reported yet
        notes.append("Nobody has spend in this period" + _filter_words(product, model) + ".")
    return TopSpenders(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        so_far=found.so_far,
        rows=ranked,
        by_list_price=by_list_price,
        product=product,
        model=model,
        limit=len(ranked) if limit is None else limit,
        total_count=total_count,
        total_microcents=total,
        list_total_microcents=list_total,
        org_total_microcents=org_total,
        org_list_total_microcents=org_list_total,
    )


def spend_series(
    db: Database,
    period: Period,
    *,
    by: SpendBreakdown | None = None,
    min_group: int | None = None,
) -> SpendSeries:
    """Organisation spend per day with its total, change vs the previous period and breakdown.
    `min_group`: products or models behind fewer people are folded (`bot.reports.privacy`)."""
    found = coverage.require(db, "cost_buckets", period, "spend data")
    days = sorted(found.days)
    totals = daily_spend(db, days)
    previous = coverage.aligned(db, "cost_buckets", found, period.previous())
    previous_totals = daily_spend(db, previous.days) if previous else None
    previous_total = None
    if previous_totals is not None:
        previous_total = sum(amount for amount, _ in previous_totals.values())
    total = sum(amount for amount, _ in totals.values())
    listed = [listed for _, listed in totals.values() if listed is not None]
    parts: dict[date, dict[str, int]] = {}
    slices: tuple[BreakdownRow, ...] = ()
    notes = coverage.notes(found, "spend data")
    notes += coverage.comparison_notes(found, previous, "spend data")
    notes += _list_price_notes(db, "cost_buckets", days, " AND grouping = ?", [GROUPING_TOTAL])
    if by is not None:
        parts = _daily_parts(db, by, days, totals)
        before_parts = None
        if previous is not None and previous_totals is not None:
            before_parts = _daily_parts(db, by, previous.days, previous_totals)
        parts, slices, more_notes = grouped_slices(
            db, "user_cost", by, "spend", days, parts, before_parts, total, min_group
        )
        notes += more_notes
    values = [totals[day][0] for day in days]
    return SpendSeries(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        so_far=found.so_far,
        by=by,
        points=tuple(
            SeriesPoint(day=day, value=totals[day][0], parts=parts.get(day, {})) for day in days
        ),
        breakdown=slices,
        total_microcents=total,
        list_total_microcents=sum(listed) if listed else None,
        previous_total_microcents=previous_total,
        change=Delta.of(total, previous_total),
        sparkline=sparkline(values),
    )


def _filters(product: str | None, models: Sequence[str] | None) -> tuple[str, list[str]]:
    """SQL for a product and a set of models (one id, or a family: `bot.reports.filters`)."""
    clauses, params = "", []
    if product is not None:
        clauses += " AND product = ?"
        params.append(product)
    if models is not None:
        clauses += f" AND model IN ({','.join('?' * len(models))})"
        params.extend(models)
    return clauses, params


def _filter_words(product: str | None, model: str | None) -> str:
    words = [w for w in (product, model) if w is not None]
    return f" for {' and '.join(words)}" if words else ""


def _user_amounts(
    db: Database,
    days: Sequence[date],
    user_ids: list[str] | None,
    column: str,
    filters: tuple[str, list[str]],
) -> dict[str, int]:
    """Each user's spend (`column`: amount or list_amount) over `days`, for the ranked users
    (`None`: every user)."""
    if user_ids is None:
        every = per_user(
            db, (f"sum({column}_microcents)",), days, where=filters[0], where_params=filters[1]
        )
        return {user_id: amount for user_id, (amount,) in every if amount is not None}
    if not user_ids:
        return {}
    day_marks, day_params = day_list(days)
    user_marks = ",".join("?" * len(user_ids))
    rows = db.execute(
        f"SELECT user_id, sum({column}_microcents) FROM user_cost "  # noqa: S608
        f"WHERE user_id IN ({user_marks}) AND day IN ({day_marks}){filters[0]} GROUP BY user_id",
        (*user_ids, *day_params, *filters[1]),
    ).fetchall()
    return {user_id: amount for user_id, amount in rows}


def _org_totals(
    db: Database,
    period: Period,
    days: Iterable[date],
    product: str | None,
    models: Sequence[str] | None,
) -> tuple[int, int] | None:
    """Organisation (amount, list amount) from the bucketed report over the ranked `days`, same
    filters; None when those days of it are not synced."""
    found = coverage.coverage(db, "cost_buckets", period)
    same = sorted(set(days) & (found.days | found.pending))
    if not same:
        return None
    filters, params = _filters(product, models)
    grouping = GROUPING_TOTAL if not params else GROUPING_PRODUCT_MODEL
    marks, day_params = day_list(same)
    row = db.execute(
        "SELECT coalesce(sum(amount_microcents), 0), coalesce(sum(list_amount_microcents), 0) "  # noqa: S608
        f"FROM cost_buckets WHERE grouping = ? AND day IN ({marks}){filters}",
        (grouping, *day_params, *params),
    ).fetchone()
    return int(row[0]), int(row[1])


def daily_spend(db: Database, days: Sequence[date]) -> dict[date, tuple[int, int | None]]:
    """(amount, list amount) per synced day from the ungrouped total; 0 for days without rows.
    The list amount is None for a day whose rows carry no list price."""
    marks, params = day_list(days)
    rows = db.execute(
        "SELECT day, sum(amount_microcents), sum(list_amount_microcents) FROM cost_buckets "  # noqa: S608
        f"WHERE grouping = ? AND day IN ({marks}) GROUP BY day",
        (GROUPING_TOTAL, *params),
    ).fetchall()
    found = {date.fromisoformat(day): (amount, listed) for day, amount, listed in rows}
    return {day: found.get(day, (0, 0)) for day in days}


class ListPriceNotReportedError(InputError):
    """`--list` asked for a ranking the API gave no list prices for."""


def _list_price_notes(
    db: Database, table: str, days: Iterable[date], where: str, params: Sequence[object]
) -> list[str]:
    """A sentence when some (or all) cost rows of the period carry no list price."""
    marks, day_params = day_list(days)
    rows, missing = db.execute(
        f"SELECT count(*), count(*) - count(list_amount_microcents) FROM [{table}] "  # noqa: S608
        f"WHERE day IN ({marks}){where}",
        (*day_params, *params),
    ).fetchone()
    if not missing:
        return []
    if missing == rows:
        return ["The Analytics API does not report list prices for this period."]
    return [
        f"The Analytics API left the list price out of {missing:,} of {rows:,} cost rows; "
        "list-price figures cover only the rows that carry one."
    ]


def _daily_parts(
    db: Database,
    by: SpendBreakdown,
    days: Sequence[date],
    totals: dict[date, tuple[int, int | None]],
) -> dict[date, dict[str, int]]:
    """Spend per day and key; what the grouped rows miss of a day's total becomes `(other)`."""
    grouping, key = _BREAKDOWN_KEY[by]
    marks, params = day_list(days)
    rows = db.execute(
        f"SELECT day, {key} AS k, sum(amount_microcents) FROM cost_buckets "  # noqa: S608
        f"WHERE grouping = ? AND day IN ({marks}) GROUP BY day, k",
        (grouping, *params),
    ).fetchall()
    return parts_with_other(rows, days, {day: amount for day, (amount, _) in totals.items()})
