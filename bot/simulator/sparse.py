"""`--sparse`: serve the sparsest responses the reference allows, deterministically.

Why: the simulator and the bot's models were written from the same reference, so a dense
simulator proves nothing about an org whose API leaves optional fields out, grows new blocks, or
sends money as JSON numbers. With `SimConfig.sparse` every successful body passes through
`sparsify()` once, after the endpoint built it. It only deletes keys, adds undocumented keys and
turns some decimal strings into JSON numbers; it never adds or removes rows, never touches
`next_page`, `has_more` or cursors, and never touches what identifies a row.

How it chooses: every choice is a draw from one blake2b hash of (seed, endpoint, the request's
query without `page`/`limit`/`order`/`order_by`, the row's identity) — e.g. for `/users` the user
id plus the `date` (or range) asked for. So the same request gets the same bytes, two syncs with
different page sizes see the same shape for the same row, and neighbouring rows differ. "Every
row" drops model what an org without a gated feature sends; "~1/n" drops vary row by row.

Always kept (identity): `user.id`/`user.email_address`, `rbac_group_id`/`rbac_group_name`,
`distinct_user_count`, item names/ids (`skill_name`, `connector_name`, `plugin_name`,
`project_id`, `project_name`, `artifact_type`, `is_shared`), grouping keys (`product`, `model`,
`context_window`, `inference_geo`, `speed`, `rbac_group_id`, `user_id`, `cost_type`,
`token_type`), day and bucket bounds (`starting_at`, `ending_at`), `actor` (whole), a cost row's
`amount` and `currency`, and every envelope key the dense simulator sends.

Dropped or changed, per endpoint:

- `/summaries` rows: everything but `starting_at`, `ending_at`, `daily_/weekly_/monthly_
  active_user_count` and `assigned_seat_count` (every row: no invites, adoption rates, cowork
  counts, per-product keys, `science_entitled_user_count`).
- `/users` rows: `last_activity_date` (every row); the eight gated Cowork counters (every row
  that keeps `cowork_metrics`); each of `design_metrics`, `science_metrics`, `office_metrics`,
  `cowork_metrics` (~1/3 each); one Office app block (~1/4); `web_search_count` (~1/4);
  `chat_metrics.thinking_message_count` (~1/3), `chat_metrics.distinct_files_uploaded_count`
  (~1/4); `claude_code_metrics.core_metrics.lines_of_code` (~1/3); the `notebook_edit_tool`
  tool action (~1/3); today's `chat_cowork_unified_metrics` and `claude_tag_metrics` (~1/3
  each). Extra: `voice_metrics: {"message_count": n}` (~1/3).
- `/skills`, `/connectors`, `/plugins` rows: each of `chat_metrics`, `claude_code_metrics`,
  `cowork_metrics`, `office_metrics` (~1/4 each); one Office app block (~1/4); skills:
  `estimated_overage_spend`, `attributed_list_price`, `currency` (every row), `invocation_count`
  (~1/3), `enable_count` (~1/2), `share_status`, `skill_display_name` (~1/4 each); connectors:
  `read_call_count`, `write_call_count`, `unclassified_call_count` (every row); plugins:
  `plugin_id` (~1/3). Extra: `chrome_metrics: {...}` (~1/3).
- `/apps/chat/projects` rows: `distinct_conversation_count` (~1/3), `created_at`, `created_by`
  (~1/4 each). Extra: `archived: false` (~1/3).
- `/artifacts` rows: `published_artifacts_created_count` (~1/4). Extra: `preview_count` (~1/3).
- `/projects` rows (today's API only): `estimated_overage_spend`, `attributed_list_price`,
  `currency` (every row), `distinct_session_count` (~1/3), `created_at`, `created_by`,
  `project_status` (~1/4 each).
- cost rows (`user_cost_report` rows, `cost_report` results): `list_amount` (~1/3), `requests`
  (~1/3); `amount` and a kept `list_amount` as a JSON number (~1/3 each) when the float's
  shortest repr is exactly the decimal string's value (always so under 10^9 cents: at most 15
  significant digits; otherwise the string stays). Extra: `service_tier: "standard"` (~1/4).
- usage rows (`user_usage_report` rows, `usage_report` results): `server_tool_use`,
  `cache_creation`, `total_tokens` (per-user only), `requests` (~1/3 each except `requests`
  ~1/4). Extra: `service_tier: "standard"` (~1/4).
- envelopes (every endpoint): extra top-level `schema_revision: "2026-10"` on ~1/2 of queries
  (decided by the query alone, so every page of one listing agrees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from hashlib import blake2b
from typing import Any

from bot.simulator.catalog import OFFICE_APPS
from bot.simulator.cost_query import COST_GROUPS
from bot.simulator.metrics import COWORK_GATED

Row = dict[str, Any]

EXTRA_ENVELOPE_FIELD = "schema_revision"
SUMMARY_KEEP = (
    "starting_at",
    "ending_at",
    "daily_active_user_count",
    "weekly_active_user_count",
    "monthly_active_user_count",
    "assigned_seat_count",
)
BREAKDOWN_BLOCKS = ("chat_metrics", "claude_code_metrics", "cowork_metrics", "office_metrics")
SKILL_SPEND = ("estimated_overage_spend", "attributed_list_price", "currency")
CONNECTOR_SPLIT = ("read_call_count", "write_call_count", "unclassified_call_count")
_NOT_IDENTITY_PARAMS = frozenset({"page", "limit", "order", "order_by"})


class Dice:
    """Independent draws from one 256-bit hash of `parts`: a pure function of its inputs."""

    __slots__ = ("_bits",)

    def __init__(self, *parts: object) -> None:
        data = "\x1f".join(str(p) for p in parts).encode()
        self._bits = int.from_bytes(blake2b(data, digest_size=32).digest(), "big")

    def one_in(self, n: int) -> bool:
        """True with probability ~1/n; consumes about log2(n) bits (≈60 draws of 1/4 per row)."""
        self._bits, value = divmod(self._bits, n)
        return value == 0

    def below(self, n: int) -> int:
        """A draw in [0, n)."""
        self._bits, value = divmod(self._bits, n)
        return value


def query_key(items: Iterable[tuple[str, str]]) -> str:
    """The request's query minus paging and ordering: what a row's identity depends on."""
    kept = sorted((k, v) for k, v in items if k not in _NOT_IDENTITY_PARAMS)
    return "&".join(f"{k}={v}" for k, v in kept)


def _drop(row: Row, *keys: str) -> None:
    for key in keys:
        row.pop(key, None)


def _as_number(text: Any) -> Any:
    """A decimal string as a JSON number if the float's repr is exactly the same value."""
    if not isinstance(text, str):
        return text
    number = float(text)
    return number if Decimal(repr(number)) == Decimal(text) else text


# --- engagement -------------------------------------------------------------------------------


def _office_app(block: Any, dice: Dice) -> None:
    if isinstance(block, dict) and dice.one_in(4):
        block.pop(OFFICE_APPS[dice.below(len(OFFICE_APPS))], None)


def _users_row(row: Row, dice: Dice) -> None:
    _drop(row, "last_activity_date")
    cowork = row.get("cowork_metrics")
    if isinstance(cowork, dict):
        _drop(cowork, *COWORK_GATED)
    for block in ("design_metrics", "science_metrics", "office_metrics", "cowork_metrics"):
        if dice.one_in(3):
            _drop(row, block)
    for block in ("chat_cowork_unified_metrics", "claude_tag_metrics"):
        if block in row and dice.one_in(3):
            _drop(row, block)
    _office_app(row.get("office_metrics"), dice)
    if dice.one_in(4):
        _drop(row, "web_search_count")
    chat = row.get("chat_metrics")
    if isinstance(chat, dict):
        if dice.one_in(3):
            _drop(chat, "thinking_message_count")
        if dice.one_in(4):
            _drop(chat, "distinct_files_uploaded_count")
    code = row.get("claude_code_metrics")
    if isinstance(code, dict):
        if dice.one_in(3) and isinstance(code.get("core_metrics"), dict):
            _drop(code["core_metrics"], "lines_of_code")
        if dice.one_in(3) and isinstance(code.get("tool_actions"), dict):
            _drop(code["tool_actions"], "notebook_edit_tool")
    if dice.one_in(3):
        row["voice_metrics"] = {"message_count": dice.below(40)}


def _users_identity(row: Row) -> object:
    user = row.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return ("group", row.get("rbac_group_id"))


def _breakdown_row(kind: str) -> Callable[[Row, Dice], None]:
    def sparsify_row(row: Row, dice: Dice) -> None:
        for block in BREAKDOWN_BLOCKS:
            if block in row and dice.one_in(4):
                _drop(row, block)
        _office_app(row.get("office_metrics"), dice)
        if kind == "skills":
            _drop(row, *SKILL_SPEND)
            if dice.one_in(3):
                _drop(row, "invocation_count")
            if dice.one_in(2):
                _drop(row, "enable_count")
            for key in ("share_status", "skill_display_name"):
                if dice.one_in(4):
                    _drop(row, key)
        elif kind == "connectors":
            _drop(row, *CONNECTOR_SPLIT)
        elif kind == "plugins" and dice.one_in(3):
            _drop(row, "plugin_id")
        if dice.one_in(3):
            row["chrome_metrics"] = {"distinct_session_count": dice.below(20)}

    return sparsify_row


def _projects_row(row: Row, dice: Dice) -> None:
    if dice.one_in(3):
        _drop(row, "distinct_conversation_count")
    for key in ("created_at", "created_by"):
        if dice.one_in(4):
            _drop(row, key)
    if dice.one_in(3):
        row["archived"] = False


def _session_projects_row(row: Row, dice: Dice) -> None:
    _drop(row, *SKILL_SPEND)
    if dice.one_in(3):
        _drop(row, "distinct_session_count")
    for key in ("created_at", "created_by", "project_status"):
        if dice.one_in(4):
            _drop(row, key)


def _artifacts_row(row: Row, dice: Dice) -> None:
    if dice.one_in(4):
        _drop(row, "published_artifacts_created_count")
    if dice.one_in(3):
        row["preview_count"] = dice.below(10)


def _item_identity(name_field: str) -> Callable[[Row], object]:
    def identity(row: Row) -> object:
        return (
            row.get(name_field),
            row.get("product"),
            row.get("rbac_group_id"),
            row.get("user_id"),
        )

    return identity


def _artifact_identity(row: Row) -> object:
    return (
        row.get("artifact_type"),
        row.get("is_shared"),
        row.get("product"),
        row.get("rbac_group_id"),
        row.get("user_id"),
    )


# --- cost & usage -----------------------------------------------------------------------------


def _cost_row(row: Row, dice: Dice) -> None:
    if dice.one_in(3):
        _drop(row, "list_amount")
    if dice.one_in(3):
        _drop(row, "requests")
    if dice.one_in(3):
        row["amount"] = _as_number(row["amount"])
    if "list_amount" in row and dice.one_in(3):
        row["list_amount"] = _as_number(row["list_amount"])
    if dice.one_in(4):
        row["service_tier"] = "standard"


def _usage_row(row: Row, dice: Dice) -> None:
    for key in ("server_tool_use", "cache_creation", "total_tokens"):
        if dice.one_in(3):
            _drop(row, key)
    if dice.one_in(4):
        _drop(row, "requests")
    if dice.one_in(4):
        row["service_tier"] = "standard"


def _report_identity(row: Row, bucket: object) -> object:
    actor = row.get("actor")
    user = actor.get("user_id") if isinstance(actor, dict) else None
    return (user, bucket, row.get("starting_at"), *(row.get(k) for k in COST_GROUPS))


# --- dispatch ---------------------------------------------------------------------------------

RowFn = Callable[[Row, Dice], None]
_ENGAGEMENT: dict[str, tuple[Callable[[Row], object], RowFn]] = {
    "users": (_users_identity, _users_row),
    "skills": (_item_identity("skill_name"), _breakdown_row("skills")),
    "connectors": (_item_identity("connector_name"), _breakdown_row("connectors")),
    "plugins": (_item_identity("plugin_name"), _breakdown_row("plugins")),
    "apps/chat/projects": (_item_identity("project_id"), _projects_row),
    "projects": (_item_identity("project_id"), _session_projects_row),
    "artifacts": (_artifact_identity, _artifacts_row),
}
_PER_USER: dict[str, RowFn] = {"user_cost_report": _cost_row, "user_usage_report": _usage_row}
_BUCKETED: dict[str, RowFn] = {"cost_report": _cost_row, "usage_report": _usage_row}


def sparsify(
    body: dict[str, Any], endpoint: str, items: Iterable[tuple[str, str]], seed: int
) -> dict[str, Any]:
    """Thin `body` (the dense answer to `endpoint`, e.g. "users", for query `items`) in place.

    Returns the same dict. Rows are recognised by endpoint; an endpoint this module does not
    know is returned unchanged apart from the envelope extra.
    """
    query = query_key(items)
    if Dice(seed, "sparse-envelope", endpoint, query).one_in(2):
        body[EXTRA_ENVELOPE_FIELD] = "2026-10"
    if endpoint == "summaries":
        for row in body.get("summaries", body.get("data", [])):
            for key in [k for k in row if k not in SUMMARY_KEEP]:
                del row[key]
        return body
    rows: list[Row] = body.get("data", [])
    if endpoint in _ENGAGEMENT:
        identity, thin = _ENGAGEMENT[endpoint]
        for row in rows:
            thin(row, Dice(seed, "sparse", endpoint, query, identity(row)))
    elif endpoint in _PER_USER:
        thin = _PER_USER[endpoint]
        for row in rows:
            thin(row, Dice(seed, "sparse", endpoint, query, _report_identity(row, None)))
    elif endpoint in _BUCKETED:
        thin = _BUCKETED[endpoint]
        for bucket in rows:
            start = bucket.get("starting_at")
            for row in bucket.get("results", []):
                thin(row, Dice(seed, "sparse", endpoint, query, _report_identity(row, start)))
    return body
