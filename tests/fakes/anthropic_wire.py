"""The bytes the fake Anthropic API sends: Message JSON, the SSE event sequence of a stream, and
error envelopes, shaped like the real API's (checked against anthropic 2.16's types and its
MessageStream accumulator, which rebuilds the Message from these events)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.fakes.anthropic_tokens import Usage

__all__ = ["error_body", "message_json", "sse", "stream_events"]


def error_body(error_type: str, message: str, request_id: str) -> dict[str, Any]:
    """The error envelope: `{"type": "error", "error": {"type", "message"}, "request_id"}`."""
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    }


def message_json(
    *,
    message_id: str,
    model: str,
    content: list[dict[str, Any]],
    stop_reason: str | None,
    stop_sequence: str | None,
    usage: Usage,
) -> dict[str, Any]:
    """A non-streaming Message body (also the `message` of message_start, with content [])."""
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "stop_details": None,
        "usage": usage.to_api(),
    }


def sse(event: str, data: dict[str, Any]) -> bytes:
    """One server-sent event; `data` carries the same `type` as the event name."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _chunks(value: str, size: int) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), size)] or [""]


def stream_events(message: dict[str, Any], *, chunk_chars: int) -> Iterator[bytes]:
    """The SSE sequence for a finished Message, in the real order:

    message_start (content [], stop_reason null, output_tokens 1) · ping · per block:
    content_block_start (text "" / tool_use with input {}) · content_block_delta×n (text_delta
    pieces of `chunk_chars`; input_json_delta: an empty partial, then the compact JSON in
    pieces) · content_block_stop · message_delta (stop_reason, cumulative usage) · message_stop.
    """
    usage: dict[str, Any] = message["usage"]
    start = dict(message, content=[], stop_reason=None, stop_sequence=None)
    start["usage"] = dict(usage, output_tokens=1)
    yield sse("message_start", {"type": "message_start", "message": start})
    yield sse("ping", {"type": "ping"})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [
                {"type": "text_delta", "text": piece}
                for piece in _chunks(block["text"], chunk_chars)
            ]
        else:
            opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            encoded = json.dumps(block["input"], separators=(",", ":"), ensure_ascii=False)
            deltas = [{"type": "input_json_delta", "partial_json": ""}] + [
                {"type": "input_json_delta", "partial_json": piece}
                for piece in _chunks(encoded, chunk_chars)
            ]
        yield sse(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": opening},
        )
        for delta in deltas:
            yield sse(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        yield sse("content_block_stop", {"type": "content_block_stop", "index": index})
    final_usage = {
        key: usage[key]
        for key in (
            "input_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
            "output_tokens",
        )
    }
    yield sse(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": message["stop_reason"],
                "stop_sequence": message["stop_sequence"],
            },
            "usage": final_usage,
        },
    )
    yield sse("message_stop", {"type": "message_stop"})
