"""Skills, connectors, plugins and chat projects: per-item engagement aggregated from user days.

All four share one engine: walk the active users of each day in the window (restricted by
`filter[]`), take the items each `UserDay` used, and accumulate them under a key of
(item, product?, rbac group?, user?) according to `group_by[]`. Rows therefore agree with `/users`.
Use in Chat and Cowork unified is reported in `chat_cowork_unified_metrics` (and under product
`chat_cowork_unified`); legacy mode, whose org never turns it on, leaves the block out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.simulator import catalog
from bot.simulator import params as qp
from bot.simulator.activity import SURFACE_PRODUCT, UserDay
from bot.simulator.context import RequestContext, page_slice
from bot.simulator.profiles import User
from bot.simulator.scope import row_groups, user_mask
from bot.simulator.shapes import user_ref
from bot.simulator.stable import h64, token
from bot.simulator.windows import DayWindow, engagement_window

SCALARS = ("date", "starting_date", "ending_date", "limit", "page", "order", "order_by")
ARRAYS = ("filter[]", "group_by[]")
ENGAGEMENT_PRODUCTS = ("chat", "claude_code", "cowork", "office_agent")
UNIFIED = "chat_cowork_unified"
OPAQUE_CONNECTORS = {"salesforce": "Salesforce (EU)", "snowflake": "Snowflake Analytics"}
"""Custom connectors today's API names by an opaque id, with `connector_display_name` resolved
from the organisation's connectors; readable names carry a null display name. The guide-era
(legacy) endpoint shows the readable name."""
MANAGED_AUTH_FROM = date(2026, 7, 1).toordinal()
"""First day of managed/individual credential counts (forward-only data, no backfill)."""
# Connector tool-call read/write split exists from this day on (all surfaces).
SPLIT_FROM = date(2026, 6, 2).toordinal()

Key = tuple[int, str | None, int | None, int | None]  # item, product, group, user


@dataclass
class Acc:
    users: set[int] = field(default_factory=set)
    installs: set[int] = field(default_factory=set)
    sessions: dict[str, int] = field(default_factory=dict)  # surface → sessions
    count: int = 0  # invocations / calls / messages
    conversations: int = 0
    read: int = 0
    write: int = 0
    paid_count: int = 0  # invocations outside chat (list-price attribution)


@dataclass(frozen=True)
class Spec:
    name_field: str
    dims: tuple[str, ...]  # filter[] and group_by[] dimensions
    products: tuple[str, ...]
    orderable: tuple[str, ...]
    entries: Callable[[UserDay], Iterator[tuple[int, str, tuple[int, ...]]]]


def _skills(day: UserDay) -> Iterator[tuple[int, str, tuple[int, ...]]]:
    for idx, surface, sessions, invocations in day.skills:
        yield idx, surface, (sessions, invocations)


def _connectors(day: UserDay) -> Iterator[tuple[int, str, tuple[int, ...]]]:
    for idx, surface, sessions, calls, read, write in day.connectors:
        yield idx, surface, (sessions, calls, read, write)


def _plugins(day: UserDay) -> Iterator[tuple[int, str, tuple[int, ...]]]:
    for idx, surface, sessions, invocations, installed in day.plugins:
        yield idx, surface, (sessions, invocations, int(installed))


def _projects(day: UserDay) -> Iterator[tuple[int, str, tuple[int, ...]]]:
    for idx, messages, conversations in day.projects:
        yield idx, "chat", (conversations, messages, conversations)


_DIMS = ("rbac_group_id", "user_id", "product")
SPECS = {
    "skills": Spec(
        "skill_name",
        (*_DIMS, "share_status"),
        ENGAGEMENT_PRODUCTS,
        ("skill_name", "distinct_user_count", "invocation_count"),
        _skills,
    ),
    "connectors": Spec(
        "connector_name",
        _DIMS,
        ENGAGEMENT_PRODUCTS,
        ("connector_name", "distinct_user_count"),
        _connectors,
    ),
    "plugins": Spec(
        "plugin_name",
        _DIMS,
        ("cowork", "claude_code"),
        ("plugin_name", "distinct_user_count", "install_count", "invocation_count"),
        _plugins,
    ),
    "projects": Spec(
        "project_id",
        ("rbac_group_id", "user_id", "project_id"),
        (),
        ("project_id", "project_name", "distinct_user_count", "message_count"),
        _projects,
    ),
}


def _money(cents: Decimal) -> str:
    return f"{cents:.6f}"


def _session_block(acc: Acc, field_name: str, chat_field: str, legacy: bool) -> dict[str, Any]:
    s = acc.sessions
    block: dict[str, Any] = {
        "claude_code_metrics": {field_name: s.get("claude_code", 0)},
        "cowork_metrics": {field_name: s.get("cowork", 0)},
        "office_metrics": {app: {field_name: s.get(app, 0)} for app in catalog.OFFICE_APPS},
    }
    if not legacy:
        block["chat_cowork_unified_metrics"] = {
            "chat": {chat_field: s.get("unified_chat", 0)},
            "sessions": {field_name: s.get("unified_sessions", 0)},
        }
    return block


def _row(
    ctx: RequestContext, kind: str, key: Key, acc: Acc, window: DayWindow, grouped: bool
) -> dict[str, Any]:
    idx = key[0]
    gated = ctx.config.gated_metrics
    row: dict[str, Any]
    if kind == "skills":
        name, display, share = catalog.SKILLS[idx]
        row = {
            "skill_name": name,
            "distinct_user_count": len(acc.users),
            "chat_metrics": {"distinct_conversation_skill_used_count": acc.sessions.get("chat", 0)},
        }
        row.update(
            _session_block(
                acc,
                "distinct_session_skill_used_count",
                "distinct_conversation_skill_used_count",
                ctx.legacy,
            )
        )
        single_org_cut = window.single and not grouped
        mult = ctx.config.spend_multiplier
        row["invocation_count"] = acc.count if gated else None
        enabled = h64(ctx.config.seed, "enable", idx, window.days[0]) % 4
        row["enable_count"] = enabled if gated and single_org_cut else None
        row["estimated_overage_spend"] = (
            _money(acc.count * Decimal("4.5") * mult) if gated else None
        )
        row["attributed_list_price"] = (
            _money(acc.paid_count * Decimal(12) * mult) if gated else None
        )
        row["currency"] = "USD" if gated else None
        row["share_status"] = share
        row["skill_display_name"] = display
    elif kind == "connectors":
        name = catalog.CONNECTORS[idx]
        display = None if ctx.legacy else OPAQUE_CONNECTORS.get(name)
        row = {
            "connector_name": name if display is None else f"mcpsrv_01{token(22, name)}",
            "distinct_user_count": len(acc.users),
            "chat_metrics": {
                "distinct_conversation_connector_used_count": acc.sessions.get("chat", 0)
            },
        }
        row.update(
            _session_block(
                acc,
                "distinct_session_connector_used_count",
                "distinct_conversation_connector_used_count",
                ctx.legacy,
            )
        )
        if not ctx.legacy:
            row["connector_display_name"] = display
            credentials = gated and window.days[0] >= MANAGED_AUTH_FROM
            kinds = [h64(ctx.config.seed, "credential", idx, u) % 3 for u in acc.users]
            row["managed_auth_distinct_user_count"] = kinds.count(0) if credentials else None
            row["individual_auth_distinct_user_count"] = kinds.count(1) if credentials else None
        split = gated and window.days[0] >= SPLIT_FROM
        row["read_call_count"] = acc.read if split else None
        row["write_call_count"] = acc.write if split else None
        row["unclassified_call_count"] = acc.count - acc.read - acc.write if split else None
    elif kind == "plugins":
        name, plugin_id = catalog.PLUGINS[idx]
        row = {
            "plugin_name": name,
            "plugin_id": plugin_id,
            "distinct_user_count": len(acc.users),
            "install_count": len(acc.installs),
            "invocation_count": acc.count,
            "claude_code_metrics": {
                "distinct_session_plugin_used_count": acc.sessions.get("claude_code", 0)
            },
            "cowork_metrics": {"distinct_session_plugin_used_count": acc.sessions.get("cowork", 0)},
        }
        if not ctx.legacy:
            row["chat_cowork_unified_metrics"] = {
                "distinct_session_plugin_used_count": acc.sessions.get("unified_sessions", 0)
            }
    else:
        project = ctx.org.projects[idx]
        creator = None if project.created_by is None else ctx.org.users()[project.created_by]
        aggregated = grouped or not window.single
        row = {
            "project_id": project.project_id,
            "project_name": project.name,
            "distinct_user_count": len(acc.users),
            "distinct_conversation_count": None if aggregated else acc.conversations,
            "message_count": acc.count,
            "created_at": project.created_at,
            "created_by": _creator(creator, ctx.legacy),
        }
    return row


def _creator(creator: User | None, legacy: bool) -> dict[str, Any] | None:
    """`created_by`: today an `AnalyticsUser` (a non-null address: null once the account is
    gone), in the guide `{id, email_address}`."""
    if creator is None or (creator.email is None and not legacy):
        return None
    return user_ref(creator, legacy)


def products_of(spec: Spec, legacy: bool) -> tuple[str, ...]:
    """The `product` values this org's endpoint accepts (unified only where it exists)."""
    if legacy or not spec.products:
        return spec.products
    return (*spec.products, UNIFIED)


def add_group_keys(ctx: RequestContext, row: dict[str, Any], key: Key, group_by: list[str]) -> None:
    _, product, group, user = key
    if "product" in group_by:
        row["product"] = product
    if "rbac_group_id" in group_by:
        g = None if group is None else ctx.org.groups[group]
        row["rbac_group_id"] = g.group_id if g else None
        row["rbac_group_name"] = g.name if g else None
    if "user_id" in group_by and user is not None:
        row["user_id"] = ctx.org.users()[user].user_id


def scan(
    ctx: RequestContext, window: DayWindow, filters: dict[str, list[str]]
) -> Iterator[tuple[int, UserDay]]:
    """(user, UserDay) of every active, in-scope user on every day of the window."""
    scope = user_mask(ctx.org, filters)
    for d in window.days:
        active = ctx.org.day_activity(d).active & scope
        for user in ctx.org.active_users(d):
            if active >> user & 1:
                day = ctx.org.user_day(user, d)
                if day is not None:
                    yield user, day


def breakdown_endpoint(
    ctx: RequestContext, items: list[tuple[str, str]], kind: str
) -> dict[str, Any]:
    spec = SPECS[kind]
    p = qp.parse(items, SCALARS, ARRAYS)
    cursor = ctx.cursor(p)
    window = engagement_window(ctx, p, cursor)
    limit = qp.parse_limit(p.get("limit"), 100, 1000)
    filters = qp.parse_filters(p.values("filter[]"), spec.dims)
    group_by = p.values("group_by[]")
    qp.check_choices(
        "group_by[]", group_by, [d for d in spec.dims if d not in ("share_status", "project_id")]
    )
    if "product" in filters:
        qp.check_choices("filter[] product", filters["product"], products_of(spec, ctx.legacy))
    if "share_status" in filters:
        qp.check_choices(
            "filter[] share_status", filters["share_status"], ("private", "organization", "public")
        )
    order_by = qp.parse_choice("order_by", p.get("order_by"), spec.orderable, spec.orderable[0])
    default_order = "asc" if order_by.endswith(("_name", "_id")) else "desc"
    order = qp.parse_choice("order", p.get("order"), ("asc", "desc"), default_order)

    accs: dict[Key, Acc] = {}
    products = set(filters.get("product", ()))
    shares = set(filters.get("share_status", ()))
    wanted = set(filters.get("project_id", ()))
    for user, day in scan(ctx, window, filters):
        groups = row_groups(ctx.org, user, filters) if "rbac_group_id" in group_by else (None,)
        for idx, surface, payload in spec.entries(day):
            product = SURFACE_PRODUCT[surface]
            if products and product not in products:
                continue
            if shares and catalog.SKILLS[idx][2] not in shares:
                continue
            if wanted and ctx.org.projects[idx].project_id not in wanted:
                continue
            for group in groups:
                key: Key = (
                    idx,
                    product if "product" in group_by else None,
                    group,
                    user if "user_id" in group_by else None,
                )
                _accumulate(accs.setdefault(key, Acc()), kind, user, surface, payload)
    rows = []
    for key, acc in accs.items():
        row = _row(ctx, kind, key, acc, window, bool(group_by))
        add_group_keys(ctx, row, key, group_by)
        rows.append(row)
    tie = spec.name_field
    rows.sort(
        key=lambda r: (
            str(r[tie]),
            str(r.get("product")),
            str(r.get("rbac_group_id")),
            str(r.get("user_id")),
        )
    )
    if order_by != spec.orderable[0]:
        rows.sort(key=lambda r: r[order_by] or 0, reverse=order == "desc")
    elif order == "desc":
        rows.reverse()
    start, stop, nxt = page_slice(ctx, p, cursor, len(rows), limit, window.end)
    return {"data": rows[start:stop], "next_page": nxt}


def _accumulate(acc: Acc, kind: str, user: int, surface: str, payload: tuple[int, ...]) -> None:
    acc.users.add(user)
    acc.sessions[surface] = acc.sessions.get(surface, 0) + payload[0]
    acc.count += payload[1]
    if kind == "skills" and surface != "chat":
        acc.paid_count += payload[1]
    elif kind == "connectors":
        acc.read += payload[2]
        acc.write += payload[3]
    elif kind == "plugins" and payload[2]:
        acc.installs.add(user)
    elif kind == "projects":
        acc.conversations += payload[2]
