"""A local fake of the Anthropic Messages API, for tests that drive the real `anthropic` client.

    with FakeAnthropic(script=[reply(tool_use("spend", {"days": 7})), "Done."]) as fake:
        client = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url)

It binds 127.0.0.1 port 0 in a daemon thread (like tests/fakes/slack_api.py), records every request
whole, and answers:

    POST /v1/messages               scripted replies, as JSON or (`"stream": true`) as SSE
    POST /v1/messages/count_tokens  {"input_tokens": N}, same tokenizer
    GET  /v1/models/{model_id}      the model's info for a model the installed SDK knows (its
                                    `Model` literals) or one added to `models`; else 404

Order of checks, as the real API: credentials (`x-api-key`, or `Authorization: Bearer` which is
what anthropic 2.16 sends for `api_key=`; 401 authentication_error), `anthropic-version` (400), an
injected failure (`fail_next`), the body (tests/fakes/anthropic_validate.py; 400
invalid_request_error), then the next script step. Failed requests consume no step and charge no
tokens. An exhausted script or a raising step answers **500 api_error with `x-should-retry:
false`** (so the SDK does not retry it away) naming the request, and is kept in `script_errors`.
Token and cache accounting: tests/fakes/anthropic_tokens.py. Tests wait with `wait_for` on a
threading.Condition, never by sleeping.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
import typing
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import anthropic.types

from tests.fakes.anthropic_http import (
    COUNT_TOKENS_PATH,
    MESSAGES_PATH,
    MODELS_PATH,
    Answer,
    handler_for,
)
from tests.fakes.anthropic_script import (
    RecordedMessagesRequest,
    Reply,
    Step,
    StopReason,
    TextOut,
    ToolResult,
    ToolUseOut,
    reply,
    text,
    tool_use,
)
from tests.fakes.anthropic_tokens import (
    FakeClock,
    PromptCache,
    Usage,
    count_text,
    output_tokens,
    prompt_tokens,
    segments,
)
from tests.fakes.anthropic_validate import ApiError, validate_body
from tests.fakes.anthropic_wire import error_body, message_json, sse, stream_events
from tests.fakes.loopback import LoopbackServer

__all__ = [
    "COUNT_TOKENS_PATH",
    "MESSAGES_PATH",
    "TEST_API_KEY",
    "FakeAnthropic",
    "FakeClock",
    "RecordedMessagesRequest",
    "Reply",
    "Step",
    "StopReason",
    "TextOut",
    "ToolResult",
    "ToolUseOut",
    "Usage",
    "count_text",
    "prompt_tokens",
    "reply",
    "text",
    "tool_use",
]

TEST_API_KEY = "test-key"


@dataclass(frozen=True)
class _Failure:
    status: int
    error_type: str
    message: str
    retry_after: float | None
    mid_stream: bool


class FakeAnthropic:
    """`with FakeAnthropic(script=[...]) as fake:` → point the SDK at `fake.base_url`.

    `api_key`: the only key accepted (None → any non-empty key). `clock`: seconds, for cache TTLs
    (pass a FakeClock to expire entries). `min_cache_tokens`: shortest cacheable prefix (the real
    API's Sonnet minimum by default; 0 caches anything). `chunk_chars`: size of streamed pieces.
    """

    def __init__(
        self,
        script: Sequence[Step] = (),
        *,
        api_key: str | None = TEST_API_KEY,
        clock: Callable[[], float] = time.monotonic,
        min_cache_tokens: int = 1024,
        chunk_chars: int = 8,
    ) -> None:
        self.api_key = api_key
        self.models: set[str] = set(_sdk_models())
        """Models `GET /v1/models/{id}` knows (the SDK's named ones; add more in a test)."""
        self.chunk_chars = chunk_chars
        self.cache = PromptCache(clock, min_cache_tokens)
        self.script_errors: list[str] = []
        self._cond = threading.Condition()
        self._script: deque[Step] = deque(script)
        self._steps_taken = 0
        self._failures: deque[_Failure] = deque()
        self._requests: list[RecordedMessagesRequest] = []
        self._arrivals = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._tool_ids = itertools.count(1)
        self._server = LoopbackServer(handler_for(self.handle))

    # lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> FakeAnthropic:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        """What the SDK takes as `base_url=` / `ANTHROPIC_BASE_URL` (no /v1: the SDK adds it)."""
        return self._server.url

    # configuration ------------------------------------------------------------------------
    def set_script(self, script: Sequence[Step]) -> None:
        """Replace the steps still to come (recorded requests and the cache stay)."""
        with self._cond:
            self._script = deque(script)

    def add_steps(self, *steps: Step) -> None:
        with self._cond:
            self._script.extend(steps)

    @property
    def steps_left(self) -> int:
        with self._cond:
            return len(self._script)

    def fail_next(
        self,
        status: int,
        error_type: str,
        message: str = "injected by FakeAnthropic",
        *,
        times: int = 1,
        retry_after: float | None = None,
        mid_stream: bool = False,
    ) -> None:
        """Answer the next `times` message requests with this error instead of a reply, e.g.
        `fail_next(529, "overloaded_error")` or `fail_next(429, "rate_limit_error",
        retry_after=0.01)`; `retry_after` sets `retry-after` (whole seconds, rounded up) and
        `retry-after-ms` (which the SDK prefers). `mid_stream=True`: a streaming request gets
        200, message_start, then an `error` event (the SDK raises; it does not retry)."""
        with self._cond:
            for _ in range(times):
                self._failures.append(
                    _Failure(status, error_type, message, retry_after, mid_stream)
                )

    # recording ----------------------------------------------------------------------------
    def requests(self, path: str | None = MESSAGES_PATH) -> list[RecordedMessagesRequest]:
        """Recorded requests to `path` (None → every path), failed ones included, in order."""
        with self._cond:
            return [r for r in self._requests if path is None or r.path == path]

    def wait_for(
        self, count: int = 1, timeout: float = 10.0, *, path: str | None = MESSAGES_PATH
    ) -> list[RecordedMessagesRequest]:
        """Block until `count` requests to `path` arrived; return them (TimeoutError if not)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests(path)) >= count, timeout):
                seen = [(r.path, r.status) for r in self._requests]
                raise TimeoutError(
                    f"waited {timeout}s for {count} request(s) to {path}; saw {seen}"
                )
            return self.requests(path)

    def clear(self) -> None:
        """Forget recorded requests and script errors (the cache and the script stay)."""
        with self._cond:
            self._requests.clear()
            self.script_errors.clear()

    def totals(self) -> Usage:
        """Usage summed over every charged (successful) message request."""
        with self._cond:
            return sum((r.usage for r in self._requests if r.usage is not None), Usage())

    # answering ----------------------------------------------------------------------------
    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Answer one POST; records it before the caller writes any byte back."""
        with self._cond:
            index = next(self._arrivals)
        request_id = f"req_01Fake{index:018d}"
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = RecordedMessagesRequest(
            index, path, headers, body if isinstance(body, dict) else {}
        )
        try:
            record, answer = self._answer(record, body)
        except ApiError as error:
            record = replace(
                record,
                status=error.status,
                error_type=error.error_type,
                error_message=error.message,
            )
            payload = error_body(error.error_type, error.message, request_id)
            answer = Answer(error.status, payload, headers=error.headers)
        answer.headers["request-id"] = request_id
        with self._cond:
            self._requests.append(record)
            self._cond.notify_all()
        return answer

    def _answer(
        self, record: RecordedMessagesRequest, body: object
    ) -> tuple[RecordedMessagesRequest, Answer]:
        key = record.api_key
        if not key:
            raise ApiError(401, "authentication_error", "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            raise ApiError(401, "authentication_error", "invalid x-api-key")
        if not record.headers.get("anthropic-version"):
            raise ApiError(400, "invalid_request_error", "anthropic-version: header is required")
        if record.path.startswith(MODELS_PATH):
            return record, self._model(record.path.removeprefix(MODELS_PATH))
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request_error", "The request body is not valid JSON.")
        if record.path == COUNT_TOKENS_PATH:
            validate_body(body, count_tokens=True)
            return record, Answer(200, {"input_tokens": prompt_tokens(body)})
        with self._cond:
            failure = self._failures.popleft() if self._failures else None
        if failure is not None and not (failure.mid_stream and record.stream):
            raise _injected(failure)
        validate_body(body)
        if failure is not None:
            return self._stream_error(record, body, failure)
        result = self._next_reply(record)
        content = [self._block_json(block) for block in result.content]
        usage = replace(
            self.cache.charge(record.model, segments(body)), output_tokens=output_tokens(content)
        )
        message = message_json(
            message_id=f"msg_01Fake{next(self._message_ids):018d}",
            model=record.model,
            content=content,
            stop_reason=result.stop_reason,
            stop_sequence=result.stop_sequence,
            usage=usage,
        )
        record = replace(record, usage=usage, response=message)
        if record.stream:
            return record, Answer(
                200, events=list(stream_events(message, chunk_chars=self.chunk_chars))
            )
        return record, Answer(200, message)

    def _model(self, model_id: str) -> Answer:
        if model_id not in self.models:
            raise ApiError(404, "not_found_error", f"model: {model_id}")
        info = {
            "type": "model",
            "id": model_id,
            "display_name": model_id.replace("-", " ").title(),
            "created_at": "2026-01-01T00:00:00Z",
        }
        return Answer(200, info)

    def _next_reply(self, record: RecordedMessagesRequest) -> Reply:
        with self._cond:
            step = self._script.popleft() if self._script else None
            taken = self._steps_taken = self._steps_taken + (step is not None)
        if step is None:
            raise self._script_error(
                f"script exhausted: request #{record.index} came after all {taken} steps"
            )
        try:
            result = step(record) if callable(step) else step
        except Exception as error:  # a test's step failing is reported, not swallowed
            message = f"step {taken} raised {error!r} for request #{record.index}"
            raise self._script_error(message) from error
        return reply(result) if isinstance(result, str) else result

    def _script_error(self, message: str) -> ApiError:
        """Kept for the fixture's teardown check; answered as a 500 the SDK will not retry."""
        with self._cond:
            self.script_errors.append(message)
        return ApiError(500, "api_error", f"FakeAnthropic {message}", {"x-should-retry": "false"})

    def _block_json(self, block: TextOut | ToolUseOut) -> dict[str, Any]:
        if isinstance(block, TextOut):
            return {"type": "text", "text": block.text}
        tool_id = block.id or f"toolu_01Fake{next(self._tool_ids):018d}"
        return {"type": "tool_use", "id": tool_id, "name": block.name, "input": dict(block.input)}

    def _stream_error(
        self, record: RecordedMessagesRequest, body: dict[str, Any], failure: _Failure
    ) -> tuple[RecordedMessagesRequest, Answer]:
        """200 + message_start + an `error` event, as when the API overloads mid-stream."""
        usage = Usage(input_tokens=prompt_tokens(body))
        start = message_json(
            message_id=f"msg_01Fake{next(self._message_ids):018d}",
            model=record.model,
            content=[],
            stop_reason=None,
            stop_sequence=None,
            usage=replace(usage, output_tokens=1),
        )
        events = [
            sse("message_start", {"type": "message_start", "message": start}),
            sse("error", error_body(failure.error_type, failure.message, "")),
        ]
        record = replace(record, error_type=failure.error_type, error_message=failure.message)
        return record, Answer(200, events=events)


def _sdk_models() -> list[str]:
    """The model ids the installed anthropic SDK names in its `Model` type."""
    names: list[str] = []
    for arg in typing.get_args(anthropic.types.Model):
        names += [str(v) for v in typing.get_args(arg)]
    return names


def _injected(failure: _Failure) -> ApiError:
    headers: dict[str, str] = {}
    if failure.retry_after is not None:
        headers["retry-after"] = str(max(1, math.ceil(failure.retry_after)))
        headers["retry-after-ms"] = str(round(failure.retry_after * 1000))
    return ApiError(failure.status, failure.error_type, failure.message, headers)
