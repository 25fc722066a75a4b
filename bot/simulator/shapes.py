"""Where today's API (the anthropic SDK 2.17 types) and the original guide spell things
differently, in one place. Endpoints build today's shapes; `SimConfig.legacy` turns them into
the guide's at the edge, so both modes serve the same organisation and the same numbers.

    today (default)                                 legacy (--legacy)
    /summaries {"data": [...], "next_page": null}   {"summaries": [...]}
    user {id, email_address, type: "user"}          user {id, email_address}
    actor.email_address                             actor.email
    report envelope without organization_id         with organization_id
    Claude in Slack on the legacy reports:          "claude-in-slack"
      "claude-tag"
    chat_cowork_unified_metrics, claude_tag_metrics,  absent
      artifacts_created_count, connector_display_name,
      chat_cowork_unified_* and claude_tag_* actives

Product values inside the simulator are the `/cost`/`/usage` spellings (`claude_tag`,
`chat_cowork_unified`); `report_product` spells them the way the four legacy reports do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.simulator.profiles import User

SDK_USER_BLOCKS = ("chat_cowork_unified_metrics", "claude_tag_metrics")
"""`/users` blocks the guide does not name."""
ARTIFACTS = "artifacts_created_count"
_REPORT_SPELLING = {False: {"claude_tag": "claude-tag"}, True: {"claude_tag": "claude-in-slack"}}


def user_ref(user: User, legacy: bool) -> dict[str, Any]:
    """The `user` object of a `/users` row. The SDK types `email_address` as a non-null string,
    so a deleted account (no address left) is sent as an empty one in today's shape."""
    if legacy:
        return {"id": user.user_id, "email_address": user.email}
    return {"id": user.user_id, "email_address": user.email or "", "type": "user"}


def legacy_metrics(tree: dict[str, Any]) -> dict[str, Any]:
    """A metric tree without what today's API added; the input (maybe cached) is not changed."""
    out = {k: v for k, v in tree.items() if k not in SDK_USER_BLOCKS}
    code = out.get("claude_code_metrics")
    if isinstance(code, dict) and isinstance(code.get("core_metrics"), dict):
        core = {k: v for k, v in code["core_metrics"].items() if k != ARTIFACTS}
        out["claude_code_metrics"] = {**code, "core_metrics": core}
    cowork = out.get("cowork_metrics")
    if isinstance(cowork, dict):
        out["cowork_metrics"] = {k: v for k, v in cowork.items() if k != ARTIFACTS}
    return out


def actor(user: User, legacy: bool) -> dict[str, Any]:
    """The `actor` of a per-user cost/usage row (`BetaAnalyticsUserActor`)."""
    address = "email" if legacy else "email_address"
    return {
        "type": "user_actor",
        "user_id": user.user_id,
        address: user.email,
        "name": user.name,
        "deleted": user.deleted,
    }


def report_product(product: str | None, legacy: bool) -> str | None:
    """A product value as the four legacy reports spell it."""
    if product is None:
        return None
    return _REPORT_SPELLING[legacy].get(product, product)


def canonical_products(values: Iterable[str], legacy: bool) -> frozenset[str]:
    """`products[]` filter values of a legacy report, in the simulator's own spelling."""
    back = {spelled: product for product, spelled in _REPORT_SPELLING[legacy].items()}
    return frozenset(back.get(value, value) for value in values)


def report_envelope(
    data: list[Any], nxt: str | None, refreshed: str, organization_id: str, legacy: bool
) -> dict[str, Any]:
    """The page of a cost/usage report: `SyncReportPageCursor`'s fields, plus the guide's
    `organization_id` in legacy mode."""
    body: dict[str, Any] = {
        "data": data,
        "has_more": nxt is not None,
        "next_page": nxt,
        "data_refreshed_at": refreshed,
    }
    if legacy:
        body["organization_id"] = organization_id
    return body
