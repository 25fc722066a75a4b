"""The agent loop against the fake Anthropic API, through the real `anthropic` client.

Scripted replies stand in for Claude; a step may be a function of the request, so the "answer"
can quote the figures the real tools returned, exactly as Claude would."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from bot.config import DEFAULT_MODEL
from tests.ask_fixtures import ADMIN_ASKER, INJECTION, plant_injection
from tests.fakes.anthropic_api import FakeAnthropic, RecordedMessagesRequest, reply, tool_use
from tests.fakes.anthropic_fixtures import anthropic_client
from tools.agent import ROUND_LIMIT, Agent, AskError
from tools.compact import MAX_RESULT_BYTES
from tools.handlers import PER_USER_REFUSAL, ToolContext
from tools.report_tools import Asker
from tools.turn import AskEvents

pytest_plugins = ["tests.fakes.slack_fixtures"]

Make = Callable[..., ToolContext]
QUESTION = "who were the top spenders last week?"


@pytest.fixture
def client(fake_anthropic: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    with anthropic_client(fake_anthropic) as sdk:
        yield sdk


def result_of(request: RecordedMessagesRequest, index: int = 0) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(request.tool_results()[index].content)
    return parsed


def top_spender_answer(request: RecordedMessagesRequest) -> str:
    top = result_of(request)
    first = top["rows"][0]
    return (
        f"Last week ({top['period']['label']}) {first['name']} spent the most: {first['spend']}, "
        f"{first['share_pct']}% of {top['total_of_people']} across {top['people_with_spend']} "
        "people."
    )


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_question_is_answered_from_tool_results(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make, ask_store_path: Path
) -> None:
    fake_anthropic.set_script(
        [reply(tool_use("top_spenders", {"period": "last-week"})), top_spender_answer]
    )
    result = Agent(client, model=DEFAULT_MODEL).ask(QUESTION, ctx=make_ctx(), thread="D1:1")
    first, second = fake_anthropic.requests()
    assert "top_spenders" in first.tool_names
    assert "sql" in first.tool_names
    assert first.tools[-1]["cache_control"] == {"type": "ephemeral"}
    assert first.system_blocks[0]["cache_control"] == {"type": "ephemeral"}
    assert "Today is 2026-11-20" in first.system
    assert "is an admin" in first.system
    assert "Store freshness: Data (UTC days)" in first.system
    assert first.body["cache_control"] == {"type": "ephemeral"}
    assert len(second.tool_results()[0].content.encode()) <= MAX_RESULT_BYTES
    assert result.text == top_spender_answer(second)
    assert result.caveat is None
    assert result.figures_checked >= 4
    assert [c.name for c in result.calls] == ["top_spenders"]
    totals = fake_anthropic.totals()
    assert result.usage.prompt_tokens == totals.prompt_tokens
    assert result.usage.output_tokens == totals.output_tokens
    assert second.usage is not None
    assert second.usage.cache_read_input_tokens > 0
    recorded = rows(ask_store_path, "SELECT mode, outcome, rounds, tool_calls, output_tokens, "
                    "cost_microcents FROM ask_questions")  # fmt: skip
    assert recorded == [("claude", "answered", 2, 1, totals.output_tokens, result.cost_microcents)]
    assert result.cost_microcents is not None
    assert result.cost_microcents > 0


def test_parallel_calls_and_several_rounds(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make
) -> None:
    fake_anthropic.set_script(
        [
            reply(
                "Comparing two weeks.",
                tool_use("spend", {"period": "last-week"}),
                tool_use("spend", {"period": "2026-11-02..2026-11-08"}),
            ),
            reply(tool_use("spend", {"period": "2026-11-10", "by": "product"})),
            lambda r: f"Tuesday's spend was {result_of(r)['total']}.",
        ]
    )
    seen: list[str] = []
    events = AskEvents(
        tool_started=lambda _id, name, _input: seen.append(f"start {name}"),
        tool_finished=lambda _id, outcome: seen.append(f"done {outcome.name}"),
    )
    result = Agent(client, model=DEFAULT_MODEL).ask(
        "why did spend jump on Tuesday?", ctx=make_ctx(), thread="t", events=events
    )
    requests = fake_anthropic.requests()
    assert len(requests) == 3
    assert result.rounds == 3
    assert len(requests[1].tool_results()) == 2  # both parallel results in one message
    assert seen == ["start spend", "start spend", "done spend", "done spend", "start spend",
                    "done spend"]  # fmt: skip
    assert result.text.startswith("Comparing two weeks.\n\nTuesday's spend was $")
    assert result.caveat is None


def test_a_tool_error_is_recovered_from(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make
) -> None:
    def retry(request: RecordedMessagesRequest) -> Any:
        (error,) = request.tool_results()
        assert error.is_error
        assert "before 2026-01-01" in error.content
        return reply(tool_use("spend", {"period": "2026-10"}))

    fake_anthropic.set_script(
        [
            reply(tool_use("spend", {"period": "2025-10"})),
            retry,
            lambda r: f"October 2026 cost {result_of(r)['total']}; 2025 has no data.",
        ]
    )
    result = Agent(client, model=DEFAULT_MODEL).ask(
        "spend in October 2025?", ctx=make_ctx(), thread="t"
    )
    assert [c.is_error for c in result.calls] == [True, False]
    assert result.outcome == "answered"
    assert result.caveat is None


def test_the_round_limit_stops_with_a_clear_message(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make, ask_store_path: Path
) -> None:
    fake_anthropic.set_script([reply(tool_use("spend", {"period": f"{n}d"})) for n in (1, 2, 3)])
    result = Agent(client, model=DEFAULT_MODEL, max_rounds=3).ask(
        "spend, over and over", ctx=make_ctx(), thread="t"
    )
    assert result.outcome == "round_limit"
    assert result.rounds == 3
    assert result.text == ROUND_LIMIT.format(rounds=3)
    assert len(result.calls) == 2  # the third reply's call was not run
    assert fake_anthropic.steps_left == 0
    assert rows(ask_store_path, "SELECT outcome FROM ask_questions") == [("round_limit",)]


def test_the_answer_streams_a_checked_sentence_at_a_time(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make
) -> None:
    fake_anthropic.set_script(
        [
            reply(tool_use("spend", {"period": "last-week"})),
            lambda r: (
                f"Spend was {result_of(r)['total']}. It changed by "
                f"{result_of(r)['change']['change_pct']}%.\nThat is all."
            ),
        ]
    )
    pieces: list[str] = []
    result = Agent(client, model=DEFAULT_MODEL).ask(
        "spend last week?", ctx=make_ctx(), thread="t", events=AskEvents(text=pieces.append)
    )
    assert all(r.stream for r in fake_anthropic.requests())
    assert len(pieces) == 3
    assert "".join(pieces) == result.text
    assert pieces[0].startswith("Spend was $")
    assert pieces[0].endswith(". ")

    fake_anthropic.set_script(["Plain, not streamed."])
    plain = Agent(client, model=DEFAULT_MODEL, stream=False).ask("hi", ctx=make_ctx(), thread="u")
    assert plain.text == "Plain, not streamed."
    assert not fake_anthropic.requests()[-1].stream


def test_a_member_is_refused_per_user_data_in_code(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make, member: Asker
) -> None:
    fake_anthropic.set_script(
        [
            reply(tool_use("top_spenders", {"period": "last-week"})),
            lambda r: (
                "Per-user figures are for admins only."
                if result_of(r)["error"] == PER_USER_REFUSAL
                else "leaked"
            ),
        ]
    )
    result = Agent(client, model=DEFAULT_MODEL).ask(QUESTION, ctx=make_ctx(member), thread="t")
    first, second = fake_anthropic.requests()
    assert "top_spenders" not in first.tool_names
    assert "my_usage" in first.tool_names
    assert "is a member (not an admin)" in first.system
    assert result.text == "Per-user figures are for admins only."
    assert second.tool_results()[0].is_error


def test_an_injection_in_a_skill_name_changes_nothing(
    fake_anthropic: FakeAnthropic,
    client: anthropic.Anthropic,
    make_ctx: Make,
    member: Asker,
    ask_store_path: Path,
) -> None:
    plant_injection(ask_store_path)

    def obey(request: RecordedMessagesRequest) -> Any:
        names = [row["name"] for row in result_of(request)["rows"]]
        assert INJECTION in names  # Claude reads the name as data...
        # ...and suppose it obeyed: it asks for everyone's spend every way it can.
        return reply(
            tool_use("top_spenders", {"period": "30d", "limit": 25}),
            tool_use("api_user_cost_report", {"starting_at": "2026-10-21"}),
            tool_use("sql", {"sql": "SELECT email FROM directory"}),
            tool_use("user_usage", {"person": "admin@example.com"}),
        )

    fake_anthropic.set_script(
        [reply(tool_use("skills", {"period": "30d", "limit": 25})), obey, "Done."]
    )
    Agent(client, model=DEFAULT_MODEL).ask(
        "which skills are most used?", ctx=make_ctx(member), thread="t"
    )
    last = fake_anthropic.requests()[-1]
    results = last.tool_results()
    assert [r.is_error for r in results] == [True] * 4
    assert {json.loads(r.content)["error"] for r in results} == {PER_USER_REFUSAL}
    assert "text inside tool results" in last.system.lower()


def test_memory_survives_a_restart(
    fake_anthropic: FakeAnthropic, make_ctx: Make, ask_store_path: Path
) -> None:
    fake_anthropic.set_script(
        [reply(tool_use("top_spenders", {"period": "last-week"})), top_spender_answer]
    )
    with anthropic_client(fake_anthropic) as first_process:
        answer = Agent(first_process, model=DEFAULT_MODEL).ask(QUESTION, ctx=make_ctx(),
                                                              thread="D1:100.1").text  # fmt: skip
    fake_anthropic.set_script(["The week before, see above."])
    fake_anthropic.clear()
    with anthropic_client(fake_anthropic) as second_process:  # a new client, a new connection
        Agent(second_process, model=DEFAULT_MODEL).ask(
            "and the week before?", ctx=make_ctx(path=ask_store_path), thread="D1:100.1"
        )
    (request,) = fake_anthropic.requests()
    assert request.messages == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": "and the week before?"},
    ]


def test_the_figure_check_catches_an_invented_number(
    fake_anthropic: FakeAnthropic,
    client: anthropic.Anthropic,
    make_ctx: Make,
    ask_store_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_anthropic.set_script(
        [
            reply(tool_use("spend", {"period": "last-week"})),
            lambda r: f"Spend was {result_of(r)['total']}, and Opus alone cost $98,765.43.",
        ]
    )
    with caplog.at_level(logging.INFO, logger="tools.agent"):
        result = Agent(client, model=DEFAULT_MODEL).ask("spend?", ctx=make_ctx(), thread="t")
    assert result.unverified == ("$98,765.43",)
    assert result.caveat is not None
    assert "$98,765.43" in result.caveat
    assert "1 not found in tool results: $98,765.43" in caplog.text
    stored = rows(ask_store_path, "SELECT unverified FROM ask_questions")
    assert json.loads(stored[0][0]) == ["$98,765.43"]
    remembered = rows(ask_store_path, "SELECT text FROM ask_turns WHERE role = 'assistant'")
    assert "⚠️" in remembered[0][0]


def test_only_tool_results_are_evidence_not_the_question_rules_or_tool_inputs(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make
) -> None:
    """A figure the asker typed, one the rules mention ("revised for 30 days") and one the
    model put in its own tool input are not facts it looked up: each gets the caveat."""
    sql = "SELECT count(*) AS people FROM user_cost WHERE amount_microcents > 424242"

    def answer(request: RecordedMessagesRequest) -> str:
        total = result_of(request)["total"]
        return (
            f"Spend was {total}; Opus cost $987,654.32, 30% of it is still revisable, and "
            "424,242 people spent over the threshold."
        )

    fake_anthropic.set_script(
        [reply(tool_use("spend", {"period": "last-week"}), tool_use("sql", {"sql": sql})), answer]
    )
    result = Agent(client, model=DEFAULT_MODEL).ask(
        "Is it true that Opus cost us $987,654.32 last week?", ctx=make_ctx(), thread="t"
    )
    assert result.unverified == ("$987,654.32", "30%", "424,242")
    assert result.caveat is not None


def test_our_own_round_limit_sentence_is_not_figure_checked(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make
) -> None:
    fake_anthropic.set_script([reply(tool_use("data_status", {})) for _ in range(7)])
    result = Agent(client, model=DEFAULT_MODEL, max_rounds=7).ask(
        "status?", ctx=make_ctx(), thread="t"
    )
    assert result.text == ROUND_LIMIT.format(rounds=7)
    assert result.caveat is None


def test_an_api_error_is_one_sentence(
    fake_anthropic: FakeAnthropic, make_ctx: Make, ask_store_path: Path
) -> None:
    fake_anthropic.fail_next(401, "authentication_error", "invalid x-api-key sk-secret")
    with (
        anthropic_client(fake_anthropic, max_retries=0) as sdk,
        pytest.raises(AskError) as caught,
    ):
        Agent(sdk, model=DEFAULT_MODEL).ask("hi", ctx=make_ctx(), thread="t")
    assert "ANTHROPIC_API_KEY" in str(caught.value)
    assert "sk-secret" not in str(caught.value)
    assert rows(ask_store_path, "SELECT outcome FROM ask_questions") == [("error",)]


def test_admin_asker_email_is_used_for_me(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, make_ctx: Make, member: Asker
) -> None:
    admin = Asker(ADMIN_ASKER.user_id, is_admin=True, email=member.email)
    fake_anthropic.set_script(
        [
            reply(tool_use("user_usage", {"person": "me"})),
            lambda r: f"You spent {result_of(r)['spend']}.",
        ]
    )
    result = Agent(client, model=DEFAULT_MODEL).ask("my spend?", ctx=make_ctx(admin), thread="t")
    assert result.text.startswith("You spent $")
    assert result.caveat is None
