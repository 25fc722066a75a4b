"""Request checks of the fake Anthropic API: the 400s the real API gives for the mistakes a
tool-use loop makes (unanswered tool_use, stray tool_result, too many cache breakpoints, bad
tool definitions, empty text, unknown fields). Messages mimic the real ones but are not verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from anthropic.types import message_count_tokens_params, message_create_params
from anthropic.types.beta import message_create_params as beta_message_create_params

from tests.fakes.anthropic_tokens import TTL_SECONDS, cache_control_count, segments

__all__ = ["COUNT_TOKENS_FIELDS", "MESSAGES_FIELDS", "ApiError", "validate_body"]

MAX_CACHE_BREAKPOINTS = 4
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
_HEADER_ONLY = {"user_profile_id", "workspace_id", "betas"}


def _fields(*typed_dicts: Any) -> frozenset[str]:
    keys: set[str] = set()
    for typed in typed_dicts:
        keys |= set(typed.__required_keys__) | set(typed.__optional_keys__)
    return frozenset(keys - _HEADER_ONLY)


MESSAGES_FIELDS = _fields(
    message_create_params.MessageCreateParamsBase,
    beta_message_create_params.MessageCreateParamsBase,
) | {"stream"}
"""Body fields the installed SDK can send to /v1/messages (plain and beta); others are 400."""
COUNT_TOKENS_FIELDS = _fields(message_count_tokens_params.MessageCountTokensParams)


class ApiError(Exception):
    """An error answer: HTTP status, `error.type` and `error.message` of the envelope."""

    def __init__(
        self, status: int, error_type: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.message = message
        self.headers = dict(headers or {})
        """Extra response headers (retry-after, x-should-retry)."""


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def validate_body(body: Mapping[str, Any], *, count_tokens: bool = False) -> None:
    """Raise ApiError(400) for the first problem found, like the real API would."""
    allowed = COUNT_TOKENS_FIELDS if count_tokens else MESSAGES_FIELDS
    for key in body:
        if key not in allowed:
            raise _bad(f"{key}: Extra inputs are not permitted")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise _bad("model: Field required")
    if not count_tokens:
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            raise _bad("max_tokens: Field required")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise _bad("max_tokens: Input should be an integer greater than or equal to 1")
        if "stream" in body and not isinstance(body["stream"], bool):
            raise _bad("stream: Input should be a valid boolean")
    _check_system(body.get("system"))
    _check_tools(body.get("tools"), body.get("tool_choice"))
    _check_messages(body.get("messages"))
    _check_cache_control(body)


def _check_system(system: object) -> None:
    if system is None or isinstance(system, str):
        return
    if not isinstance(system, list):
        raise _bad("system: Input should be a valid string or a list of text blocks")
    for i, block in enumerate(system):
        if not isinstance(block, Mapping) or block.get("type") != "text":
            raise _bad(f"system.{i}: Input should be a text block")
        if not block.get("text"):
            raise _bad("system: text content blocks must be non-empty")


def _check_tools(tools: object, tool_choice: object) -> None:
    names: list[str] = []
    if tools is not None:
        if not isinstance(tools, list):
            raise _bad("tools: Input should be a valid list")
        for i, tool in enumerate(tools):
            if not isinstance(tool, Mapping):
                raise _bad(f"tools.{i}: Input should be a valid dictionary")
            if tool.get("type", "custom") != "custom":
                names.append(str(tool.get("name")))
                continue  # server tools (web search, …) have their own shapes
            name = tool.get("name")
            if not isinstance(name, str) or not _TOOL_NAME.match(name):
                raise _bad(
                    f"tools.{i}.custom.name: String should match pattern '{_TOOL_NAME.pattern}'"
                )
            if not isinstance(tool.get("description"), str) or not tool["description"]:
                raise _bad(f"tools.{i}.custom.description: Field required")
            schema = tool.get("input_schema")
            if not isinstance(schema, Mapping):
                raise _bad(f"tools.{i}.custom.input_schema: Field required")
            if schema.get("type") != "object":
                raise _bad(f"tools.{i}.custom.input_schema.type: Input should be 'object'")
            names.append(name)
        if len(set(names)) != len(names):
            raise _bad("tools: Tool names must be unique.")
    choice: Mapping[str, Any] = tool_choice if isinstance(tool_choice, Mapping) else {}
    if choice.get("type") == "tool" and choice.get("name") not in names:
        raise _bad(f"tool_choice: tool '{choice.get('name')}' not found in tools")


def _content_blocks(i: int, message: Mapping[str, Any], last: bool) -> list[Mapping[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        blocks: list[Mapping[str, Any]] = [{"type": "text", "text": content}] if content else []
    elif isinstance(content, list):
        blocks = []
        for j, block in enumerate(content):
            if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
                raise _bad(f"messages.{i}.content.{j}: Input should be a content block with a type")
            blocks.append(block)
    else:
        raise _bad(f"messages.{i}.content: Input should be a valid string or list of blocks")
    if not blocks and not (last and message.get("role") == "assistant"):
        raise _bad(
            f"messages.{i}: all messages must have non-empty content except for the optional "
            "final assistant message"
        )
    for block in blocks:
        if block["type"] == "text" and not block.get("text"):
            raise _bad("messages: text content blocks must be non-empty")
    return blocks


def _check_messages(messages: object) -> None:
    if messages is None:
        raise _bad("messages: Field required")
    if not isinstance(messages, list):
        raise _bad("messages: Input should be a valid list")
    if not messages:
        raise _bad("messages: at least one message is required")
    seen_ids: set[str] = set()
    pending: list[str] = []  # tool_use ids of the previous assistant turn, still unanswered
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise _bad(f"messages.{i}: Input should be a valid dictionary")
        role = message.get("role")
        if role not in ("user", "assistant", "system"):  # SDK 2.16 types allow system messages
            raise _bad(f"messages.{i}.role: Input should be 'user', 'assistant' or 'system'")
        blocks = _content_blocks(i, message, last=i == len(messages) - 1)
        uses = [str(b.get("id")) for b in blocks if b["type"] == "tool_use"]
        results = [
            (j, str(b.get("tool_use_id")))
            for j, b in enumerate(blocks)
            if b["type"] == "tool_result"
        ]
        if role != "assistant" and uses:
            raise _bad(f"messages.{i}: tool_use blocks are only allowed in assistant messages")
        if role != "user" and results:
            raise _bad(f"messages.{i}: tool_result blocks are only allowed in user messages")
        if role == "system" and any(b["type"] != "text" for b in blocks):
            raise _bad(f"messages.{i}: system messages may only contain text blocks")
        for j, tool_use_id in results:
            if tool_use_id not in pending:
                raise _bad(
                    f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` "
                    f"blocks: {tool_use_id}. Each `tool_result` block must have a corresponding "
                    "`tool_use` block in the previous message."
                )
        if results:
            first_other = next(
                (j for j, b in enumerate(blocks) if b["type"] != "tool_result"), None
            )
            if first_other is not None and first_other < results[-1][0]:
                raise _bad(
                    f"messages.{i}: tool_result blocks must come first in the content; "
                    "text may only follow all of them."
                )
        answered = {tool_use_id for _, tool_use_id in results}
        missing = [tool_use_id for tool_use_id in pending if tool_use_id not in answered]
        if missing:
            raise _bad(
                f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {', '.join(missing)}. Each `tool_use` block must have a "
                "corresponding `tool_result` block in the next message."
            )
        for tool_use_id in uses:
            if tool_use_id in seen_ids:
                raise _bad(f"messages.{i}: `tool_use` ids must be unique: {tool_use_id}")
            seen_ids.add(tool_use_id)
        pending = uses
    if pending:
        raise _bad(
            f"messages.{len(messages) - 1}: `tool_use` ids were found without `tool_result` "
            f"blocks immediately after: {', '.join(pending)}. Each `tool_use` block must have a "
            "corresponding `tool_result` block in the next message."
        )


def _check_cache_control(body: Mapping[str, Any]) -> None:
    found = cache_control_count(body)
    if found > MAX_CACHE_BREAKPOINTS:
        raise _bad(
            f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {found}."
        )
    controls = [body.get("cache_control")] + [
        block.get("cache_control") for block in _marked_blocks(body)
    ]
    for control in controls:
        if control is None:
            continue
        if not isinstance(control, Mapping) or control.get("type") != "ephemeral":
            raise _bad("cache_control.type: Input should be 'ephemeral'")
        if control.get("ttl", "5m") not in TTL_SECONDS:
            raise _bad("cache_control.ttl: Input should be '5m' or '1h'")
    ttls = [part.ttl for part in segments(body) if part.ttl is not None]
    if "1h" in ttls and "5m" in ttls and ttls.index("5m") < len(ttls) - 1 - ttls[::-1].index("1h"):
        raise _bad("cache_control: a ttl='1h' breakpoint may not come after a ttl='5m' one")


def _marked_blocks(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    blocks: list[Mapping[str, Any]] = []
    for key in ("tools", "system"):
        part = body.get(key)
        if isinstance(part, list):
            blocks += [b for b in part if isinstance(b, Mapping)]
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, Mapping) else None
        for block in content if isinstance(content, list) else []:
            if isinstance(block, Mapping):
                blocks.append(block)
                inner = block.get("content") if block.get("type") == "tool_result" else None
                blocks += [b for b in inner or [] if isinstance(b, Mapping)]
    return [b for b in blocks if "cache_control" in b]
