"""Handlers: every tool answers in at most 4 KB of JSON, errors are `is_error` sentences, and the
access rule holds in code whatever the model asks for."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.simulator.server import RunningSimulator
from tests.ask_fixtures import ADMIN_ASKER, INJECTION, plant_injection
from tools.compact import MAX_RESULT_BYTES, bounded
from tools.definitions import all_tools
from tools.handlers import PER_USER_REFUSAL, ToolContext, run_tool
from tools.report_tools import Asker

pytest_plugins = ["tests.fakes.slack_fixtures"]

Make = Callable[..., ToolContext]

# Each tool with the inputs that make its result largest: long periods, most rows, groupings.
BIG_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("top_spenders", {"period": "30d", "limit": 25}),
    ("top_spenders", {"period": "2026-10", "by_list_price": True, "limit": 25}),
    ("spend", {"period": "30d", "by": "model"}),
    ("spend", {"period": "2026-10-01..2026-11-19", "by": "cost-type"}),
    ("tokens", {"period": "30d", "by": "token-type"}),
    ("adoption", {"period": "30d"}),
    ("projects", {"period": "30d", "limit": 25}),
    ("skills", {"period": "30d", "limit": 25}),
    ("connectors", {"period": "30d", "limit": 25}),
    ("user_usage", {"person": "me", "period": "30d"}),
    ("my_usage", {"period": "2026-10-01..2026-11-19"}),
    ("compare", {"mode": "month"}),
    ("finance", {}),
    ("data_status", {}),
    ("api_users", {"starting_date": "2026-10-20", "ending_date": "2026-11-18"}),
    ("api_summaries", {"starting_date": "2026-10-01"}),
    ("api_chat_projects", {"starting_date": "2026-10-20"}),
    ("api_projects", {"starting_date": "2026-10-20"}),
    ("api_skills", {"starting_date": "2026-10-20"}),
    ("api_connectors", {"starting_date": "2026-10-20"}),
    ("api_plugins", {"starting_date": "2026-10-20"}),
    ("api_artifacts", {"date": "2026-11-16"}),
    ("api_user_usage_report", {"starting_at": "2026-10-01", "group_by": ["product", "model"]}),
    ("api_user_cost_report", {"starting_at": "2026-10-01",
                              "group_by": ["cost_type", "token_type"]}),
    ("api_usage_report", {"starting_at": "2026-10-01", "group_by": ["product", "model"]}),
    ("api_cost_report", {"starting_at": "2026-11-19", "bucket_width": "1h", "group_by": ["model"]}),
    ("sql", {"sql": "SELECT * FROM user_activity"}),
]  # fmt: skip


@pytest.fixture
def admin_ctx(make_ctx: Make, simulator: RunningSimulator, ask_store_path: Path) -> ToolContext:
    db_email = (
        make_ctx()
        .db.execute("SELECT email FROM directory WHERE email LIKE '%@example.com' LIMIT 1")
        .fetchone()[0]
    )
    admin = Asker(ADMIN_ASKER.user_id, is_admin=True, email=db_email)
    return make_ctx(admin, simulator=simulator)


def test_every_tool_is_exercised_here() -> None:
    assert {name for name, _ in BIG_CALLS} == {spec.name for spec in all_tools(sql_schema="x")}


@pytest.mark.parametrize(("name", "raw"), BIG_CALLS, ids=[f"{n}-{i}" for i, (n, _) in
                                                          enumerate(BIG_CALLS)])  # fmt: skip
def test_no_tool_result_is_over_4kb(admin_ctx: ToolContext, name: str, raw: dict[str, Any]) -> None:
    outcome = run_tool(name, raw, admin_ctx)
    assert not outcome.is_error, outcome.content
    assert len(outcome.content.encode("utf-8")) <= MAX_RESULT_BYTES
    payload = json.loads(outcome.content)
    assert payload["tool"] == name
    assert outcome.summary.startswith(f"{name}(")


API_CALLS = [(name, raw) for name, raw in BIG_CALLS if name.startswith("api_")]


@pytest.fixture
def sparse_ctx(make_ctx: Make, make_simulator: Callable[..., RunningSimulator]) -> ToolContext:
    """An admin whose API is `simulate --sparse`: blocks, counters and list prices left out."""
    return make_ctx(ADMIN_ASKER, simulator=make_simulator(sparse=True))


@pytest.mark.parametrize(("name", "raw"), API_CALLS, ids=[n for n, _ in API_CALLS])
def test_endpoint_tools_answer_responses_that_leave_fields_out(
    sparse_ctx: ToolContext, name: str, raw: dict[str, Any]
) -> None:
    outcome = run_tool(name, raw, sparse_ctx)
    assert not outcome.is_error, outcome.content
    assert len(outcome.content.encode("utf-8")) <= MAX_RESULT_BYTES


def test_sums_cover_what_was_sent_and_say_when_some_rows_left_it_out(
    sparse_ctx: ToolContext,
) -> None:
    by_product = {"starting_at": "2026-11-01", "group_by": ["product"]}
    outcome = run_tool("api_cost_report", by_product, sparse_ctx)
    cost = json.loads(outcome.content)
    usage = json.loads(run_tool("api_user_usage_report", {"starting_at": "2026-11-01"},
                                sparse_ctx).content)  # fmt: skip
    assert cost["total"]["list_price"].startswith("$")
    assert "list_price" in cost["total"]["partly_reported"]
    assert f"list price {cost['total']['list_price']} (partly reported)" in outcome.summary
    assert all("spend" in group for group in cost["by_group"])
    assert usage["total"]["total_tokens"] > 0
    assert "cache_creation.ephemeral_5m_input_tokens" in usage["total"]["partly_reported"]


def test_report_results_carry_the_period_used_and_the_freshness_line(
    admin_ctx: ToolContext,
) -> None:
    payload = json.loads(run_tool("spend", {"period": "last-week"}, admin_ctx).content)
    assert payload["period"] == {"start": "2026-11-09", "end": "2026-11-15", "label": "last week"}
    assert payload["freshness"].startswith("Data (UTC days): activity through")
    assert payload["total"].startswith("$")


def test_a_raw_page_is_summed_not_sent(admin_ctx: ToolContext) -> None:
    payload = json.loads(run_tool("api_user_cost_report", {"starting_at": "2026-11-01"},
                                  admin_ctx).content)  # fmt: skip
    assert payload["people"] > len(payload["top_people"]) == 10
    assert payload["more_people"] == payload["people"] - 10
    assert payload["total"]["spend"].startswith("$")
    assert payload["complete"] is True


def test_bounded_halves_lists_and_says_what_it_left_out() -> None:
    payload = {"tool": "t", "rows": [{"name": "x" * 50, "n": i} for i in range(400)]}
    text = bounded(payload)
    assert len(text.encode()) <= MAX_RESULT_BYTES
    shown = json.loads(text)
    assert len(shown["rows"]) + shown["rows_not_shown"] == 400
    huge = bounded({"tool": "t", "summary": "s", "blob": "é" * 20_000})
    assert len(huge.encode()) <= MAX_RESULT_BYTES


@pytest.mark.parametrize(
    ("name", "raw", "sentence"),
    [
        ("spend", {"period": "2025-12-01..2025-12-31"}, "before 2026-01-01"),
        ("spend", {"period": "banana"}, "is not a period"),
        ("spend", {"period": "7d", "colour": "red"}, "Invalid input"),
        ("api_users", {"date": "2026-11-20"}, "freshest day there can be is 2026-11-19"),
        ("api_summaries", {"starting_date": "2025-12-30"}, "before 2026-01-01"),
        ("api_cost_report", {"starting_at": "2025-06-01"}, "before 2026-01-01"),
        ("api_user_cost_report", {"starting_at": "2026-11-01", "bucket_width": "1m"}, "24 hours"),
        ("sql", {"sql": "DELETE FROM user_cost"}, "Only a SELECT"),
        ("no_such_tool", {}, "no tool named"),
    ],
)
def test_errors_are_sentences_claude_can_recover_from(
    admin_ctx: ToolContext, name: str, raw: dict[str, Any], sentence: str
) -> None:
    outcome = run_tool(name, raw, admin_ctx)
    assert outcome.is_error
    error = json.loads(outcome.content)["error"]
    assert sentence in error
    assert "Traceback" not in error
    assert "Error(" not in error


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("top_spenders", {}),
        ("user_usage", {"person": "someone.else@example.com"}),
        ("compare", {"mode": "week"}),
        ("sql", {"sql": "SELECT email FROM directory"}),
        ("api_users", {"date": "2026-11-10"}),
        ("api_user_cost_report", {"starting_at": "2026-11-01"}),
        ("api_cost_report", {"starting_at": "2026-11-01", "user_ids": ["user_01x"]}),
    ],
)
def test_a_member_is_refused_per_user_data_even_when_the_model_asks(
    make_ctx: Make, simulator: RunningSimulator, member: Asker, name: str, raw: dict[str, Any]
) -> None:
    outcome = run_tool(name, raw, make_ctx(member, simulator=simulator))
    assert outcome.is_error
    assert json.loads(outcome.content)["error"] == PER_USER_REFUSAL
    assert "@" not in outcome.content.replace(str(raw), "")


def test_a_member_sees_their_own_usage_and_organisation_reports(
    make_ctx: Make, member: Asker
) -> None:
    ctx = make_ctx(member)
    mine = json.loads(run_tool("my_usage", {"period": "30d"}, ctx).content)
    assert mine["person"]["email"] == member.email
    also_mine = run_tool("user_usage", {"person": member.email, "period": "30d"}, make_ctx())
    assert json.loads(also_mine.content)["spend"] == mine["spend"]
    for name in ("spend", "adoption", "skills", "finance", "data_status"):
        assert not run_tool(name, {}, ctx).is_error, name


def test_an_injection_in_a_name_is_only_data(
    make_ctx: Make, ask_store_path: Path, member: Asker
) -> None:
    plant_injection(ask_store_path)
    ctx = make_ctx(member)
    for name in ("skills", "projects"):
        outcome = run_tool(name, {"period": "30d", "limit": 25}, ctx)
        assert not outcome.is_error
        names = [row["name"] for row in json.loads(outcome.content)["rows"]]
        assert INJECTION in names
    refused = run_tool("top_spenders", {"period": "30d"}, ctx)
    assert refused.is_error
    assert json.loads(refused.content)["error"] == PER_USER_REFUSAL
