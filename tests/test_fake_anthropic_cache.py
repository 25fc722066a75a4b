"""The fake Anthropic API prices prompts the way the real one reports them: a cached prefix is read
the second time, a changed one is written anew, entries expire, and a tool loop's moving
breakpoint still reads the previous turn's prefix (the 20-block lookback)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import pytest
from anthropic.types import MessageParam, TextBlockParam, ToolParam, ToolUseBlock

from bot.config import DEFAULT_MODEL
from tests.fakes.anthropic_api import FakeAnthropic, FakeClock, count_text, reply, tool_use
from tests.fakes.anthropic_fixtures import anthropic_client

TOOL: ToolParam = {
    "name": "spend_report",
    "description": "Spend per user over the last N days.",
    "input_schema": {"type": "object", "properties": {"days": {"type": "integer"}}},
}
SYSTEM = "You answer questions about Claude usage with numbers from the tools. " * 70
QUESTION = "How much did we spend last week?"


def _tool_tokens() -> int:
    schema = json.dumps(TOOL["input_schema"], separators=(",", ":"))
    return sum(count_text(p) for p in (TOOL["name"], str(TOOL.get("description")), schema))


def _system(prompt: str = SYSTEM) -> list[TextBlockParam]:
    return [{"type": "text", "text": prompt, "cache_control": {"type": "ephemeral"}}]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeAnthropic]:
    with FakeAnthropic(clock=clock) as running:
        yield running
        assert not running.script_errors


@pytest.fixture
def client(fake: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    with anthropic_client(fake) as sdk:
        yield sdk


def _ask(
    client: anthropic.Anthropic, system: list[TextBlockParam], question: str = QUESTION
) -> anthropic.types.Usage:
    message = client.messages.create(
        model=DEFAULT_MODEL,
        max_tokens=256,
        tools=[TOOL],
        system=system,
        messages=[{"role": "user", "content": question}],
    )
    return message.usage


def test_same_prefix_is_read_and_a_changed_system_prompt_is_written_anew(
    fake: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    fake.set_script(["one", "two", "three"])
    prefix = _tool_tokens() + count_text(SYSTEM)
    assert prefix >= 1024  # the real API's minimum cacheable prefix, which the fake applies

    first = _ask(client, _system())
    assert (first.cache_creation_input_tokens, first.cache_read_input_tokens) == (prefix, 0)
    assert first.cache_creation is not None
    assert first.cache_creation.ephemeral_5m_input_tokens == prefix
    assert first.input_tokens == count_text(QUESTION)

    second = _ask(client, _system())
    assert (second.cache_creation_input_tokens, second.cache_read_input_tokens) == (0, prefix)
    assert second.input_tokens == count_text(QUESTION)

    changed = SYSTEM + "Answer in one sentence."
    third = _ask(client, _system(changed))
    new_prefix = _tool_tokens() + count_text(changed)
    assert (third.cache_creation_input_tokens, third.cache_read_input_tokens) == (new_prefix, 0)

    counted = client.messages.count_tokens(
        model=DEFAULT_MODEL,
        tools=[TOOL],
        system=_system(changed),
        messages=[{"role": "user", "content": QUESTION}],
    )
    assert third.input_tokens + new_prefix == counted.input_tokens
    totals = fake.totals()
    assert totals.cache_read_input_tokens == prefix
    assert totals.cache_creation_input_tokens == prefix + new_prefix
    assert totals.prompt_tokens == sum(
        u.input_tokens + (u.cache_creation_input_tokens or 0) + (u.cache_read_input_tokens or 0)
        for u in (first, second, third)
    )
    assert [r.cache_control_count for r in fake.requests()] == [1, 1, 1]


def test_entries_expire_after_their_ttl_and_reads_refresh_them(
    fake: FakeAnthropic, client: anthropic.Anthropic, clock: FakeClock
) -> None:
    fake.set_script(["a", "b", "c", "d"])
    prefix = _tool_tokens() + count_text(SYSTEM)
    _ask(client, _system())
    clock.advance(299)
    assert _ask(client, _system()).cache_read_input_tokens == prefix
    clock.advance(299)  # 598 s after the write, 299 s after the refreshing read
    assert _ask(client, _system()).cache_read_input_tokens == prefix
    clock.advance(301)
    expired = _ask(client, _system())
    assert (expired.cache_read_input_tokens, expired.cache_creation_input_tokens) == (0, prefix)


def test_one_hour_breakpoints_are_reported_apart(
    fake: FakeAnthropic, client: anthropic.Anthropic, clock: FakeClock
) -> None:
    fake.set_script(["a", "b"])
    system: list[TextBlockParam] = [
        {"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]
    first = _ask(client, system)
    assert first.cache_creation is not None
    assert first.cache_creation.ephemeral_1h_input_tokens == first.cache_creation_input_tokens
    clock.advance(3000)
    assert _ask(client, system).cache_read_input_tokens == first.cache_creation_input_tokens


def test_a_prefix_below_the_minimum_is_not_cached(
    fake: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    fake.set_script(["a", "b"])
    short = _system("You answer questions about Claude usage.")
    for usage in (_ask(client, short), _ask(client, short)):
        assert (usage.cache_creation_input_tokens, usage.cache_read_input_tokens) == (0, 0)


def test_a_tool_loop_with_automatic_caching_reads_the_previous_turn(
    fake: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    """Top-level cache_control marks the last block, so the breakpoint moves every turn; the
    lookback still finds the prefix the previous turn wrote."""
    fake.set_script([reply(tool_use("spend_report", {"days": 7})), "You spent $42."])
    messages: list[MessageParam] = [{"role": "user", "content": QUESTION}]

    def turn() -> anthropic.types.Message:
        return client.messages.create(
            model=DEFAULT_MODEL,
            max_tokens=256,
            cache_control={"type": "ephemeral"},
            tools=[TOOL],
            system=SYSTEM,
            messages=messages,
        )

    first = turn()
    whole_first = _tool_tokens() + count_text(SYSTEM) + count_text(QUESTION)
    assert first.usage.cache_creation_input_tokens == whole_first
    call = first.content[0]
    assert isinstance(call, ToolUseBlock)
    messages += [
        first.to_param(),
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "$42"}],
        },
    ]
    second = turn().usage
    assert second.cache_read_input_tokens == whole_first
    added = count_text(call.name) + count_text(json.dumps(call.input, separators=(",", ":")))
    assert second.cache_creation_input_tokens == added + count_text("$42")
    assert second.input_tokens == 0
