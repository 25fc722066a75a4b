"""`GET /v1/organizations/analytics/summaries`: org-wide activity per day.

Counts come from the same per-day activity bitsets that decide which users `/users` lists, so DAU
equals the number of `/users` rows for that day and WAU/MAU equal range-mode `/users` over the 7
and 30 days ending on the row's day. Days after the latest available day are left out.

Today's API answers `{"data": [...], "next_page": null}` (the series in full, up to 366 days;
`limit` and `page` accepted, never shortening it) with Chat and Cowork unified and Claude Tag
actives; legacy mode answers the guide's `{"summaries": [...]}` of at most 31 days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.simulator import params as qp
from bot.simulator.context import RequestContext
from bot.simulator.errors import invalid
from bot.simulator.scope import user_mask

MAX_SPAN_DAYS = 366
LEGACY_MAX_SPAN_DAYS = 31
# Product bit positions (profiles.PRODUCT_BITS) of the optional per-product keys.
_PRODUCT_KEYS = (
    ("chat", 0), ("claude_code", 1), ("claude_design", 4), ("office_agent", 3), ("science", 5)
)  # fmt: skip
_COWORK = 2


def _rate(count: int, seats: int | None) -> float | None:
    if not seats:
        return None
    return round(count * 100 / seats, 2)


def summaries_endpoint(ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    scalars: tuple[str, ...] = ("starting_date", "ending_date")
    if not ctx.legacy:
        scalars += ("limit", "page")
    p = qp.parse(items, scalars, ("filter[]",))
    if not ctx.legacy:
        qp.parse_limit(p.get("limit"), 100, 1000)
        ctx.cursor(p)  # `next_page` is always null: any cursor sent is one we never issued
    start_text = p.get("starting_date")
    if start_text is None:
        raise invalid("starting_date: required")
    latest = ctx.latest_engagement_day
    start = qp.parse_date("starting_date", start_text)
    qp.check_day_bounds("starting_date", start, ctx.today)
    qp.check_available("starting_date", start, latest)
    end_text = p.get("ending_date")
    end = latest + timedelta(days=1)
    if end_text is not None:
        end = qp.parse_date("ending_date", end_text)
        if end > ctx.today:
            raise invalid(f"ending_date must be on or before {ctx.today} (today)")
    if end <= start:
        raise invalid("ending_date: must be after starting_date (ending_date is exclusive)")
    span = LEGACY_MAX_SPAN_DAYS if ctx.legacy else MAX_SPAN_DAYS
    if (end - start).days > span:
        raise invalid(
            f"ending_date: the span from starting_date to ending_date must be at most "
            f"{span} days, got {(end - start).days}; split longer periods"
        )
    filters = qp.parse_filters(p.values("filter[]"), ("rbac_group_id",))
    scoped = bool(filters)
    scope = user_mask(ctx.org, filters) if scoped else None
    out = []
    day = start
    while day < end and day <= latest:
        out.append(_summary(ctx, day, scope))
        day += timedelta(days=1)
    if ctx.legacy:
        return {"summaries": out}
    return {"data": out, "next_page": None}


def _summary(ctx: RequestContext, day: date, scope: int | None) -> dict[str, Any]:
    counts = ctx.org.summary_counts(day, scope)
    seats: int | None
    invites: int | None
    entitled: int | None
    seats, invites, entitled = ctx.org.seats(day)
    if scope is not None:
        seats = invites = entitled = None
    row: dict[str, Any] = {
        "starting_at": f"{day.isoformat()}T00:00:00Z",
        "ending_at": f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        "daily_active_user_count": counts["daily"],
        "weekly_active_user_count": counts["weekly"],
        "monthly_active_user_count": counts["monthly"],
        "assigned_seat_count": seats,
        "pending_invite_count": invites,
        "daily_adoption_rate": _rate(counts["daily"], seats),
        "weekly_adoption_rate": _rate(counts["weekly"], seats),
        "monthly_adoption_rate": _rate(counts["monthly"], seats),
    }
    for label in ("daily", "weekly", "monthly"):
        row[f"cowork_{label}_active_user_count"] = counts[f"{label}_{_COWORK}"]
    if ctx.config.gated_metrics:
        for name, bit in _PRODUCT_KEYS:
            for label in ("daily", "weekly", "monthly"):
                row[f"{name}_{label}_active_user_count"] = counts[f"{label}_{bit}"]
        row["science_entitled_user_count"] = entitled
    if not ctx.legacy:
        for label in ("daily", "weekly", "monthly"):
            row[f"chat_cowork_unified_{label}_active_user_count"] = counts[f"{label}_unified"]
            # Slack users, linked or not: null when scoped (an unlinked user has no group).
            row[f"claude_tag_{label}_active_user_count"] = (
                None if scope is not None else counts[f"{label}_tag"]
            )
    return row
