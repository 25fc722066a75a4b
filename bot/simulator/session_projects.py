"""`GET /v1/organizations/analytics/projects`: projects of the new projects experience.

`BetaAnalyticsSessionProjectActivity` rows, one per project (or per project and member / RBAC
group with `group_by[]`), sorted by project id, built from the same user days as `/users`:
`message_count` is what members sent in the project, `distinct_session_count` the project chat
or threads that made a request (null on aggregated rows, where a distinct count cannot be
summed). Classic projects stay on `/apps/chat/projects`. Organisations without these projects
get a 404, which is what legacy mode answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.simulator import params as qp
from bot.simulator.breakdowns import add_group_keys, scan
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.errors import ApiError
from bot.simulator.scope import row_groups
from bot.simulator.session_catalog import creator_email
from bot.simulator.windows import engagement_window

SCALARS = ("date", "starting_date", "ending_date", "limit", "page", "order", "order_by")
ARRAYS = ("filter[]", "group_by[]")
ORDERABLE = ("project_id", "distinct_user_count", "message_count")
_CENTS_PER_MESSAGE = Decimal("3.5")


@dataclass
class _Acc:
    users: set[int] = field(default_factory=set)
    messages: int = 0
    sessions: int = 0


def _money(cents: Decimal) -> str:
    return f"{cents:.6f}"


def projects_endpoint(ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    if ctx.legacy:
        raise ApiError(404, "Not found: this organization does not have the new projects")
    p = qp.parse(items, SCALARS, ARRAYS)
    cursor = ctx.cursor(p)
    window = engagement_window(ctx, p, cursor)
    limit = qp.parse_limit(p.get("limit"), 100, 1000)
    filters = qp.parse_filters(p.values("filter[]"), ("project_id", "rbac_group_id", "user_id"))
    group_by = p.values("group_by[]")
    qp.check_choices("group_by[]", group_by, ("rbac_group_id", "user_id"))
    order_by = qp.parse_choice("order_by", p.get("order_by"), ORDERABLE, "project_id")
    order = qp.parse_choice(
        "order", p.get("order"), ("asc", "desc"), "asc" if order_by == "project_id" else "desc"
    )
    wanted = set(filters.get("project_id", ()))
    catalog = ctx.org.session_projects
    accs: dict[tuple[int, int | None, int | None], _Acc] = {}
    for user, day in scan(ctx, window, filters):
        groups = row_groups(ctx.org, user, filters) if "rbac_group_id" in group_by else (None,)
        for index, messages, sessions in day.session_projects:
            if wanted and catalog[index].project_id not in wanted:
                continue
            for group in groups:
                key = (index, group, user if "user_id" in group_by else None)
                acc = accs.setdefault(key, _Acc())
                acc.users.add(user)
                acc.messages += messages
                acc.sessions += sessions
    aggregated = bool(group_by) or not window.single
    gated = ctx.config.gated_metrics
    rows = []
    for (index, group, member), acc in accs.items():
        project = catalog[index]
        creator = creator_email(ctx.org.users(), project)
        spend = acc.messages * _CENTS_PER_MESSAGE * ctx.config.spend_multiplier
        row: dict[str, Any] = {
            "project_id": project.project_id,
            "project_name": project.name,
            "project_status": project.status,
            "product": project.product,
            "distinct_user_count": len(acc.users),
            "distinct_session_count": None if aggregated else acc.sessions,
            "message_count": acc.messages,
            "created_at": project.created_at,
            "created_by": None
            if creator is None
            else {"type": "user_actor", "user_id": creator[0], "email_address": creator[1]},
            "estimated_overage_spend": _money(spend) if gated else None,
            "attributed_list_price": _money(spend * 2) if gated else None,
            "currency": "USD" if gated else None,
        }
        add_group_keys(ctx, row, (index, None, group, member), group_by)
        rows.append(row)
    rows.sort(key=lambda r: (r["project_id"], str(r.get("rbac_group_id")), str(r.get("user_id"))))
    if order_by != "project_id":
        rows.sort(key=lambda r: r[order_by] or 0, reverse=order == "desc")
    elif order == "desc":
        rows.reverse()
    start, stop, nxt = page_slice(ctx, p, cursor, len(rows), limit, window.end)
    return {"data": rows[start:stop], "next_page": nxt}
