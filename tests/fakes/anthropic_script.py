"""What a test scripts for the fake Anthropic API (replies) and what it reads back (requests).

A script is a list of steps, consumed one per successful `POST /v1/messages`:

    reply(text("Hi"))                                    a fixed reply (end_turn)
    reply(tool_use("spend", {"days": 7}))                stop_reason tool_use, id assigned
    reply(tool_use("a", {}), tool_use("b", {}))          parallel tool calls
    "Hi"                                                 shorthand for reply(text("Hi"))
    lambda request: reply(text(request.tool_results()[0].content))   computed from the request

Callables receive the `RecordedMessagesRequest` (its `usage` and `response` are still None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeAlias

from tests.fakes.anthropic_tokens import Usage, cache_control_count

__all__ = [
    "RecordedMessagesRequest",
    "Reply",
    "Step",
    "StopReason",
    "TextOut",
    "ToolResult",
    "ToolUseOut",
    "reply",
    "text",
    "tool_use",
]

StopReason: TypeAlias = Literal["end_turn", "tool_use", "max_tokens", "stop_sequence"]


@dataclass(frozen=True)
class TextOut:
    """A text block Claude "writes"."""

    text: str


@dataclass(frozen=True)
class ToolUseOut:
    """A tool call Claude "makes"; `id` None → the fake assigns `toolu_01Fake…`."""

    name: str
    input: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None


OutBlock: TypeAlias = TextOut | ToolUseOut


@dataclass(frozen=True)
class Reply:
    """One assistant turn: content blocks in order, and why it stopped."""

    content: tuple[OutBlock, ...]
    stop_reason: StopReason
    stop_sequence: str | None = None

    def __post_init__(self) -> None:
        calls = any(isinstance(block, ToolUseOut) for block in self.content)
        if self.stop_reason == "tool_use" and not calls:
            raise ValueError("stop_reason tool_use needs at least one tool_use block")
        if calls and self.stop_reason == "end_turn":
            raise ValueError("a reply with tool_use blocks stops with tool_use (or max_tokens)")
        if (self.stop_reason == "stop_sequence") != (self.stop_sequence is not None):
            raise ValueError("stop_sequence is given exactly when stop_reason is stop_sequence")


def text(value: str) -> TextOut:
    return TextOut(value)


def tool_use(
    name: str, input: Mapping[str, Any] | None = None, id: str | None = None
) -> ToolUseOut:
    return ToolUseOut(name, dict(input or {}), id)


def reply(
    *blocks: OutBlock | str,
    stop_reason: StopReason | None = None,
    stop_sequence: str | None = None,
) -> Reply:
    """A Reply; strings become text blocks; stop_reason defaults to tool_use if any block calls a
    tool, else end_turn (or stop_sequence when `stop_sequence` is given)."""
    content = tuple(TextOut(b) if isinstance(b, str) else b for b in blocks)
    if stop_reason is None:
        if stop_sequence is not None:
            stop_reason = "stop_sequence"
        elif any(isinstance(block, ToolUseOut) for block in content):
            stop_reason = "tool_use"
        else:
            stop_reason = "end_turn"
    return Reply(content, stop_reason, stop_sequence)


class ToolResult(NamedTuple):
    """A tool_result the request carries: what our bot told Claude a tool returned."""

    tool_use_id: str
    content: str
    """The string content, or the text blocks of a list content joined with newlines."""
    is_error: bool


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        ]
        return "\n".join(str(part) for part in parts)
    return ""


@dataclass(frozen=True)
class RecordedMessagesRequest:
    """One request as the fake received it, with what it answered."""

    index: int
    """Arrival order, from 1, across all endpoints."""
    path: str
    headers: dict[str, str]
    """Lower-cased names."""
    body: dict[str, Any]
    """Parsed JSON body ({} if it was not JSON)."""
    status: int = 200
    error_type: str | None = None
    """`error.type` of the answer when status is not 200 (or a stream error was injected)."""
    error_message: str | None = None
    usage: Usage | None = None
    """What the fake charged; None for failed requests, count_tokens and inside script callables."""
    response: dict[str, Any] | None = None
    """The Message the fake answered with (also for streams: what the events add up to)."""

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def stream(self) -> bool:
        return self.body.get("stream") is True

    @property
    def tools(self) -> list[dict[str, Any]]:
        return list(self.body.get("tools") or [])

    @property
    def tool_names(self) -> list[str]:
        return [str(tool.get("name")) for tool in self.tools]

    @property
    def system_blocks(self) -> list[dict[str, Any]]:
        system = self.body.get("system")
        if isinstance(system, str):
            return [{"type": "text", "text": system}] if system else []
        return list(system or [])

    @property
    def system(self) -> str:
        """The system prompt as text (blocks joined with newlines); "" if there is none."""
        return _text_of(self.system_blocks)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def last_user_text(self) -> str:
        """Text of the last user message (tool_result blocks excluded)."""
        users = [m for m in self.messages if m.get("role") == "user"]
        return _text_of(users[-1].get("content")) if users else ""

    def tool_results(self, *, all_turns: bool = False) -> list[ToolResult]:
        """tool_result blocks of the last message (what Claude is answering now), in order;
        `all_turns=True` → every tool_result in the conversation."""
        chosen = self.messages if all_turns else self.messages[-1:]
        return [
            ToolResult(
                str(b.get("tool_use_id")), _text_of(b.get("content")), b.get("is_error") is True
            )
            for m in chosen
            if isinstance(m.get("content"), list)
            for b in m["content"]
            if isinstance(b, dict) and b.get("type") == "tool_result"
        ]

    @property
    def cache_control_count(self) -> int:
        return cache_control_count(self.body)

    @property
    def api_key(self) -> str | None:
        """The key sent as `x-api-key`, or as `Authorization: Bearer` (what SDK 2.16 sends)."""
        if self.headers.get("x-api-key"):
            return self.headers["x-api-key"]
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" and token else None

    @property
    def retry_count(self) -> int:
        """The SDK's `x-stainless-retry-count`: 0 for a first attempt."""
        return int(self.headers.get("x-stainless-retry-count", "0"))


Step: TypeAlias = Reply | str | Callable[[RecordedMessagesRequest], Reply | str]
"""One script entry: a fixed reply, a text shorthand, or a function of the request."""
