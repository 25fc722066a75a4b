"""`GET /v1/organizations/analytics/artifacts`: artifacts created per (MIME type, shared) cell.

Single-day only (`date` required). Ungrouped, the whole cube comes back in one response with
`next_page` null and `page` is refused; grouped by `user_id` / `rbac_group_id` (today's API: also
`product`, the surface that created the artifact), rows paginate. Today's API also filters by
`artifact_type`, `is_shared` and `product`; the guide-era (legacy) endpoint knows only chat
artifacts' groups and filters by group or user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator import catalog
from bot.simulator import params as qp
from bot.simulator.activity import SURFACE_PRODUCT
from bot.simulator.breakdowns import UNIFIED, add_group_keys, scan
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.errors import invalid
from bot.simulator.scope import row_groups
from bot.simulator.windows import engagement_window


@dataclass
class _Cell:
    created: int = 0
    published: int = 0
    users: set[int] = field(default_factory=set)


PRODUCTS = ("chat", "claude_code", "cowork", UNIFIED)
"""The surfaces that create artifacts (today's API)."""


def artifacts_endpoint(ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    p = qp.parse(items, ("date", "limit", "page"), ("filter[]", "group_by[]"))
    if p.get("date") is None:
        raise invalid("date: required (this endpoint has no range mode)")
    group_by = p.values("group_by[]")
    dims: tuple[str, ...] = ("user_id", "rbac_group_id")
    filter_dims: tuple[str, ...] = ("rbac_group_id", "user_id")
    if not ctx.legacy:
        dims += ("product",)
        filter_dims += ("artifact_type", "is_shared", "product")
    qp.check_choices("group_by[]", group_by, dims)
    if p.get("page") is not None and not group_by:
        raise invalid("page: only valid with group_by[]; ungrouped results come in one response")
    cursor = ctx.cursor(p)
    window = engagement_window(ctx, p, cursor)
    limit = qp.parse_limit(p.get("limit"), 100, 1000)
    filters = qp.parse_filters(p.values("filter[]"), filter_dims)
    qp.check_choices("filter[] product", filters.get("product", []), PRODUCTS)
    qp.check_choices("filter[] is_shared", filters.get("is_shared", []), ("true", "false"))
    types, shares = set(filters.get("artifact_type", ())), set(filters.get("is_shared", ()))
    products = set(filters.get("product", ()))
    cells: dict[tuple[int, bool, str | None, int | None, int | None], _Cell] = {}
    for user, day in scan(ctx, window, filters):
        groups = row_groups(ctx.org, user, filters) if "rbac_group_id" in group_by else (None,)
        for type_idx, shared, created, published, surface in day.artifacts:
            product = SURFACE_PRODUCT[surface]
            if ctx.legacy and product != "chat":
                continue  # the guide's endpoint counts chat artifacts only
            if types and catalog.ARTIFACT_TYPES[type_idx] not in types:
                continue
            if (shares and str(shared).lower() not in shares) or (
                products and product not in products
            ):
                continue
            grouped_product = product if "product" in group_by else None
            for group in groups:
                key = (
                    type_idx,
                    shared,
                    grouped_product,
                    group,
                    user if "user_id" in group_by else None,
                )
                cell = cells.setdefault(key, _Cell())
                cell.created += created
                cell.published += published
                cell.users.add(user)
    rows = []
    for (type_idx, shared, kind, group, row_user), cell in cells.items():
        row: dict[str, Any] = {
            "artifact_type": catalog.ARTIFACT_TYPES[type_idx],
            "is_shared": shared,
            "artifacts_created_count": cell.created,
            "published_artifacts_created_count": cell.published,
            "distinct_user_count": len(cell.users),
        }
        add_group_keys(ctx, row, (type_idx, kind, group, row_user), group_by)
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r["artifact_type"],
            r["is_shared"],
            str(r.get("product")),
            str(r.get("rbac_group_id")),
            str(r.get("user_id")),
        )
    )
    if not group_by:
        return {"data": rows, "next_page": None}
    start, stop, nxt = page_slice(ctx, p, cursor, len(rows), limit)
    return {"data": rows[start:stop], "next_page": nxt}
