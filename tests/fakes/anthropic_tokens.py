"""Token counting and prompt caching for the fake Anthropic API, the way the real API reports them.

The tokenizer is NOT Claude's: it is a stable approximation chosen so a test can work out the
expected numbers by hand. One "text piece" costs `ceil(utf8_bytes / 4)` tokens (`count_text`), and
a prompt is the sum of its pieces, in the canonical order tools → system → messages:

    custom tool        name + description + compact JSON of input_schema (three pieces)
    other tool         its compact JSON without cache_control (server tools)
    text block         text           (a string `system` or message content is one text block)
    tool_use block     name + compact JSON of input
    tool_result block  its string content, or the sum of its inner blocks
    thinking block     thinking
    any other block    its compact JSON without cache_control (images, documents, …)

No per-message or tool-use-preamble overhead is added. Output tokens: the same pieces over the
reply's text and tool_use blocks, at least 1 (the real API never reports 0 output tokens).

Caching follows the documented prefix model. Every content unit above is a *segment*; a
`cache_control` marks a breakpoint after its segment (a top-level `cache_control` marks the last
segment, like automatic caching). The cache key of a breakpoint is a hash chain over the model and
every segment up to it, exactly as sent (JSON key order counts, cache_control does not). For each
breakpoint the fake looks back over at most 20 segment boundaries (the real lookback window) for an
unexpired entry; the longest hit is `cache_read_input_tokens`. Tokens from there to the last
breakpoint are `cache_creation_input_tokens` (split by the TTL of the breakpoint closing each
stretch), the rest `input_tokens`; the three always add up to the prompt total. Prefixes shorter
than `min_tokens` (the real minimum for Sonnet-class models is 1024) are neither read nor written.
A successful request writes or refreshes every cacheable breakpoint for its TTL (5m or 1h).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LOOKBACK_SEGMENTS",
    "TTL_SECONDS",
    "FakeClock",
    "PromptCache",
    "Segment",
    "Usage",
    "cache_control_count",
    "compact",
    "count_text",
    "output_tokens",
    "prompt_tokens",
    "segments",
]

TTL_SECONDS: Mapping[str, float] = {"5m": 300.0, "1h": 3600.0}
LOOKBACK_SEGMENTS = 20


def count_text(value: str) -> int:
    """Tokens of one text piece: ceil(UTF-8 bytes / 4)."""
    return math.ceil(len(value.encode("utf-8")) / 4)


def compact(value: object) -> str:
    """JSON as the fake measures and hashes it: no spaces, key order as given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _without_cache_control(block: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in block.items() if k != "cache_control"}


def _ttl(block: object) -> str | None:
    """The TTL of a block's breakpoint, or None; a tool_result's inner blocks count as its own."""
    if not isinstance(block, Mapping):
        return None
    control = block.get("cache_control")
    if isinstance(control, Mapping):
        return str(control.get("ttl", "5m"))
    content = block.get("content")
    if block.get("type") == "tool_result" and isinstance(content, list):
        ttls = [t for t in (_ttl(inner) for inner in content) if t is not None]
        return ttls[-1] if ttls else None
    return None


def block_tokens(block: Mapping[str, Any]) -> int:
    kind = block.get("type")
    if kind == "text":
        return count_text(str(block.get("text", "")))
    if kind in ("tool_use", "server_tool_use"):
        return count_text(str(block.get("name", ""))) + count_text(compact(block.get("input", {})))
    if kind == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            return count_text(content)
        if isinstance(content, list):
            return sum(block_tokens(inner) for inner in content if isinstance(inner, Mapping))
        return 0
    if kind == "thinking":
        return count_text(str(block.get("thinking", "")))
    return count_text(compact(_without_cache_control(block)))


def tool_tokens(tool: Mapping[str, Any]) -> int:
    if tool.get("type", "custom") != "custom":
        return count_text(compact(_without_cache_control(tool)))
    return (
        count_text(str(tool.get("name", "")))
        + count_text(str(tool.get("description", "")))
        + count_text(compact(tool.get("input_schema", {})))
    )


@dataclass(frozen=True)
class Segment:
    """One cacheable unit of the prompt: a tool, a system block or a message content block."""

    key: str
    """What the prefix hash covers: where the unit sits (tool/system/role) and its exact JSON."""
    tokens: int
    ttl: str | None
    """The TTL of a `cache_control` breakpoint right after this unit, if there is one."""


def _blocks(content: object) -> list[Mapping[str, Any]]:
    """A string content is one text block; a list keeps its dict blocks."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if isinstance(content, list):
        return [block for block in content if isinstance(block, Mapping)]
    return []


def segments(body: Mapping[str, Any]) -> list[Segment]:
    """The prompt in canonical order tools → system → messages, one segment per unit."""
    out: list[Segment] = []
    for tool in body.get("tools") or []:
        if isinstance(tool, Mapping):
            key = "tool:" + compact(_without_cache_control(tool))
            out.append(Segment(key, tool_tokens(tool), _ttl(tool)))
    for block in _blocks(body.get("system")):
        key = "system:" + compact(_without_cache_control(block))
        out.append(Segment(key, block_tokens(block), _ttl(block)))
    for message in body.get("messages") or []:
        if not isinstance(message, Mapping):
            continue
        role = str(message.get("role"))
        for block in _blocks(message.get("content")):
            key = f"{role}:" + compact(_without_cache_control(block))
            out.append(Segment(key, block_tokens(block), _ttl(block)))
    automatic = body.get("cache_control")
    if isinstance(automatic, Mapping) and out and out[-1].ttl is None:
        last = out[-1]
        out[-1] = Segment(last.key, last.tokens, str(automatic.get("ttl", "5m")))
    return out


def prompt_tokens(body: Mapping[str, Any]) -> int:
    """Total input tokens of a request body (what count_tokens answers)."""
    return sum(segment.tokens for segment in segments(body))


def output_tokens(blocks: Iterable[Mapping[str, Any]]) -> int:
    """Output tokens of reply content blocks (API JSON shape); never below 1."""
    return max(1, sum(block_tokens(block) for block in blocks))


def cache_control_count(body: Mapping[str, Any]) -> int:
    """Every `cache_control` in the request (the limit is 4): the top-level one, tools, system
    blocks, message content blocks and the blocks inside a tool_result."""

    def marked(block: object) -> int:
        if not isinstance(block, Mapping):
            return 0
        own = 1 if isinstance(block.get("cache_control"), Mapping) else 0
        inner = block.get("content") if block.get("type") == "tool_result" else None
        return own + (sum(marked(b) for b in inner) if isinstance(inner, list) else 0)

    total = 1 if isinstance(body.get("cache_control"), Mapping) else 0
    for key in ("tools", "system"):
        part = body.get(key)
        total += sum(marked(item) for item in part) if isinstance(part, list) else 0
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, Mapping) else None
        total += sum(marked(block) for block in content) if isinstance(content, list) else 0
    return total


@dataclass(frozen=True)
class Usage:
    """What the fake charged for one request (or a sum of requests)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        """input + cache creation + cache read: the whole prompt, as the API docs define it."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
            self.ephemeral_5m_input_tokens + other.ephemeral_5m_input_tokens,
            self.ephemeral_1h_input_tokens + other.ephemeral_1h_input_tokens,
        )

    def to_api(self, *, output_tokens: int | None = None) -> dict[str, Any]:
        """The `usage` object of a Message (output_tokens overridable for message_start)."""
        return {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.ephemeral_5m_input_tokens,
                "ephemeral_1h_input_tokens": self.ephemeral_1h_input_tokens,
            },
            "output_tokens": self.output_tokens if output_tokens is None else output_tokens,
            "service_tier": "standard",
        }


class FakeClock:
    """A monotonic clock a test moves by hand, to expire cache entries without sleeping."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class _Breakpoint:
    position: int
    tokens: int
    """Prompt tokens up to and including the segment at `position`."""
    ttl: str


class PromptCache:
    """Prefix-hash cache with TTLs; `charge` prices one request's prompt and updates the cache."""

    def __init__(self, clock: Callable[[], float], min_tokens: int) -> None:
        self._clock = clock
        self._min_tokens = min_tokens
        self._entries: dict[str, tuple[float, float]] = {}
        """prefix hash → (expiry, ttl seconds)"""
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def charge(self, model: str, parts: list[Segment]) -> Usage:
        """Input-side usage of a successful request; output_tokens is left at 0."""
        hashes: list[str] = []
        cumulative: list[int] = []
        digest = hashlib.sha256(f"model:{model}".encode()).hexdigest()
        running = 0
        for part in parts:
            digest = hashlib.sha256(f"{digest}\n{part.key}".encode()).hexdigest()
            running += part.tokens
            hashes.append(digest)
            cumulative.append(running)
        points = [
            _Breakpoint(i, cumulative[i], part.ttl)
            for i, part in enumerate(parts)
            if part.ttl is not None and cumulative[i] >= self._min_tokens
        ]
        with self._lock:
            now = self._clock()
            hit = -1
            for point in points:
                for position in range(
                    point.position, max(point.position - LOOKBACK_SEGMENTS, hit), -1
                ):
                    if self._entries.get(hashes[position], (-math.inf, 0.0))[0] > now:
                        hit = position
                        break
            if hit >= 0:  # reading an entry refreshes it
                ttl = self._entries[hashes[hit]][1]
                self._entries[hashes[hit]] = (now + ttl, ttl)
            read = cumulative[hit] if hit >= 0 else 0
            created = {"5m": 0, "1h": 0}
            previous = read
            for point in points:
                if point.position > hit:
                    created[point.ttl] = created.get(point.ttl, 0) + point.tokens - previous
                    previous = point.tokens
                ttl = TTL_SECONDS.get(point.ttl, TTL_SECONDS["5m"])
                self._entries[hashes[point.position]] = (now + ttl, ttl)
        creation = created["5m"] + created["1h"]
        return Usage(
            input_tokens=running - read - creation,
            cache_creation_input_tokens=creation,
            cache_read_input_tokens=read,
            ephemeral_5m_input_tokens=created["5m"],
            ephemeral_1h_input_tokens=created["1h"],
        )
