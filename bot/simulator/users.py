"""`GET /v1/organizations/analytics/users`: per-user (or per-RBAC-group) engagement rows.

Only users with activity in the window appear (so in single-day mode the row count is the day's
DAU and `last_activity_date` equals `date`). Rows are sorted by email address ascending (deleted
users, whose email is null, last); when sorted by email only the requested page is built.
Today's shape (`AnalyticsUserActivity`) is built; legacy mode strips what the guide lacks
(`bot.simulator.shapes`). Days younger than the revision window are served revised
(`bot.simulator.revisions`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.simulator import params as qp
from bot.simulator.activity import UserDay
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.errors import invalid
from bot.simulator.metrics import aggregate, copy_tree, gate, zero_metrics
from bot.simulator.revisions import late_per_mille, revised, revision_age
from bot.simulator.scope import row_groups, user_mask
from bot.simulator.shapes import legacy_metrics, user_ref
from bot.simulator.windows import DayWindow, engagement_window

SCALARS = ("date", "starting_date", "ending_date", "limit", "page", "order", "order_by")
ARRAYS = ("filter[]", "group_by[]")
_METRIC_KEYS = (
    "chat_metrics", "claude_code_metrics", "cowork_metrics", "office_metrics",
    "design_metrics", "science_metrics",
)  # fmt: skip


def _office_messages(m: dict[str, Any]) -> int:
    return sum(int(app["message_count"]) for app in m["office_metrics"].values())


ORDERABLE: dict[str, Any] = {
    "email_address": None,
    "web_search_count": lambda m: m["web_search_count"],
    "chat_message_count": lambda m: m["chat_metrics"]["message_count"],
    "claude_code_commit_count": lambda m: m["claude_code_metrics"]["core_metrics"]["commit_count"],
    "cowork_message_count": lambda m: m["cowork_metrics"]["message_count"],
    "office_message_count": _office_messages,
}


def _project_scoped(day: UserDay, project: set[int]) -> dict[str, Any] | None:
    """A member's chat activity inside the project; on a unified day it is counted in
    `chat_cowork_unified_metrics.chat` (sessions are not measured per project: zeros)."""
    used = [p for p in day.projects if p[0] in project]
    if not used:
        return None
    metrics = zero_metrics()
    chat = (
        metrics["chat_cowork_unified_metrics"]["chat"] if day.unified else metrics["chat_metrics"]
    )
    chat["message_count"] = sum(p[1] for p in used)
    chat["distinct_conversation_count"] = sum(p[2] for p in used)
    chat["distinct_projects_used_count"] = len(used)
    return metrics


def _user_days(
    ctx: RequestContext, user: int, window: DayWindow, project: set[int] | None
) -> list[tuple[int, dict[str, Any]]]:
    out = []
    today = ctx.today.toordinal()
    for d in window.days:
        day = ctx.org.user_day(user, d)
        if day is None:
            continue
        metrics = day.metrics if project is None else _project_scoped(day, project)
        if metrics is None:
            continue
        age = revision_age(ctx.legacy, today, d)
        if age is not None:
            metrics = revised(metrics, late_per_mille(ctx.config.seed, user, d), age)
        out.append((d, metrics))
    return out


def _metrics_of(
    days: list[tuple[int, dict[str, Any]]], single: bool, *, mutable: bool
) -> dict[str, Any]:
    """One day's cached metric tree as is (a fresh copy only when the response will be
    changed in place: gating, sparse mode), or several days aggregated into a new tree."""
    if single and len(days) == 1:
        return copy_tree(days[0][1]) if mutable else days[0][1]
    return aggregate([m for _, m in days])


def _user_row(
    ctx: RequestContext, user: int, days: list[tuple[int, dict[str, Any]]], single: bool
) -> dict[str, Any]:
    profile = ctx.org.users()[user]
    mutable = not ctx.config.gated_metrics or ctx.config.sparse
    metrics = gate(_metrics_of(days, single, mutable=mutable), ctx.config.gated_metrics)
    row: dict[str, Any] = {"user": user_ref(profile, ctx.legacy)}
    if ctx.legacy:
        row.update(legacy_metrics(metrics))
    else:
        row["distinct_user_count"] = None  # "null for per-user rows"
        row.update(metrics)
    if ctx.config.gated_metrics:
        row["last_activity_date"] = date.fromordinal(days[-1][0]).isoformat()
    return row


def _group_rows(
    ctx: RequestContext, window: DayWindow, scope: int, filters: dict[str, list[str]]
) -> list[dict[str, Any]]:
    members: dict[int | None, set[int]] = {}
    metrics: dict[int | None, list[dict[str, Any]]] = {}
    last: dict[int | None, int] = {}
    today = ctx.today.toordinal()
    for d in window.days:
        active = ctx.org.day_activity(d).active & scope
        age = revision_age(ctx.legacy, today, d)
        for user in ctx.org.active_users(d):
            if not active >> user & 1:
                continue
            day = ctx.org.user_day(user, d)
            assert day is not None
            tree = day.metrics
            if age is not None:
                tree = revised(tree, late_per_mille(ctx.config.seed, user, d), age)
            for g in row_groups(ctx.org, user, filters):
                members.setdefault(g, set()).add(user)
                metrics.setdefault(g, []).append(tree)
                last[g] = d
    rows = []
    for g in sorted(members, key=lambda g: "~" if g is None else ctx.org.groups[g].group_id):
        group = None if g is None else ctx.org.groups[g]
        row: dict[str, Any] = {
            "user": None,
            "rbac_group_id": group.group_id if group else None,
            "rbac_group_name": group.name if group else None,
            "distinct_user_count": len(members[g]),
        }
        tree = gate(aggregate(metrics[g]), ctx.config.gated_metrics)
        row.update(legacy_metrics(tree) if ctx.legacy else tree)
        if ctx.config.gated_metrics:
            # Today: the latest day any member was active; the guide: null on grouped rows.
            row["last_activity_date"] = (
                None if ctx.legacy else date.fromordinal(last[g]).isoformat()
            )
        rows.append(row)
    return rows


def users_endpoint(ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    p = qp.parse(items, SCALARS, ARRAYS)
    cursor = ctx.cursor(p)
    window = engagement_window(ctx, p, cursor)
    limit = qp.parse_limit(p.get("limit"), 100, 1000)
    filters = qp.parse_filters(p.values("filter[]"), ("project_id", "rbac_group_id", "user_id"))
    group_by = p.values("group_by[]")
    qp.check_choices("group_by[]", group_by, ("rbac_group_id",))
    if "project_id" in filters and (group_by or "rbac_group_id" in filters):
        raise invalid(
            "filter[]: project_id cannot be combined with group_by[] or an rbac_group_id filter"
        )
    order_by = qp.parse_choice("order_by", p.get("order_by"), ORDERABLE, "email_address")
    default_order = "asc" if order_by == "email_address" else "desc"
    order = qp.parse_choice("order", p.get("order"), ("asc", "desc"), default_order)
    scope = user_mask(ctx.org, filters)

    if group_by:
        rows = _group_rows(ctx, window, scope, filters)
        if order == "desc":
            rows.reverse()
        start, stop, nxt = page_slice(ctx, p, cursor, len(rows), limit, window.end)
        return {"data": rows[start:stop], "next_page": nxt}

    active = 0
    for d in window.days:
        active |= ctx.org.day_activity(d).active
    active &= scope
    project = None
    if "project_id" in filters:
        wanted = set(filters["project_id"])
        project = {pr.index for pr in ctx.org.projects if pr.project_id in wanted}
    candidates = [u.index for u in ctx.org.by_email if active >> u.index & 1]
    if project is not None or order_by != "email_address":
        built = []
        for user in candidates:
            days = _user_days(ctx, user, window, project)
            if days:
                built.append(_user_row(ctx, user, days, window.single))
        key = ORDERABLE[order_by]
        if key is not None:
            built.sort(key=lambda row: -key(row) if order == "desc" else key(row))
        elif order == "desc":
            built.reverse()
        start, stop, nxt = page_slice(ctx, p, cursor, len(built), limit, window.end)
        return {"data": built[start:stop], "next_page": nxt}

    if order == "desc":
        candidates.reverse()
    start, stop, nxt = page_slice(ctx, p, cursor, len(candidates), limit, window.end)
    rows = [
        _user_row(ctx, user, _user_days(ctx, user, window, None), window.single)
        for user in candidates[start:stop]
    ]
    return {"data": rows, "next_page": nxt}
