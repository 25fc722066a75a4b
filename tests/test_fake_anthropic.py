"""The fake Anthropic Messages API answers the real `anthropic` SDK the way the API does: tool use
round trips, parallel calls, streams, the 400s a tool loop can provoke, auth, and retried errors."""

from __future__ import annotations

import json
import threading

import anthropic
import httpx
import pytest
from anthropic.types import (
    InputJSONDelta,
    MessageParam,
    RawContentBlockDeltaEvent,
    TextBlock,
    ToolParam,
    ToolResultBlockParam,
    ToolUseBlock,
)

from bot.config import DEFAULT_MODEL
from tests.fakes.anthropic_api import (
    COUNT_TOKENS_PATH,
    FakeAnthropic,
    RecordedMessagesRequest,
    Reply,
    ToolResult,
    count_text,
    reply,
    text,
    tool_use,
)
from tests.fakes.anthropic_fixtures import anthropic_client

SPEND_TOOL: ToolParam = {
    "name": "spend_report",
    "description": "Spend per user over the last N days.",
    "input_schema": {"type": "object", "properties": {"days": {"type": "integer"}}},
}
USERS_TOOL: ToolParam = {
    "name": "active_users",
    "description": "Active users per day.",
    "input_schema": {"type": "object", "properties": {"days": {"type": "integer"}}},
}
QUESTION: MessageParam = {"role": "user", "content": "How much did we spend last week?"}


def _ask(client: anthropic.Anthropic, messages: list[MessageParam]) -> anthropic.types.Message:
    return client.messages.create(
        model=DEFAULT_MODEL, max_tokens=512, tools=[SPEND_TOOL, USERS_TOOL], messages=messages
    )


def _result(tool_use_id: str, content: str) -> ToolResultBlockParam:
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": content}


def test_tool_use_round_trip_answers_from_the_tool_result(fake_anthropic: FakeAnthropic) -> None:
    def answer(request: RecordedMessagesRequest) -> Reply:
        (result,) = request.tool_results()
        return reply(text(f"You spent {result.content} last week."))

    fake_anthropic.set_script([reply(tool_use("spend_report", {"days": 7})), answer])
    with anthropic_client(fake_anthropic) as client:
        first = _ask(client, [QUESTION])
        assert first.stop_reason == "tool_use"
        (call,) = first.content
        assert isinstance(call, ToolUseBlock)
        assert (call.name, call.input) == ("spend_report", {"days": 7})
        assert call.id.startswith("toolu_")
        turn: MessageParam = {"role": "user", "content": [_result(call.id, "$1,234.50")]}
        final = _ask(client, [QUESTION, first.to_param(), turn])
    assert final.stop_reason == "end_turn"
    assert final.content == [TextBlock(type="text", text="You spent $1,234.50 last week.")]
    first_request, second_request = fake_anthropic.requests()
    assert second_request.tool_results() == [ToolResult(call.id, "$1,234.50", False)]
    assert first_request.tool_names == ["spend_report", "active_users"]
    assert first_request.api_key == "test-key"
    assert first_request.headers["anthropic-version"]
    assert final.usage.output_tokens == count_text("You spent $1,234.50 last week.")
    assert second_request.usage is not None
    assert final.usage.input_tokens == second_request.usage.input_tokens
    assert second_request.response is not None
    assert final.id == second_request.response["id"]


def test_parallel_tool_use_must_all_be_answered(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(
        [
            reply(
                text("Let me check both."),
                tool_use("spend_report", {"days": 7}),
                tool_use("active_users", {"days": 7}),
            ),
            "Both checked.",
        ]
    )
    with anthropic_client(fake_anthropic) as client:
        first = _ask(client, [QUESTION])
        calls = [block for block in first.content if isinstance(block, ToolUseBlock)]
        assert [c.name for c in calls] == ["spend_report", "active_users"]
        assert calls[0].id != calls[1].id
        partial: MessageParam = {"role": "user", "content": [_result(calls[0].id, "$10")]}
        with pytest.raises(anthropic.BadRequestError) as error:
            _ask(client, [QUESTION, first.to_param(), partial])
        assert calls[1].id in error.value.message
        assert error.value.type == "invalid_request_error"
        both: MessageParam = {
            "role": "user",
            "content": [_result(calls[0].id, "$10"), _result(calls[1].id, "3 users")],
        }
        final = _ask(client, [QUESTION, first.to_param(), both])
    assert final.content == [TextBlock(type="text", text="Both checked.")]
    statuses = [r.status for r in fake_anthropic.requests()]
    assert statuses == [200, 400, 200]  # the 400 was not retried and consumed no step


def test_tool_result_without_its_tool_use_is_rejected(fake_anthropic: FakeAnthropic) -> None:
    stray: MessageParam = {"role": "user", "content": [_result("toolu_nope", "42")]}
    with (
        anthropic_client(fake_anthropic) as client,
        pytest.raises(anthropic.BadRequestError) as error,
    ):
        _ask(client, [QUESTION, {"role": "assistant", "content": "Let me look."}, stray])
    assert "toolu_nope" in error.value.message
    assert error.value.body == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": error.value.api_message},
        "request_id": error.value.request_id,
    }


def test_streaming_text_arrives_in_pieces(fake_anthropic: FakeAnthropic) -> None:
    answer = "Spend rose 12% week over week, mostly Claude Code. ✨"
    fake_anthropic.set_script([answer])
    with (
        anthropic_client(fake_anthropic) as client,
        client.messages.stream(model=DEFAULT_MODEL, max_tokens=512, messages=[QUESTION]) as stream,
    ):
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(pieces) > 2
    assert "".join(pieces) == answer
    assert final.content[0].type == "text"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == count_text(answer)
    assert final.usage.input_tokens == count_text(str(QUESTION["content"]))
    (request,) = fake_anthropic.requests()
    assert request.stream


def test_streamed_tool_input_arrives_whole_in_the_final_message(
    fake_anthropic: FakeAnthropic,
) -> None:
    arguments = {"days": 30, "product": "claude_code", "filters": {"team": "R&D", "top": 5}}
    fake_anthropic.set_script([reply(text("Checking."), tool_use("spend_report", arguments))])
    with (
        anthropic_client(fake_anthropic) as client,
        client.messages.stream(
            model=DEFAULT_MODEL, max_tokens=512, tools=[SPEND_TOOL], messages=[QUESTION]
        ) as stream,
    ):
        partials = [
            event.delta.partial_json
            for event in stream
            if isinstance(event, RawContentBlockDeltaEvent)
            and isinstance(event.delta, InputJSONDelta)
        ]
        final = stream.get_final_message()
    assert len(partials) > 3
    assert json.loads("".join(partials)) == arguments
    assert final.stop_reason == "tool_use"
    call = final.content[1]
    assert isinstance(call, ToolUseBlock)
    assert call.input == arguments


def test_sse_events_come_in_the_documented_order(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script([reply(text("Hi"), tool_use("spend_report", {"days": 7}))])
    body = {"model": DEFAULT_MODEL, "max_tokens": 64, "stream": True, "messages": [QUESTION]}
    headers = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=fake_anthropic.base_url) as http:
        response = http.post("/v1/messages", json=body | {"tools": [SPEND_TOOL]}, headers=headers)
    assert response.headers["content-type"].startswith("text/event-stream")
    names = [
        line.removeprefix("event: ")
        for line in response.text.splitlines()
        if line.startswith("event:")
    ]
    assert names[:4] == ["message_start", "ping", "content_block_start", "content_block_delta"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert names.count("content_block_start") == names.count("content_block_stop") == 2


def test_wrong_or_missing_key_is_an_authentication_error(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(["never sent"])
    wrong = anthropic.Anthropic(api_key="sk-wrong", base_url=fake_anthropic.base_url)
    with wrong, pytest.raises(anthropic.AuthenticationError) as error:
        _ask(wrong, [QUESTION])
    assert error.value.type == "authentication_error"
    with httpx.Client(base_url=fake_anthropic.base_url) as http:
        bare = http.post("/v1/messages", json={}, headers={"anthropic-version": "2023-06-01"})
    assert bare.status_code == 401
    assert bare.json()["error"]["type"] == "authentication_error"
    assert fake_anthropic.steps_left == 1
    assert [r.status for r in fake_anthropic.requests()] == [401, 401]


def test_injected_overload_is_retried_by_the_sdk(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(["Back again."])
    fake_anthropic.fail_next(529, "overloaded_error", "Overloaded", retry_after=0.001)
    with anthropic_client(fake_anthropic) as client:
        message = _ask(client, [QUESTION])
    assert message.content == [TextBlock(type="text", text="Back again.")]
    failed, succeeded = fake_anthropic.requests()
    assert (failed.status, failed.error_type, failed.retry_count) == (529, "overloaded_error", 0)
    assert (succeeded.status, succeeded.retry_count) == (200, 1)
    assert failed.usage is None


def test_rate_limit_outlasting_the_retries_surfaces(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(["too late"])
    fake_anthropic.fail_next(429, "rate_limit_error", "Slow down", times=3, retry_after=0.001)
    with (
        anthropic_client(fake_anthropic, max_retries=2) as client,
        pytest.raises(anthropic.RateLimitError) as error,
    ):
        _ask(client, [QUESTION])
    assert error.value.response.headers["retry-after"] == "1"
    assert [r.retry_count for r in fake_anthropic.requests()] == [0, 1, 2]
    assert fake_anthropic.steps_left == 1


def test_an_error_mid_stream_raises_in_the_sdk(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(["kept for the next request"])
    fake_anthropic.fail_next(529, "overloaded_error", "Overloaded", mid_stream=True)
    with (
        anthropic_client(fake_anthropic) as client,
        pytest.raises(anthropic.APIStatusError, match="overloaded_error"),
        client.messages.stream(model=DEFAULT_MODEL, max_tokens=64, messages=[QUESTION]) as stream,
    ):
        stream.get_final_message()
    assert fake_anthropic.steps_left == 1


def test_an_exhausted_script_is_a_loud_unretried_500(fake_anthropic: FakeAnthropic) -> None:
    with (
        anthropic_client(fake_anthropic) as client,
        pytest.raises(anthropic.InternalServerError, match="script exhausted"),
    ):
        _ask(client, [QUESTION])
    assert len(fake_anthropic.requests()) == 1
    assert fake_anthropic.script_errors
    fake_anthropic.clear()  # the fixture fails tests that leave script errors behind


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"extra_body": {"temprature": 0}}, "temprature: Extra inputs are not permitted"),
        ({"tools": [{"name": "x", "input_schema": {"type": "object"}}]}, "description"),
        ({"tools": [SPEND_TOOL, SPEND_TOOL]}, "Tool names must be unique"),
        ({"messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]}, "non-empty"),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": str(n), "cache_control": {"type": "ephemeral"}}
                            for n in range(5)
                        ],
                    }
                ]
            },
            "A maximum of 4 blocks with cache_control may be provided. Found 5.",
        ),
    ],
)
def test_malformed_requests_are_bad_requests(
    fake_anthropic: FakeAnthropic, change: dict[str, object], expected: str
) -> None:
    arguments: dict[str, object] = {
        "model": DEFAULT_MODEL,
        "max_tokens": 64,
        "messages": [QUESTION],
    }
    with (
        anthropic_client(fake_anthropic) as client,
        pytest.raises(anthropic.BadRequestError) as error,
    ):
        client.messages.create(**(arguments | change))  # type: ignore[call-overload]
    assert expected in error.value.message


def test_count_tokens_uses_the_same_tokenizer(fake_anthropic: FakeAnthropic) -> None:
    system = "You report Claude usage."
    with anthropic_client(fake_anthropic) as client:
        counted = client.messages.count_tokens(
            model=DEFAULT_MODEL, system=system, tools=[SPEND_TOOL], messages=[QUESTION]
        )
    schema = json.dumps(SPEND_TOOL["input_schema"], separators=(",", ":"))
    by_hand = sum(
        count_text(piece)
        for piece in (SPEND_TOOL["name"], str(SPEND_TOOL.get("description")), schema, system)
    ) + count_text(str(QUESTION["content"]))
    assert counted.input_tokens == by_hand
    assert len(fake_anthropic.requests(COUNT_TOKENS_PATH)) == 1
    assert fake_anthropic.requests() == []  # count_tokens is no message: nothing charged


def test_wait_for_sees_a_request_made_on_another_thread(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.set_script(["Hello from a worker."])
    answers: list[anthropic.types.Message] = []
    with anthropic_client(fake_anthropic) as client:
        worker = threading.Thread(target=lambda: answers.append(_ask(client, [QUESTION])))
        worker.start()
        (request,) = fake_anthropic.wait_for(1, timeout=10)
        worker.join(timeout=10)
    assert request.last_user_text == QUESTION["content"]
    assert answers[0].usage.output_tokens == count_text("Hello from a worker.")
    assert fake_anthropic.totals().output_tokens == answers[0].usage.output_tokens


def test_a_raising_step_is_reported_not_swallowed(fake_anthropic: FakeAnthropic) -> None:
    def broken(request: RecordedMessagesRequest) -> Reply:
        raise KeyError("no such tool result")

    fake_anthropic.set_script([broken])
    with (
        anthropic_client(fake_anthropic) as client,
        pytest.raises(anthropic.InternalServerError, match="no such tool result"),
    ):
        _ask(client, [QUESTION])
    assert fake_anthropic.script_errors == [
        "step 1 raised KeyError('no such tool result') for request #1"
    ]
    fake_anthropic.clear()


def test_the_sdk_finds_the_fake_through_anthropic_base_url(
    fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_anthropic.set_script(["Configured by environment."])
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with anthropic.Anthropic(max_retries=0) as client:
        client.messages.create(
            model=DEFAULT_MODEL, max_tokens=64, system="Be terse.", messages=[QUESTION]
        )
    (request,) = fake_anthropic.requests()
    assert (request.system, request.model, request.status) == ("Be terse.", DEFAULT_MODEL, 200)
