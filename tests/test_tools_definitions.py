"""Tools as data: schemas generated from the command models and the client, offered by role."""

from __future__ import annotations

import inspect
import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from bot.analytics.cli import ENDPOINTS
from bot.analytics.client import AnalyticsClient
from bot.reports.commands import parse_command
from bot.reports.periods import PeriodError
from tests.fakes.anthropic_validate import validate_body
from tools.definitions import REPORTS, all_tools, tool_params, tools_for
from tools.report_tools import Asker

TODAY = date(2026, 11, 20)
ADMIN = Asker("UADMIN0001", is_admin=True, email="admin@example.com")
MEMBER = Asker("UUSER00001", is_admin=False, email="ada@example.com")
REPORT = {tool.name: tool for tool in REPORTS}


@pytest.mark.parametrize(
    ("tool", "raw", "words"),
    [
        ("top_spenders", {"period": "last-week", "limit": 5}, "top-spenders last-week --limit 5"),
        ("top_spenders", {"product": "code", "by_list_price": True},
         "top-spenders --product code --list"),
        ("spend", {"period": "30d", "by": "cost-type"}, "spend 30d by cost-type"),
        ("tokens", {"by": "model"}, "tokens 7d by model"),
        ("adoption", {"period": "mtd"}, "adoption mtd"),
        ("projects", {"period": "2026-10"}, "projects 2026-10"),
        ("skills", {"limit": 3}, "skills --limit 3"),
        ("connectors", {}, "connectors"),
        ("user_usage", {"person": "Ada@Example.com", "period": "last-month"},
         "user Ada@Example.com last-month"),
        ("compare", {"mode": "week"}, "compare week"),
        ("compare", {"mode": "month"}, "compare month"),
        ("compare", {"mode": "period", "period": "30d"}, "compare 30d"),
        ("finance", {}, "finance"),
        ("data_status", {}, "status"),
    ],
)  # fmt: skip
def test_a_report_tool_builds_the_command_the_slash_command_would(
    tool: str, raw: dict[str, object], words: str
) -> None:
    built = REPORT[tool].command(raw, today=TODAY, asker=ADMIN)
    assert built == parse_command(words, today=TODAY)


def test_report_schemas_come_from_the_command_models() -> None:
    schema = REPORT["spend"].input_model.model_json_schema()
    assert schema["properties"]["by"]["anyOf"][0]["enum"] == ["product", "model", "cost-type"]
    assert schema["properties"]["period"]["default"] == "7d"
    assert schema["additionalProperties"] is False
    assert "share" not in schema["properties"]
    assert "name" not in schema["properties"]
    top = REPORT["top_spenders"].input_model.model_json_schema()["properties"]
    assert set(top) == {"period", "by_list_price", "product", "model", "limit"}
    assert top["limit"]["maximum"] == 25


def test_bad_tool_input_fails_with_the_grammar_sentence() -> None:
    with pytest.raises(PeriodError, match="is not a period"):
        REPORT["spend"].command({"period": "banana"}, today=TODAY, asker=ADMIN)
    with pytest.raises(PeriodError, match="2026-01-01"):
        REPORT["spend"].command({"period": "2025-12-01"}, today=TODAY, asker=ADMIN)
    with pytest.raises(ValidationError):
        REPORT["spend"].command({"period": "7d", "by": "colour"}, today=TODAY, asker=ADMIN)
    with pytest.raises(ValidationError):
        REPORT["top_spenders"].command({"limit": 500}, today=TODAY, asker=ADMIN)


def test_one_api_tool_per_client_endpoint_with_its_real_parameters() -> None:
    api = {spec.name: spec for spec in all_tools() if spec.kind == "api"}
    assert set(api) == {f"api_{method}" for method in ENDPOINTS.values()}
    for name, spec in api.items():
        method = getattr(AnalyticsClient, name.removeprefix("api_"))
        expected = set(inspect.signature(method).parameters) - {"self", "limit", "extra_params"}
        assert set(spec.input_model.model_fields) == expected, name
    cost: dict[str, Any] = dict(api["api_cost_report"].param()["input_schema"])
    assert cost["required"] == ["starting_at"]
    assert cost["properties"]["bucket_width"]["enum"] == ["1d", "1h", "1m"]
    assert cost["properties"]["group_by"]["type"] == "array"


def test_members_are_offered_no_per_user_tool() -> None:
    member = {spec.name for spec in tools_for(MEMBER, sql_schema="t(a)")}
    admin = {spec.name for spec in tools_for(ADMIN, sql_schema="t(a)")}
    per_user = {"top_spenders", "user_usage", "compare", "sql", "api_users"}
    per_user |= {"api_user_usage_report", "api_user_cost_report"}
    assert not member & per_user
    assert per_user <= admin
    assert "my_usage" in member
    assert "my_usage" not in admin
    assert {"spend", "adoption", "data_status"} <= member
    # Raw API rows cannot promise groups of five people: every api_* tool is for admins.
    assert not any(name.startswith("api_") for name in member)
    no_api = {spec.name for spec in tools_for(ADMIN, api=False)}
    assert not any(name.startswith("api_") for name in no_api)
    assert "sql" not in no_api


def test_tool_params_are_valid_and_cache_the_whole_list() -> None:
    params = tool_params(tools_for(ADMIN, sql_schema="user_cost(day, user_id)"))
    assert [p.get("cache_control") for p in params[:-1]] == [None] * (len(params) - 1)
    assert params[-1]["cache_control"] == {"type": "ephemeral"}
    body = {"model": "m", "max_tokens": 10, "tools": params, "messages": [
        {"role": "user", "content": "hi"}]}  # fmt: skip
    validate_body(body)  # the fake API's 400 checks: names, descriptions, object schemas
    text = json.dumps(params)
    assert '"title"' not in text  # pydantic titles are dropped: tokens Claude does not need


@pytest.mark.parametrize(
    "rule", ["a day after", "revisable for a few days", "31 days", "30 days", "not reported",
             "list price"]
)  # fmt: skip
def test_descriptions_teach_the_data_rules(rule: str) -> None:
    described = " ".join(spec.description for spec in all_tools())
    assert rule in described
