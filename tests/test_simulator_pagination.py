"""Both pagination styles, cursor binding to the query, cursor expiry, and range-mode 'today'."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import pairwise
from typing import Any

import httpx
import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.sim_fixtures import SIM_NOW, api_client

Params = list[tuple[str, str | int | float | bool | None]]
"""httpx's own query-parameter item type (its list parameter is invariant)."""
Query = dict[str, str | int]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with start_simulator(SimConfig(users=40, now=SIM_NOW)) as sim, api_client(sim) as c:
        yield c


def engagement_pages(client: httpx.Client, path: str, params: Params) -> list[list[Any]]:
    pages, page = [], None
    for _ in range(500):
        query = params + ([("page", page)] if page else [])
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["data"])
        page = body["next_page"]
        if page is None:
            return pages
    raise AssertionError("pagination did not end")


def report_pages(client: httpx.Client, path: str, params: Params) -> list[dict[str, Any]]:
    bodies, page = [], None
    for _ in range(500):
        query = params + ([("page", page)] if page else [])
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        bodies.append(body)
        assert body["has_more"] == (body["next_page"] is not None)
        page = body["next_page"]
        if not body["has_more"]:
            return bodies
    raise AssertionError("pagination did not end")


def test_users_pages_have_no_gaps_or_duplicates(client: httpx.Client) -> None:
    params: Params = [("starting_date", "2026-10-20"), ("ending_date", "2026-11-18")]
    pages = engagement_pages(client, "/users", [*params, ("limit", "3")])
    assert len(pages) > 5
    assert all(len(p) == 3 for p in pages[:-1])
    ids = [row["user"]["id"] for page in pages for row in page]
    assert len(ids) == len(set(ids))
    whole = engagement_pages(client, "/users", [*params, ("limit", "1000")])
    assert len(whole) == 1
    assert ids == [row["user"]["id"] for row in whole[0]]


@pytest.mark.parametrize("path", ["/skills", "/connectors", "/apps/chat/projects", "/plugins"])
def test_breakdown_pages_concatenate_to_the_whole(client: httpx.Client, path: str) -> None:
    params: Params = [("starting_date", "2026-11-01"), ("ending_date", "2026-11-15")]
    small = [r for p in engagement_pages(client, path, [*params, ("limit", "2")]) for r in p]
    (whole,) = engagement_pages(client, path, [*params, ("limit", "1000")])
    assert small == whole
    assert len(whole) > 2


def test_per_user_report_pages_follow_has_more(client: httpx.Client) -> None:
    params: Params = [
        ("starting_at", "2026-11-01T00:00:00Z"),
        ("ending_at", "2026-11-15T00:00:00Z"),
    ]
    bodies = report_pages(client, "/user_cost_report", [*params, ("limit", "4")])
    assert len(bodies) > 3
    assert bodies[-1]["next_page"] is None
    rows = [row for body in bodies for row in body["data"]]
    ids = [row["actor"]["user_id"] for row in rows]
    assert len(ids) == len(set(ids))
    (whole,) = report_pages(client, "/user_cost_report", [*params, ("limit", "1000")])
    assert rows == whole["data"]
    amounts = [float(row["amount"]) for row in rows]
    assert amounts == sorted(amounts, reverse=True)


def test_bucketed_pages_cover_the_range_contiguously(client: httpx.Client) -> None:
    params: Params = [
        ("starting_at", "2026-11-01T00:00:00Z"),
        ("ending_at", "2026-11-04T00:00:00Z"),
        ("bucket_width", "1h"),
        ("limit", "30"),
    ]
    bodies = report_pages(client, "/usage_report", params)
    buckets = [b for body in bodies for b in body["data"]]
    assert [len(body["data"]) for body in bodies] == [30, 30, 12]
    for before, after in pairwise(buckets):
        assert before["ending_at"] == after["starting_at"]
    assert buckets[0]["starting_at"] == "2026-11-01T00:00:00Z"
    assert buckets[-1]["ending_at"] == "2026-11-04T00:00:00Z"


def test_cursor_reused_with_changed_parameters_is_400(client: httpx.Client) -> None:
    first = client.get("/users", params={"date": "2026-11-16", "limit": 2}).json()
    changed = client.get(
        "/users", params={"date": "2026-11-13", "limit": 2, "page": first["next_page"]}
    )
    assert changed.status_code == 400
    assert "page cursor" in changed.json()["error"]["message"]
    report = client.get("/cost_report", params={"starting_at": "2026-11-01T00:00:00Z", "limit": 2})
    cursor = report.json()["next_page"]
    response = client.get(
        "/cost_report",
        params={
            "starting_at": "2026-11-01T00:00:00Z",
            "limit": 2,
            "page": cursor,
            "products[]": "chat",
        },
    )
    assert response.status_code == 400
    assert "page cursor" in response.json()["error"]["message"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJwIjoie30iLCJtIjoiMDAifQ", ""])
def test_forged_cursor_is_400(client: httpx.Client, cursor: str) -> None:
    response = client.get("/users", params={"date": "2026-11-16", "page": cursor})
    assert response.status_code == 400
    assert "page cursor" in response.json()["error"]["message"]


def test_expired_cursor_is_410(make_simulator: Callable[..., RunningSimulator]) -> None:
    sim = make_simulator(cursor_ttl_seconds=60)
    with api_client(sim) as client:
        params: Query = {
            "starting_at": "2026-11-01T00:00:00Z",
            "ending_at": "2026-11-10T00:00:00Z",
            "limit": 2,
        }
        cursor = client.get("/user_usage_report", params=params).json()["next_page"]
        sim.set_now(SIM_NOW + timedelta(seconds=30))
        assert (
            client.get("/user_usage_report", params={**params, "page": cursor}).status_code == 200
        )
        sim.set_now(SIM_NOW + timedelta(seconds=61))
        response = client.get("/user_usage_report", params={**params, "page": cursor})
    assert response.status_code == 410
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert "expired" in response.json()["error"]["message"]


def test_range_mode_today_is_fixed_by_the_first_page(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(cursor_ttl_seconds=10 * 86400)
    with api_client(sim) as client:
        params: Query = {"starting_date": "2026-10-01", "limit": 3}
        whole = client.get("/users", params={**params, "limit": 1000}).json()["data"]
        first = client.get("/users", params=params).json()
        sim.set_now(SIM_NOW + timedelta(days=5))  # "today" moves: more days become available
        rows, page = list(first["data"]), first["next_page"]
        while page:
            body = client.get("/users", params={**params, "page": page}).json()
            rows += body["data"]
            page = body["next_page"]
        moved = client.get("/users", params={**params, "limit": 1000}).json()["data"]

    # Same window (the same people and last active days); their young days' counters may
    # have been revised meanwhile, as today's API revises them.
    def window(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(r["user"]["id"], r["last_activity_date"]) for r in rows]

    assert window(rows) == window(whole)
    assert window(moved) != window(whole)  # a fresh sequence sees the new "today"


def test_exclude_deleted_users_gives_short_pages(client: httpx.Client) -> None:
    params: Params = [
        ("starting_at", "2026-10-25T00:00:00Z"),
        ("ending_at", "2026-11-20T00:00:00Z"),
    ]
    everyone = report_pages(client, "/user_usage_report", [*params, ("limit", "1000")])[0]["data"]
    deleted = {r["actor"]["user_id"] for r in everyone if r["actor"]["deleted"]}
    assert deleted, "the fixture org should have a deleted user with usage in the window"
    for row in everyone:
        if row["actor"]["deleted"]:
            assert row["actor"]["email_address"] is None
            assert row["actor"]["name"] == "Deleted User"
    pages = report_pages(
        client, "/user_usage_report", [*params, ("limit", "5"), ("exclude_deleted_users", "true")]
    )
    kept = [r["actor"]["user_id"] for body in pages for r in body["data"]]
    assert any(len(body["data"]) < 5 for body in pages[:-1])
    assert set(kept) == {r["actor"]["user_id"] for r in everyone} - deleted
