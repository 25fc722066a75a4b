"""`GET /v1/organizations/analytics/artifacts`: artifacts created per (MIME type, shared) cell.

Single-day only (`date` required). Ungrouped, the whole cube comes back in one response with
`next_page` null and `page` is refused; grouped by `user_id` / `rbac_group_id`, rows paginate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator import catalog
from bot.simulator import params as qp
from bot.simulator.breakdowns import add_group_keys, scan
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.errors import invalid
from bot.simulator.scope import row_groups
from bot.simulator.windows import engagement_window


@dataclass
class _Cell:
    created: int = 0
    published: int = 0
    users: set[int] = field(default_factory=set)


def artifacts_endpoint(ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    p = qp.parse(items, ("date", "limit", "page"), ("filter[]", "group_by[]"))
    if p.get("date") is None:
        raise invalid("date: required (this endpoint has no range mode)")
    group_by = p.values("group_by[]")
    qp.check_choices("group_by[]", group_by, ("user_id", "rbac_group_id"))
    if p.get("page") is not None and not group_by:
        raise invalid("page: only valid with group_by[]; ungrouped results come in one response")
    cursor = ctx.cursor(p)
    window = engagement_window(ctx, p, cursor)
    limit = qp.parse_limit(p.get("limit"), 100, 1000)
    filters = qp.parse_filters(p.values("filter[]"), ("rbac_group_id", "user_id"))
    cells: dict[tuple[int, bool, int | None, int | None], _Cell] = {}
    for user, day in scan(ctx, window, filters):
        groups = row_groups(ctx.org, user, filters) if "rbac_group_id" in group_by else (None,)
        for type_idx, shared, created, published in day.artifacts:
            for group in groups:
                key = (type_idx, shared, group, user if "user_id" in group_by else None)
                cell = cells.setdefault(key, _Cell())
                cell.created += created
                cell.published += published
                cell.users.add(user)
    rows = []
    for (type_idx, shared, group, row_user), cell in cells.items():
        row: dict[str, Any] = {
            "artifact_type": catalog.ARTIFACT_TYPES[type_idx],
            "is_shared": shared,
            "artifacts_created_count": cell.created,
            "published_artifacts_created_count": cell.published,
            "distinct_user_count": len(cell.users),
        }
        add_group_keys(ctx, row, (type_idx, None, group, row_user), group_by)
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r["artifact_type"],
            r["is_shared"],
            str(r.get("rbac_group_id")),
            str(r.get("user_id")),
        )
    )
    if not group_by:
        return {"data": rows, "next_page": None}
    start, stop, nxt = page_slice(ctx, p, cursor, len(rows), limit)
    return {"data": rows[start:stop], "next_page": nxt}
