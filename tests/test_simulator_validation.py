"""Every documented request rule answers 400 invalid_request_error with a message that says why."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.sim_fixtures import SIM_NOW, api_client

TS = "2026-11-01T00:00:00Z"
MANY = [("filter[]", f"user_id:user_{i}") for i in range(101)]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with start_simulator(SimConfig(users=40, now=SIM_NOW)) as sim, api_client(sim) as c:
        yield c


@pytest.fixture(scope="module")
def legacy_client() -> Iterator[httpx.Client]:
    config = SimConfig(users=40, now=SIM_NOW, legacy=True)
    with start_simulator(config) as sim, api_client(sim) as c:
        yield c


CASES: list[tuple[str, Any, str]] = [
    ("/users", {"date": "2026-11-1"}, "YYYY-MM-DD"),
    ("/users", {"date": "2026-02-30"}, "YYYY-MM-DD"),
    ("/users", {"date": "2026-11-10", "starting_date": "2026-11-01"}, "cannot be used together"),
    ("/users", {"date": "2025-12-31"}, "2026-01-01"),
    ("/users", {"date": "2026-11-20"}, "date must be on or before 2026-11-19"),
    ("/users", {"starting_date": "2026-11-20"}, "starting_date must be on or before 2026-11-19"),
    ("/users", {"starting_date": "2026-11-01", "ending_date": "2026-11-21"}, "2026-11-20"),
    ("/users", {"starting_date": "2026-11-05", "ending_date": "2026-11-05"}, "after starting_date"),
    ("/users", {"ending_date": "2026-11-05", "date": "2026-11-01"}, "only allowed together"),
    ("/users", {}, "required"),
    ("/users", {"date": "2026-11-10", "limit": "0"}, "between 1 and 1000"),
    ("/users", {"date": "2026-11-10", "limit": "1001"}, "between 1 and 1000"),
    ("/users", {"date": "2026-11-10", "limit": "ten"}, "between 1 and 1000"),
    ("/users", {"date": "2026-11-10", "colour": "red"}, "unknown query parameter"),
    ("/users", [("date", "2026-11-10"), ("date", "2026-11-11")], "more than once"),
    ("/users", {"date": "2026-11-10", "filter[]": "team:x"}, "unsupported filter dimension"),
    ("/users", {"date": "2026-11-10", "filter[]": "user_id"}, "dimension:value"),
    ("/users", {"date": "2026-11-10", "group_by[]": "product"}, "unsupported value"),
    ("/users", [("date", "2026-11-10"), *MANY], "at most 100"),
    ("/users", {"date": "2026-11-10", "order_by": "cost"}, "order_by"),
    (
        "/users",
        {
            "date": "2026-11-10",
            "filter[]": "project_id:claude_proj_x",
            "group_by[]": "rbac_group_id",
        },
        "project_id cannot be combined",
    ),
    ("/summaries", {}, "starting_date: required"),
    ("/summaries", {"starting_date": "2026-11-20"}, "on or before 2026-11-19"),
    ("/summaries", {"starting_date": "2026-11-01", "ending_date": "2026-11-21"}, "on or before"),
    ("/summaries", {"starting_date": "2026-11-01", "filter[]": "user_id:u"}, "unsupported filter"),
    ("/summaries", {"starting_date": "2026-11-01", "limit": "0"}, "between 1 and 1000"),
    ("/summaries", {"starting_date": "2026-11-01", "page": "abc"}, "page"),
    ("/apps/chat/projects", {"date": "2026-11-10", "group_by[]": "product"}, "product"),
    ("/apps/chat/projects", {"date": "2026-11-10", "filter[]": "product:chat"}, "product"),
    ("/artifacts", {"date": "2026-11-10", "group_by[]": "artifact_type"}, "unsupported value"),
    ("/artifacts", {"date": "2026-11-10", "filter[]": "product:office_agent"}, "office_agent"),
    ("/projects", {"date": "2026-11-10", "group_by[]": "product"}, "unsupported value"),
    ("/projects", {"date": "2026-11-10", "filter[]": "product:chat"}, "unsupported filter"),
    ("/artifacts", {"starting_date": "2026-11-10"}, "unknown query parameter"),
    ("/artifacts", {"date": "2026-11-10", "page": "abc"}, "only valid with group_by"),
    ("/plugins", {"date": "2026-11-10", "filter[]": "product:chat"}, "unsupported value"),
    ("/skills", {"date": "2026-11-10", "filter[]": "share_status:secret"}, "share_status"),
    ("/cost_report", {}, "starting_at: required"),
    ("/cost_report", {"starting_at": "2026-11-01"}, "RFC 3339"),
    ("/cost_report", {"starting_at": "2026-11-01T00:00:00"}, "RFC 3339"),
    ("/cost_report", {"starting_at": "2025-12-31T00:00:00Z"}, "2026-01-01T00:00:00Z"),
    ("/cost_report", {"starting_at": "2026-09-01T00:00:00Z", "ending_at": TS}, "at most 31"),
    ("/cost_report", {"starting_at": TS, "ending_at": "2026-10-31T00:00:00Z"}, "after starting"),
    ("/cost_report", {"starting_at": TS, "bucket_width": "2d"}, "bucket_width"),
    ("/cost_report", {"starting_at": TS, "bucket_width": "1d", "limit": "32"}, "between 1 and 31"),
    ("/usage_report", {"starting_at": TS, "bucket_width": "1h", "limit": "169"}, "and 168"),
    ("/usage_report", {"starting_at": TS, "bucket_width": "1m", "limit": "257"}, "and 256"),
    ("/usage_report", {"starting_at": TS, "group_by[]": "cost_type"}, "unsupported value"),
    ("/cost_report", {"starting_at": TS, "group_by[]": "team"}, "unsupported value"),
    ("/cost_report", {"starting_at": TS, "inference_geos[]": "eu"}, "inference_geos"),
    ("/cost_report", {"starting_at": TS, "order_by": "amount"}, "unknown query parameter"),
    ("/cost_report", {"starting_at": TS, "products": "chat"}, "products[]"),
    ("/cost_report", [("starting_at", TS), *[("models[]", "m")] * 101], "at most 100"),
    ("/user_cost_report", {"starting_at": TS, "limit": "1001"}, "between 1 and 1000"),
    ("/user_cost_report", {"starting_at": TS, "bucket_width": "1d"}, "ending_at: required"),
    (
        "/user_usage_report",
        {"starting_at": TS, "ending_at": "2026-11-02T00:00:01Z", "bucket_width": "1m"},
        "24 hours",
    ),
    ("/user_usage_report", {"starting_at": TS, "order_by": "amount"}, "order_by"),
    ("/user_cost_report", {"starting_at": TS, "exclude_deleted_users": "yes"}, "true or false"),
]


LEGACY_CASES: list[tuple[str, Any, str]] = [
    ("/users", {"date": "2026-11-18"}, "date must be on or before 2026-11-17"),
    ("/users", {"starting_date": "2026-11-19"}, "starting_date must be on or before 2026-11-17"),
    ("/summaries", {"starting_date": "2026-10-01", "ending_date": "2026-11-02"}, "at most 31"),
    ("/summaries", {"starting_date": "2026-11-18"}, "on or before 2026-11-17"),
    ("/summaries", {"starting_date": "2026-11-01", "limit": "5"}, "unknown query parameter"),
    ("/artifacts", {"date": "2026-11-10", "group_by[]": "product"}, "product"),
    ("/skills", {"date": "2026-11-10", "filter[]": "product:chat_cowork_unified"}, "unsupported"),
]
"""The original guide's rules, kept by `--legacy`: a three-day lag, 31-day summaries, no
`limit` on `/summaries`, no product dimension on `/artifacts`, no Chat and Cowork unified."""


def test_summaries_span_up_to_366_days_today_but_31_in_legacy_mode(
    client: httpx.Client, legacy_client: httpx.Client
) -> None:
    long = {"starting_date": "2026-01-01", "ending_date": "2026-11-19"}
    assert client.get("/summaries", params=long).status_code == 200
    assert legacy_client.get("/summaries", params=long).status_code == 400
    over = client.get("/summaries", params={"starting_date": "2026-01-01"})
    assert over.status_code == 200  # the default end: the latest available day + 1
    assert over.json()["data"][-1]["starting_at"].startswith("2026-11-19")


def test_new_projects_are_not_found_for_a_legacy_org(legacy_client: httpx.Client) -> None:
    response = legacy_client.get("/projects", params={"date": "2026-11-10"})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


@pytest.mark.parametrize(("path", "params", "needle"), LEGACY_CASES)
def test_legacy_rule_is_enforced(
    legacy_client: httpx.Client, path: str, params: Any, needle: str
) -> None:
    response = legacy_client.get(path, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["type"] == "invalid_request_error"
    assert needle in body["error"]["message"], body["error"]["message"]


@pytest.mark.parametrize(("path", "params", "needle"), CASES)
def test_rule_is_enforced(client: httpx.Client, path: str, params: Any, needle: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert needle in error["message"]


def test_limits_at_their_bounds_are_accepted(client: httpx.Client) -> None:
    for path, params in (
        ("/users", {"date": "2026-11-10", "limit": "1000"}),
        ("/cost_report", {"starting_at": TS, "bucket_width": "1d", "limit": "31"}),
        ("/usage_report", {"starting_at": TS, "bucket_width": "1m", "limit": "256"}),
        ("/user_cost_report", {"starting_at": TS, "limit": "1"}),
    ):
        assert client.get(path, params=params).status_code == 200, (path, params)


def test_more_than_365_days_back_is_rejected(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(now=datetime(2027, 6, 1, tzinfo=UTC))
    with api_client(sim) as client:
        for path, params in (
            ("/users", {"date": "2026-05-01"}),
            ("/cost_report", {"starting_at": "2026-05-01T00:00:00Z"}),
        ):
            response = client.get(path, params=params)
            assert response.status_code == 400
            assert "365 days" in response.json()["error"]["message"]
