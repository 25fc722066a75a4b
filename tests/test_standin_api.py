"""The independent stand-in serves what it promises, over real HTTP: auth, errors, its own page
sizes, cursors bound to their parameters, sparse engagement rows, request counting.

These prove the stand-in behaves as specified, not that the bot's client copes with it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.standin_api import API_PREFIX, RunningStandin
from tests.fakes.standin_helpers import standin_client, walk
from tests.fakes.standin_paging import paginate

pytest_plugins = ["tests.fakes.standin_fixtures"]

DAY = "2026-11-17"  # the latest available engagement day at now = 2026-11-20T12:00Z, lag 3
PAGED = ("/users", "/apps/chat/projects", "/skills", "/connectors")


def _error(response: httpx.Response, status: int, error_type: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == error_type
    assert body["request_id"] == response.headers["request-id"]
    return str(body["error"]["message"])


def _rows(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for page in pages for row in page["data"]]


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_requests_without_the_key_get_the_error_envelope(
    standin: RunningStandin, key: str | None
) -> None:
    headers = {} if key is None else {"x-api-key": key}
    url = standin.base_url + API_PREFIX + "/users"
    response = httpx.get(url, params={"date": DAY}, headers=headers)
    assert "x-api-key" in _error(response, 401, "authentication_error")
    with standin_client(standin) as client:
        assert client.get("/users", params={"date": DAY}).status_code == 200


def test_header_name_is_case_insensitive(standin: RunningStandin) -> None:
    url = standin.base_url + API_PREFIX + "/skills"
    response = httpx.get(url, params={"date": DAY}, headers={"X-Api-Key": "standin-key"})
    assert response.status_code == 200


def test_dates_before_2026_and_unknown_paths_are_rejected(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        _error(client.get("/users", params={"date": "2025-12-31"}), 400, "invalid_request_error")
        _error(client.get("/users", params={}), 400, "invalid_request_error")
        _error(client.get("/users", params={"date": "17/11/2026"}), 400, "invalid_request_error")
        summaries = client.get("/summaries", params={"starting_date": "2025-12-20"})
        _error(summaries, 400, "invalid_request_error")
        _error(client.get("/nope"), 404, "not_found_error")
        _error(client.get("/plugins", params={"date": DAY}), 403, "permission_error")
        ranged = client.get("/users", params={"starting_date": "2026-11-01"})
        _error(ranged, 400, "invalid_request_error")


@pytest.mark.parametrize("path", PAGED)
def test_too_recent_dates_name_the_latest_available_day(standin: RunningStandin, path: str) -> None:
    with standin_client(standin) as client:
        message = _error(
            client.get(path, params={"date": "2026-11-18"}), 400, "invalid_request_error"
        )
        assert message == "date must be on or before 2026-11-17"
        assert client.get(path, params={"date": DAY}).status_code == 200


def test_lag_days_is_configurable(make_standin: Callable[..., RunningStandin]) -> None:
    with standin_client(make_standin(lag_days=1)) as client:
        message = _error(
            client.get("/users", params={"date": "2026-11-20"}), 400, "invalid_request_error"
        )
        assert "2026-11-19" in message
        assert client.get("/users", params={"date": "2026-11-19"}).status_code == 200


@pytest.mark.parametrize("limit", [0, 1001, "ten"])
def test_limit_out_of_range_is_a_400(standin: RunningStandin, limit: int | str) -> None:
    with standin_client(standin) as client:
        response = client.get("/users", params={"date": DAY, "limit": limit})
        assert "limit" in _error(response, 400, "invalid_request_error")


def test_pages_are_capped_short_and_end_only_on_a_null_cursor(
    make_standin: Callable[..., RunningStandin],
) -> None:
    api = make_standin(users=80)
    with standin_client(api) as client:
        pages = walk(client, "/users", [("date", DAY), ("limit", 1000)])
        summary = client.get("/summaries", params={"starting_date": DAY}).json()["summaries"]
    sizes = [len(page["data"]) for page in pages]
    assert max(sizes) == 7, sizes  # limit=1000 ignored: the server's own cap
    assert any(0 < size < 7 for size in sizes[:-1]), sizes  # short non-final page
    assert 0 in sizes[:-1], sizes  # even an empty one, with a cursor to go on
    assert all(page["next_page"] for page in pages[:-1])
    emails = [row["user"]["email_address"] for row in _rows(pages)]
    assert emails == sorted(emails)
    assert len(emails) == len(set(emails)) == summary[0]["daily_active_user_count"]


def test_a_page_ending_on_the_last_row_still_hands_out_a_cursor() -> None:
    first = paginate(list(range(7)), limit=100, cap=7, page=None, fingerprint="f")
    assert first.items == list(range(7))
    assert first.next_page is not None
    last = paginate(list(range(7)), limit=100, cap=7, page=first.next_page, fingerprint="f")
    assert last.items == []
    assert last.next_page is None


@pytest.mark.parametrize("path", PAGED)
def test_every_engagement_listing_walks_to_the_end(
    make_standin: Callable[..., RunningStandin], path: str
) -> None:
    api = make_standin(page_cap=2)
    with standin_client(api) as client:
        pages = walk(client, path, [("date", DAY), ("limit", 3)])
    assert len(pages) > 2
    assert all(len(page["data"]) <= 2 for page in pages)
    assert pages[-1]["next_page"] is None


def test_cursors_are_opaque_and_bound_to_their_parameters(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        first = client.get("/users", params={"date": DAY, "limit": 5}).json()
        cursor = first["next_page"]
        assert isinstance(cursor, str)
        assert "{" not in cursor
        assert DAY not in cursor
        same = client.get("/users", params={"date": DAY, "limit": 5, "page": cursor})
        assert same.status_code == 200
        for date, limit in (("2026-11-16", 5), (DAY, 6)):
            response = client.get("/users", params={"date": date, "limit": limit, "page": cursor})
            assert "page cursor" in _error(response, 400, "invalid_request_error")
        elsewhere = client.get("/skills", params={"date": DAY, "limit": 5, "page": cursor})
        assert "page cursor" in _error(elsewhere, 400, "invalid_request_error")
        garbage = client.get("/users", params={"date": DAY, "limit": 5, "page": "not-a-cursor"})
        assert "page cursor" in _error(garbage, 400, "invalid_request_error")


def test_summaries_carry_only_the_six_base_fields(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        params = {"starting_date": "2026-10-20", "ending_date": "2026-11-20"}
        rows = client.get("/summaries", params=params).json()["summaries"]
        default_end = client.get("/summaries", params={"starting_date": "2026-11-10"}).json()
        too_long = client.get(
            "/summaries", params={"starting_date": "2026-10-01", "ending_date": "2026-11-02"}
        )
    keys = {
        "starting_at",
        "ending_at",
        "daily_active_user_count",
        "weekly_active_user_count",
        "monthly_active_user_count",
        "assigned_seat_count",
    }
    assert all(set(row) == keys for row in rows)
    # Days after the latest available one are simply left out.
    assert rows[0]["starting_at"] == "2026-10-20T00:00:00Z"
    assert rows[-1]["starting_at"] == "2026-11-17T00:00:00Z"
    assert default_end["summaries"][-1]["ending_at"] == "2026-11-18T00:00:00Z"
    assert all(r["daily_active_user_count"] <= r["weekly_active_user_count"] for r in rows)
    assert all(r["weekly_active_user_count"] <= r["monthly_active_user_count"] for r in rows)
    assert "31 days" in _error(too_long, 400, "invalid_request_error")


def _all_rows(api: RunningStandin, path: str, days: int = 6) -> list[dict[str, Any]]:
    with standin_client(api) as client:
        return [
            row
            for day in range(17 - days + 1, 18)
            for row in _rows(walk(client, path, [("date", f"2026-11-{day:02d}"), ("limit", 100)]))
        ]


def test_user_rows_are_sparse_and_carry_unknown_fields(standin: RunningStandin) -> None:
    rows = _all_rows(standin, "/users")
    assert all(row["user"]["id"].startswith("user_") for row in rows)
    assert all(row["user"]["email_address"].endswith("@standin.example") for row in rows)
    assert any("cowork_metrics" not in row for row in rows)
    assert any("office_metrics" not in row for row in rows)
    assert any("web_search_count" not in row for row in rows)
    assert all("last_activity_date" not in row for row in rows)
    chats = [row["chat_metrics"] for row in rows if "chat_metrics" in row]
    assert any("thinking_message_count" not in chat for chat in chats)
    assert any(set(row.get("office_metrics", {})) == {"excel"} for row in rows)
    code = [row["claude_code_metrics"] for row in rows if "claude_code_metrics" in row]
    assert any("lines_of_code" not in c["core_metrics"] for c in code)
    assert any("notebook_edit_tool" not in c["tool_actions"] for c in code)
    assert any(row.get("beta_feature_count") == 3 for row in rows)
    assert any("voice_metrics" in row for row in rows)


def test_project_rows_are_sparse_with_hostile_names(standin: RunningStandin) -> None:
    rows = _all_rows(standin, "/apps/chat/projects")
    assert all(row["project_id"].startswith("claude_proj_") for row in rows)
    assert all(isinstance(row["project_name"], str) for row in rows)
    assert "<!channel>" in {row["project_name"] for row in rows}
    for key in ("distinct_user_count", "message_count", "distinct_conversation_count"):
        assert any(key not in row for row in rows), key
    assert any(row.get("created_by") is None and "created_by" in row for row in rows)
    assert any(
        "email_address" not in (row.get("created_by") or {"email_address": 1}) for row in rows
    )
    assert any(row.get("beta_feature_count") == 3 for row in rows)
    assert any("artifact_metrics" in row for row in rows)


def test_skill_rows_are_sparse_with_hostile_names(standin: RunningStandin) -> None:
    rows = _all_rows(standin, "/skills")
    assert "*bold* _it_" in {row["skill_name"] for row in rows}
    assert any("distinct_user_count" not in row for row in rows)
    assert any("office_metrics" not in row for row in rows)
    assert any("cowork_metrics" not in row for row in rows)
    assert any(row.get("chat_metrics") == {} for row in rows)
    assert any(set(row.get("office_metrics", {})) == {"word"} for row in rows)
    assert any(isinstance(row.get("estimated_overage_spend"), int) for row in rows)
    assert any(row.get("beta_feature_count") == 3 for row in rows)
    assert any("voice_metrics" in row for row in rows)


def test_connector_rows_are_sparse_and_split_counts_null_before_may_29(
    standin: RunningStandin,
) -> None:
    rows = _all_rows(standin, "/connectors")
    assert any("distinct_user_count" not in row for row in rows)
    assert any("cowork_metrics" not in row for row in rows)
    assert any(row.get("office_metrics", {}).get("word") == {} for row in rows)
    assert any(isinstance(row.get("read_call_count"), int) for row in rows)
    assert any("chrome_metrics" in row for row in rows)
    with standin_client(standin) as client:
        early = _rows(walk(client, "/connectors", [("date", "2026-05-01"), ("limit", 100)]))
    assert early
    assert all(row.get("read_call_count") is None for row in early)


def test_requests_are_counted_per_path(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        client.get("/users", params={"date": DAY})
        client.get("/users", params={"date": "2026-11-18"})  # a 400 counts too
        client.get("/skills", params={"date": DAY})
    counts = httpx.get(standin.base_url + "/_standin/requests").json()
    assert counts == {API_PREFIX + "/users": 2, API_PREFIX + "/skills": 1}
    assert standin.request_counts()[API_PREFIX + "/users"] == 2
    (recorded, *_) = standin.requests(API_PREFIX + "/users")
    assert recorded.query == [("date", DAY)]
    assert recorded.headers["anthropic-version"] == "2023-06-01"


def test_same_seed_same_answers(make_standin: Callable[..., RunningStandin]) -> None:
    bodies = []
    for seed in (7, 7, 8):
        with standin_client(make_standin(seed=seed)) as client:
            bodies.append(client.get("/skills", params={"date": DAY}).text)
    assert bodies[0] == bodies[1] != bodies[2]


def test_runs_by_hand_until_interrupted() -> None:
    root = Path(__file__).resolve().parent.parent
    command = [
        sys.executable,
        "-m",
        "tests.fakes.standin_api",
        "--port",
        "0",
        "--users",
        "5",
        "--now",
        "2026-11-20T12:00:00Z",
    ]
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        hint = process.stdout.readline()
        headers = {"x-api-key": "standin-key"}
        response = httpx.get(
            base_url + API_PREFIX + "/users", params={"date": DAY}, headers=headers, timeout=30
        )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    assert response.status_code == 200
    assert f"CLAUDE_ANALYTICS_BASE_URL={base_url}" in hint
