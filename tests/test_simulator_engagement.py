"""Engagement endpoint shapes: filters, grouping, ordering, range mode and org-gated fields."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.sim_fixtures import SIM_NOW, api_client

DAY = "2026-11-10"
RANGE = {"starting_date": "2026-10-20", "ending_date": "2026-11-18", "limit": 1000}


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(SimConfig(users=40, now=SIM_NOW)) as running:
        yield running


@pytest.fixture(scope="module")
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with api_client(sim) as c:
        yield c


def data(client: httpx.Client, path: str, params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


GUIDE_ROW = {
    "user",
    "chat_metrics",
    "claude_code_metrics",
    "cowork_metrics",
    "office_metrics",
    "design_metrics",
    "science_metrics",
    "web_search_count",
    "last_activity_date",
}
TODAY_ROW = GUIDE_ROW | {"distinct_user_count", "chat_cowork_unified_metrics", "claude_tag_metrics"}


@pytest.mark.parametrize("legacy", [False, True])
def test_user_rows_have_every_documented_object(
    client: httpx.Client, make_simulator: Callable[..., RunningSimulator], legacy: bool
) -> None:
    if legacy:
        with api_client(make_simulator(legacy=True)) as other:
            rows = data(other, "/users", {"date": DAY, "limit": 1000})
    else:
        rows = data(client, "/users", {"date": DAY, "limit": 1000})
    assert rows
    emails = [r["user"]["email_address"] for r in rows if r["user"]["email_address"]]
    assert emails == sorted(emails)
    for row in rows:
        assert set(row) == (GUIDE_ROW if legacy else TODAY_ROW)
        assert set(row["user"]) == ({"id", "email_address"} | (set() if legacy else {"type"}))
        core, cowork = row["claude_code_metrics"]["core_metrics"], row["cowork_metrics"]
        assert ("artifacts_created_count" in core) is not legacy
        assert ("artifacts_created_count" in cowork) is not legacy
        assert row["last_activity_date"] == DAY
        assert set(row["office_metrics"]) == {"excel", "powerpoint", "word", "outlook"}
        assert set(row["claude_code_metrics"]["tool_actions"]) == {
            "edit_tool",
            "multi_edit_tool",
            "notebook_edit_tool",
            "write_tool",
        }


def test_range_mode_sums_counters_and_nulls_distincts(client: httpx.Client) -> None:
    rows = data(client, "/users", RANGE)
    row = rows[0]
    assert row["chat_metrics"]["distinct_conversation_count"] is None
    assert isinstance(row["chat_metrics"]["message_count"], int)
    assert row["last_activity_date"] <= "2026-11-17"


def test_users_grouped_by_rbac_group(client: httpx.Client, sim: RunningSimulator) -> None:
    rows = data(client, "/users", {"date": DAY, "group_by[]": "rbac_group_id"})
    assert rows
    names = {g.group_id: g.name for g in sim.org.groups}
    for row in rows:
        assert row["user"] is None
        assert row["distinct_user_count"] >= 1
        if row["rbac_group_id"] is not None:
            assert row["rbac_group_name"] == names[row["rbac_group_id"]]
    total = len(data(client, "/users", {"date": DAY, "limit": 1000}))
    assert sum(r["distinct_user_count"] for r in rows) >= total


def test_user_filters_and_order_by(client: httpx.Client, sim: RunningSimulator) -> None:
    everyone = data(client, "/users", {"date": DAY, "limit": 1000})
    picked = [everyone[0]["user"]["id"], everyone[-1]["user"]["id"]]
    filtered = data(
        client, "/users", [("date", DAY), *(("filter[]", f"user_id:{u}") for u in picked)]
    )
    assert {r["user"]["id"] for r in filtered} == set(picked)
    ranked = data(client, "/users", {"date": DAY, "order_by": "chat_message_count", "limit": 1000})
    counts = [r["chat_metrics"]["message_count"] for r in ranked]
    assert counts == sorted(counts, reverse=True)
    project = next(p for p in sim.org.projects if p.index > 1)
    scoped = data(client, "/users", {**RANGE, "filter[]": f"project_id:{project.project_id}"})
    assert scoped
    for row in scoped:
        assert row["claude_code_metrics"]["core_metrics"]["commit_count"] == 0
        # On a day in Chat and Cowork unified, project activity is counted there instead.
        unified = row["chat_cowork_unified_metrics"]
        assert row["chat_metrics"]["message_count"] + unified["chat"]["message_count"] > 0
        assert unified["sessions"]["message_count"] == 0


@pytest.mark.parametrize("product", ["chat", "claude_code"])
def test_skill_product_filter_matches_product_grouping(client: httpx.Client, product: str) -> None:
    filtered = data(client, "/skills", {**RANGE, "filter[]": f"product:{product}"})
    grouped = data(client, "/skills", {**RANGE, "group_by[]": "product"})
    expected = {
        r["skill_name"]: r["distinct_user_count"] for r in grouped if r["product"] == product
    }
    assert {r["skill_name"]: r["distinct_user_count"] for r in filtered} == expected
    assert all("product" not in r for r in filtered)


def test_breakdown_rows_carry_their_fields(client: httpx.Client) -> None:
    (connector, *_) = data(client, "/connectors", RANGE)
    assert {"read_call_count", "write_call_count", "unclassified_call_count"} <= set(connector)
    (plugin, *_) = data(client, "/plugins", RANGE)
    assert {"plugin_id", "install_count", "invocation_count", "cowork_metrics"} <= set(plugin)
    projects = data(client, "/apps/chat/projects", {"date": DAY, "limit": 1000})
    assert all(p["project_id"].startswith("claude_proj_") for p in projects)
    skills = data(client, "/skills", {"date": DAY, "limit": 1000})
    assert all(s["currency"] == "USD" and s["invocation_count"] >= 1 for s in skills)
    artifacts = data(client, "/artifacts", {"date": DAY})
    assert artifacts
    grouped = data(client, "/artifacts", {"date": DAY, "group_by[]": "user_id", "limit": 1000})
    assert sum(a["artifacts_created_count"] for a in grouped) == sum(
        a["artifacts_created_count"] for a in artifacts
    )


def test_gated_metrics_are_absent_or_null_never_zero(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(gated_metrics=False)
    with api_client(sim) as client:
        summary = client.get("/summaries", params={"starting_date": DAY}).json()["data"][0]
        users = data(client, "/users", {"date": DAY})
        connectors = data(client, "/connectors", {"date": DAY})
        skills = data(client, "/skills", {"date": DAY})
    assert "chat_daily_active_user_count" not in summary
    assert "cowork_daily_active_user_count" in summary
    assert all("last_activity_date" not in r for r in users)
    assert all(r["cowork_metrics"]["file_edit_count"] is None for r in users)
    assert all(r["read_call_count"] is None for r in connectors)
    assert all(r["invocation_count"] is None and r["currency"] is None for r in skills)


def test_bucketed_reports_keep_at_most_100_groups(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(users=300)
    dims = ["product", "model", "context_window", "inference_geo", "speed", "rbac_group_id"]
    params = {"starting_at": "2026-11-10T00:00:00Z", "ending_at": "2026-11-11T00:00:00Z"}
    with api_client(sim) as client:
        body = client.get("/usage_report", params={**params, "group_by[]": dims}).json()
    (bucket,) = body["data"]
    assert len(bucket["results"]) == 100
    totals = [
        sum(r[k] for k in ("uncached_input_tokens", "output_tokens")) for r in bucket["results"]
    ]
    assert totals[0] >= totals[-1]
