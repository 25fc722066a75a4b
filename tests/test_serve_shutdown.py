"""SIGTERM stops a real `claude-usage serve` cleanly in both modes, even in the middle of a sync
against a slow API: exit code 0 (our handling, not the default action), within 10 s, the answer
in flight delivered, and a store holding whole days and no run left "running" (issue 23).

Issue 23 found socket mode ignoring SIGTERM as PID 1 (every `docker stop` ended in SIGKILL after
the grace period); the old tests only `terminate()`d a child that is not PID 1, which the default
action kills at once. Here `serve` runs as a session leader and must exit 0.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import ADMIN, SECRET
from tests.fakes.slack_http import SlackSender
from tests.fakes.socket_mode import FakeSocketMode
from tests.serve_process import Served, free_port, kill, start_serve
from tests.store_checks import assert_store_consistent

APP_TOKEN = "xapp-1-A0FAKE-123-abc"
BUDGET_S = 10.0


@pytest.fixture
def slow_api() -> Iterator[RunningSimulator]:
    """A simulated Analytics API taking 250 ms a request: a first sync lasts many seconds."""
    with start_simulator(SimConfig(seed=7, users=20, days=60, latency_ms=250)) as sim:
        yield sim


def command_envelope(envelope_id: str, text: str, response_url: str) -> dict[str, object]:
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "team_id": "T0FAKE0001",
            "channel_id": "C0GENERAL1",
            "user_id": ADMIN,
            "command": "/claude-usage",
            "text": text,
            "api_app_id": "A0FAKE0001",
            "response_url": response_url,
            "trigger_id": f"trigger-{envelope_id}",
        },
    }


def wait_for_requests(sim: RunningSimulator, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while sum(sim.request_counts().values()) < count:
        assert time.monotonic() < deadline, f"the sync sent {sim.request_counts()}"
        time.sleep(0.02)  # polling interval only; the request count is what we wait for


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_sigterm_mid_sync_exits_0_within_10_s_with_a_consistent_store(
    mode: str, slow_api: RunningSimulator, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(store),
            "CLAUDE_USAGE_ADMINS": ADMIN,
            "CLAUDE_ANALYTICS_BASE_URL": slow_api.base_url,
            "CLAUDE_ANALYTICS_API_KEY": slow_api.config.api_key,
            "PORT": str(free_port()),
        }
        env.update({"SLACK_APP_TOKEN": APP_TOKEN} if mode == "socket" else {})
        env.update({"SLACK_SIGNING_SECRET": SECRET} if mode == "http" else {})
        served = start_serve(env, tmp_path)
        sender: SlackSender | None = None
        try:
            served.wait_line("Slack app ")
            # A command on the empty store starts the first sync and waits for it to answer.
            if mode == "socket":
                key = "s1"
                socket_mode.send_envelope(
                    command_envelope("env-1", "spend 7d", fake.response_url(key))
                )
                socket_mode.wait_ack("env-1")
            else:
                sender = SlackSender(served.url(""), SECRET, fake.base_url)
                response, key = sender.command("spend 7d", user_id=ADMIN)
                assert response.status_code == 200
            wait_for_requests(slow_api, 30)
            assert assert_store_consistent(store)[-1] == "running"  # mid-sync
            elapsed = served.stop(signal.SIGTERM)
        finally:
            if sender is not None:
                sender.close()
            kill(served)
        assert served.process.returncode == 0, "\n".join(served.lines[-20:])
        assert elapsed < BUDGET_S
        # The answer the command was waiting for still went out, before the process ended.
        working, answer = fake.requests("response")
        assert "Working on it" in working.text
        assert "Working on it" not in answer.text
        assert answer.path.endswith("/" + key)
    outcomes = assert_store_consistent(store)
    assert outcomes == ["stopped"]
    messages = [r["msg"] for r in served.records()]
    assert "received SIGTERM: stopping" in messages
    assert "sync stopped: the service is shutting down" in messages
    assert messages[-1].startswith("stopped cleanly in ")


def test_sigint_stops_an_idle_socket_mode_serve(tmp_path: Path) -> None:
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(tmp_path / "store.db"),
            "PORT": str(free_port()),
        }
        served: Served = start_serve(env, tmp_path)
        try:
            served.wait_line("Slack app running in socket mode")
            socket_mode.wait_connections(1)
            elapsed = served.stop(signal.SIGINT)
        finally:
            kill(served)
    assert served.process.returncode == 0
    assert elapsed < BUDGET_S
    assert [r["msg"] for r in served.records()][-1].startswith("stopped cleanly in ")


def test_a_port_in_use_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    with FakeSlack() as fake, socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(tmp_path / "store.db"),
            "PORT": str(port),
        }
        served = start_serve(env, tmp_path)
        try:
            served.process.wait(timeout=60)
        finally:
            kill(served)
    assert served.process.returncode == 1
    assert served.ended.wait(timeout=30)  # the whole output has been read
    assert served.lines[-1].startswith(f"error: Cannot listen on 0.0.0.0 port {port}: ")
    assert served.lines[-1].endswith(
        "; set PORT to a free port (or CLAUDE_USAGE_HOST to an address of this machine)."
    )


def test_the_probes_listen_only_on_the_address_set(tmp_path: Path) -> None:
    """CLAUDE_USAGE_HOST narrows what `serve` binds (0.0.0.0 by default, for containers): on
    127.0.0.2 the probes answer there and nothing listens on 127.0.0.1."""
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        port = free_port()
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(tmp_path / "store.db"),
            "PORT": str(port),
            "CLAUDE_USAGE_HOST": "127.0.0.2",
        }
        served: Served = start_serve(env, tmp_path)
        try:
            served.wait_line("Slack app running in socket mode")
            with socket.create_connection(("127.0.0.2", port), timeout=5):
                pass
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
            served.stop(signal.SIGTERM)
        finally:
            kill(served)
    assert served.process.returncode == 0
