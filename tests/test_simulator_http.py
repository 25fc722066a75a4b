"""The simulator's HTTP behaviour: auth, error envelope, request ids, counting and faults."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.simulator.server import RunningSimulator
from tests.sim_fixtures import API_PREFIX, api_client

USERS: dict[str, str | int] = {"date": "2026-11-17", "limit": 5}


def _assert_envelope(response: httpx.Response, status: int, error_type: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == error_type
    assert body["request_id"].startswith("req_")
    assert response.headers["request-id"] == body["request_id"]
    return str(body["error"]["message"])


def test_missing_and_wrong_key_are_401(simulator: RunningSimulator) -> None:
    with httpx.Client(base_url=simulator.base_url + API_PREFIX) as bare:
        message = _assert_envelope(bare.get("/users", params=USERS), 401, "authentication_error")
        assert "x-api-key" in message
    with api_client(simulator, key="wrong-key") as client:
        _assert_envelope(client.get("/users", params=USERS), 401, "authentication_error")


def test_header_name_is_case_insensitive(simulator: RunningSimulator) -> None:
    with httpx.Client(base_url=simulator.base_url + API_PREFIX) as bare:
        response = bare.get("/users", params=USERS, headers={"X-Api-Key": "demo-key"})
    assert response.status_code == 200
    assert response.headers["request-id"].startswith("req_")


def test_noscope_key_is_403(make_simulator: Callable[..., RunningSimulator]) -> None:
    sim = make_simulator(api_key="demo-key-noscope")
    with api_client(sim, key="demo-key-noscope") as client:
        message = _assert_envelope(client.get("/users", params=USERS), 403, "permission_error")
    assert "read:analytics" in message


def test_unknown_path_is_404_envelope(simulator: RunningSimulator) -> None:
    with api_client(simulator) as client:
        _assert_envelope(client.get("/usage"), 404, "not_found_error")


def test_request_counts_include_errors(simulator: RunningSimulator) -> None:
    with api_client(simulator) as client:
        client.get("/users", params=USERS)
        client.get("/users", params={"date": "bad"})
        client.get("/summaries", params={"starting_date": "2026-11-10"})
    with api_client(simulator, key="nope") as client:
        client.get("/users", params=USERS)
    counts = httpx.get(simulator.base_url + "/_sim/requests").json()
    assert counts == {f"{API_PREFIX}/users": 3, f"{API_PREFIX}/summaries": 1}
    assert simulator.request_counts() == counts
    httpx.post(simulator.base_url + "/_sim/reset-counts")
    assert httpx.get(simulator.base_url + "/_sim/requests").json() == {}


def test_rate_limit_answers_429_with_retry_after(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(rate_limit=0.5)  # bucket of one request, refilled every 2 s
    with api_client(sim) as client:
        assert client.get("/users", params=USERS).status_code == 200
        response = client.get("/users", params=USERS)
    _assert_envelope(response, 429, "rate_limit_error")
    assert int(response.headers["retry-after"]) >= 1


def test_fail_rate_injects_5xx_deterministically(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    statuses = []
    for _ in range(2):
        sim = make_simulator(fail_rate=0.5)
        with api_client(sim) as client:
            statuses.append([client.get("/users", params=USERS).status_code for _ in range(20)])
    assert statuses[0] == statuses[1]
    failures = [s for s in statuses[0] if s != 200]
    assert 3 <= len(failures) <= 17
    assert set(failures) <= {500, 503, 529}


def test_latency_is_injected(make_simulator: Callable[..., RunningSimulator]) -> None:
    sim = make_simulator(latency_ms=150)
    with api_client(sim) as client:
        response = client.get("/users", params=USERS)
    assert response.elapsed.total_seconds() >= 0.15


def test_same_request_gives_same_bytes(make_simulator: Callable[..., RunningSimulator]) -> None:
    bodies = []
    for _ in range(2):
        sim = make_simulator()
        with api_client(sim) as client:
            requests: tuple[tuple[str, dict[str, str | int]], ...] = (
                ("/users", {"date": "2026-11-17", "limit": 7}),
                ("/cost_report", {"starting_at": "2026-11-01T00:00:00Z", "group_by[]": "model"}),
            )
            for path, params in requests:
                bodies.append(client.get(path, params=params).content)
    assert bodies[:2] == bodies[2:]


@pytest.mark.parametrize(
    "path",
    [
        "/users",
        "/summaries",
        "/apps/chat/projects",
        "/skills",
        "/connectors",
        "/plugins",
        "/artifacts",
        "/user_usage_report",
        "/user_cost_report",
        "/usage_report",
        "/cost_report",
    ],
)
def test_every_endpoint_answers(simulator: RunningSimulator, path: str) -> None:
    params = (
        {"starting_at": "2026-11-10T00:00:00Z", "ending_at": "2026-11-12T00:00:00Z"}
        if path.endswith("report")
        else {"starting_date": "2026-11-10"}
        if path == "/summaries"
        else {"date": "2026-11-17"}
    )
    with api_client(simulator) as client:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()


def test_wrong_anthropic_version_is_400(simulator: RunningSimulator) -> None:
    with api_client(simulator) as client:
        response = client.get("/users", params=USERS, headers={"anthropic-version": "2099-01-01"})
    message = _assert_envelope(response, 400, "invalid_request_error")
    assert "2023-06-01" in message


def test_simulate_command_is_registered() -> None:
    import typer
    from typer.testing import CliRunner

    from bot.simulator.cli import register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps typer from collapsing to a single command
        """Unused."""

    result = CliRunner().invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--users", "--days", "--seed", "--latency-ms", "--fail-rate"):
        assert option in result.output


def test_simulate_on_a_port_in_use_is_one_sentence(simulator: RunningSimulator) -> None:
    import subprocess
    import sys
    from urllib.parse import urlsplit

    port = urlsplit(simulator.base_url).port
    done = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"error: Cannot listen on 127.0.0.1:{port}: Address already in use. "
        "Choose another --port (0 picks a free one).\n"
    )
