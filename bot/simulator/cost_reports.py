"""The four cost & usage endpoints: per-user rows and time-bucketed rows.

Row shapes follow today's API (`BetaAnalyticsCostUsersItem`, `…UsageUsersItem`, the bucketed
results) or, in legacy mode, the guide's (`actor.email`, `organization_id`): see `shapes`.
Per-user endpoints list one unit per (actor × bucket × grouping dimensions), seat users only;
`limit` counts units, and `cost_type`/`token_type` expand a unit into several rows without counting
toward it. Bucketed endpoints page over time buckets and add API-key/automation traffic, keeping
each bucket's top 100 groups. Rows whose values are all zero are omitted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.simulator import catalog
from bot.simulator import params as qp
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.cost_engine import Acc, GroupKey, Matcher, Money, aggregate
from bot.simulator.cost_query import (
    WIDTH_MINUTES,
    CostQuery,
    iso_minute,
    minute_of,
    parse_cost_query,
)
from bot.simulator.shapes import actor, report_envelope, report_product
from bot.simulator.spend import (
    CACHE_1H,
    CACHE_5M,
    CACHE_READ,
    OUTPUT,
    REQUESTS,
    UNCACHED,
    WEB_SEARCH,
)  # fmt: skip

TOP_GROUPS = 100
_DIMS = ("product", "model", "context_window", "inference_geo", "speed")


def _money(value: Decimal) -> str:
    return f"{value:.6f}"


def _dims(ctx: RequestContext, key: GroupKey) -> dict[str, Any]:
    out: dict[str, Any] = dict(zip(_DIMS, key[1:6], strict=True))
    out["product"] = report_product(out["product"], ctx.legacy)
    group = key[6]
    out["rbac_group_id"] = None if group is None else ctx.org.groups[group].group_id
    return out


def _usage_fields(acc: Acc) -> dict[str, Any]:
    c = acc.counts
    return {
        "uncached_input_tokens": c[UNCACHED],
        "cache_read_input_tokens": c[CACHE_READ],
        "cache_creation": {
            "ephemeral_5m_input_tokens": c[CACHE_5M],
            "ephemeral_1h_input_tokens": c[CACHE_1H],
        },
        "output_tokens": c[OUTPUT],
        "requests": c[REQUESTS],
        "server_tool_use": {"web_search_requests": c[WEB_SEARCH]},
    }


def _cost_parts(q: CostQuery, acc: Acc, money: Money) -> list[dict[str, Any]]:
    """The cost fields of one unit: one row, or one per component when grouped by type."""
    by_token = "token_type" in q.group_by
    if not by_token and "cost_type" not in q.group_by:
        return [
            {
                "amount": _money(money.total),
                "list_amount": _money(money.total_list),
                "currency": "USD",
                "requests": acc.counts[REQUESTS],
                "cost_type": None,
                "token_type": None,
            }
        ]
    parts: list[tuple[str, str | None, Decimal, Decimal]] = []
    if by_token:
        for k, name in enumerate(catalog.TOKEN_TYPES):
            parts.append(("tokens", name, money.amount[k], money.listed[k]))
    else:
        parts.append(
            ("tokens", None, sum(money.amount[:5], Decimal(0)), sum(money.listed[:5], Decimal(0)))
        )
    parts.append(("web_search", None, money.amount[5], money.listed[5]))
    parts.append(("code_execution", None, money.amount[6], money.listed[6]))
    return [
        {
            "amount": _money(a),
            "list_amount": _money(b),
            "currency": "USD",
            "requests": None,
            "cost_type": ct,
            "token_type": tt,
        }
        for ct, tt, a, b in parts
        if a or b
    ]


def _actor(ctx: RequestContext, user: int) -> dict[str, Any]:
    return actor(ctx.org.users()[user], ctx.legacy)


def _envelope(ctx: RequestContext, data: list[Any], nxt: str | None) -> dict[str, Any]:
    refreshed = ctx.org.watermark(ctx.now).strftime("%Y-%m-%dT%H:%M:%SZ")
    return report_envelope(data, nxt, refreshed, ctx.org.organization_id, ctx.legacy)


def _sort_value(q: CostQuery, acc: Acc, money: Money, order_by: str) -> Any:
    c = acc.counts
    if order_by == "amount":
        return money.total
    if order_by == "list_amount":
        return money.total_list
    if order_by == "total_tokens":
        return sum(c[:5])
    return c[
        {"output_tokens": OUTPUT, "uncached_input_tokens": UNCACHED, "requests": REQUESTS}[order_by]
    ]


def per_user_endpoint(
    ctx: RequestContext, items: list[tuple[str, str]], is_cost: bool
) -> dict[str, Any]:
    q = parse_cost_query(ctx, items, is_cost, per_user=True)
    orderable = (
        ("amount", "list_amount")
        if is_cost
        else ("total_tokens", "output_tokens", "uncached_input_tokens", "requests")
    )
    order_by = qp.parse_choice("order_by", q.params.get("order_by"), orderable, orderable[0])
    order = qp.parse_choice("order", q.params.get("order"), ("desc", "asc"), "desc")
    exclude_deleted = qp.parse_bool("exclude_deleted_users", q.params.get("exclude_deleted_users"))
    now_minute = minute_of(ctx.now)
    matcher = Matcher(ctx.org, q)
    width = WIDTH_MINUTES[q.bucket] if q.bucket else q.end - q.start
    units: list[tuple[Any, int, GroupKey, Acc, Money]] = []
    for b0 in range(q.start, q.end, width):
        b1 = min(q.end, b0 + width)
        for key, acc in aggregate(ctx.org, q, b0, b1, now_minute, matcher).items():
            money = acc.money(ctx.config.spend_multiplier)
            units.append((_sort_value(q, acc, money, order_by), b0, key, acc, money))
    sign = -1 if order == "desc" else 1
    users = ctx.org.users()
    units.sort(key=lambda u: (u[1], sign * u[0], users[u[2][0] or 0].user_id, str(u[2][1:])))
    start, stop, nxt = page_slice(ctx, q.params, q.cursor, len(units), q.limit, q.end_resolved)
    data = []
    for _, b0, key, acc, money in units[start:stop]:
        user = key[0] or 0
        if exclude_deleted and users[user].deleted:
            continue
        span: dict[str, Any] = {"starting_at": None, "ending_at": None}
        if q.bucket:
            span = {"starting_at": iso_minute(b0), "ending_at": iso_minute(min(q.end, b0 + width))}
        if is_cost:
            for part in _cost_parts(q, acc, money):
                data.append({"actor": _actor(ctx, user), **part, **_dims(ctx, key), **span})
        else:
            fields = _usage_fields(acc)
            fields["total_tokens"] = sum(acc.counts[:5])
            data.append({"actor": _actor(ctx, user), **fields, **_dims(ctx, key), **span})
    return _envelope(ctx, data, nxt)


def bucketed_endpoint(
    ctx: RequestContext, items: list[tuple[str, str]], is_cost: bool
) -> dict[str, Any]:
    q = parse_cost_query(ctx, items, is_cost, per_user=False)
    width = WIDTH_MINUTES[q.bucket or "1d"]
    total = -(-(q.end - q.start) // width)
    start, stop, nxt = page_slice(ctx, q.params, q.cursor, total, q.limit, q.end_resolved)
    now_minute = minute_of(ctx.now)
    matcher = Matcher(ctx.org, q)
    data = []
    for index in range(start, stop):
        b0 = q.start + index * width
        b1 = min(q.end, b0 + width)
        ranked = []
        for key, acc in aggregate(ctx.org, q, b0, b1, now_minute, matcher).items():
            money = acc.money(ctx.config.spend_multiplier)
            weight = money.total if is_cost else Decimal(sum(acc.counts[:5]) + acc.counts[REQUESTS])
            ranked.append((weight, str(key), key, acc, money))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        results: list[dict[str, Any]] = []
        for _, _, key, acc, money in ranked[:TOP_GROUPS]:
            dims = _dims(ctx, key)
            if is_cost:
                for part in _cost_parts(q, acc, money):
                    # Key order of the reference example: product, cost_type, token_type, dims…
                    row = {"product": None, "cost_type": None, "token_type": None}
                    row.update(dims)
                    row.update(part)
                    results.append(row)
            else:
                results.append({**dims, **_usage_fields(acc)})
        data.append(
            {"starting_at": iso_minute(b0), "ending_at": iso_minute(b1), "results": results}
        )
    return _envelope(ctx, data, nxt)
