"""`claude-usage serve` as a real process: refuses to start without credentials, and in HTTP mode
answers signed requests on PORT."""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import ADMIN, SECRET
from tests.fakes.slack_http import SlackSender

pytest_plugins = ["tests.fakes.slack_fixtures"]

ROOT = Path(__file__).resolve().parents[1]


def run_cli(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_without_a_bot_token_says_so(tmp_path: Path) -> None:
    result = run_cli({}, tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: serve will not start, 2 check(s) failed: ")
    assert "Slack bot token: SLACK_BOT_TOKEN is not set (fix: copy the Bot User OAuth" in last
    assert "SLACK_SIGNING_SECRET is not set" in last  # every failure at once
    assert not (tmp_path / "claude-usage.db").exists()  # nothing opened before the check


def test_http_mode_needs_the_signing_secret(tmp_path: Path) -> None:
    result = run_cli({"SLACK_BOT_TOKEN": "xoxb-x"}, tmp_path)
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, synced_store_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    port = free_port()
    with FakeSlack() as fake:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(store),
            "CLAUDE_USAGE_ADMINS": ADMIN,
            "PORT": str(port),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        stderr = process.stderr

        def pump() -> None:
            for line in stderr:
                lines.put(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            while "Slack app on port" not in (line := lines.get(timeout=30)):
                assert "Traceback" not in line, line
            yield f"http://127.0.0.1:{port}", fake
        finally:
            process.terminate()
            process.wait(timeout=30)
            reader.join(timeout=30)  # EOF once the process is gone
            stderr.close()


def test_http_mode_serves_signed_commands_and_healthz(served: tuple[str, FakeSlack]) -> None:
    url, fake = served
    assert httpx.get(url + "/healthz").json() == {"ok": True, "mode": "http"}
    sender = SlackSender(url, SECRET, fake.base_url)
    try:
        response, key = sender.command("help", user_id=ADMIN)
        assert response.status_code == 200
        (reply,) = fake.wait_for("response", where=lambda r: r.path.endswith(key))
        assert "top-spenders" in str(reply.blocks)
        body, _ = sender.command_body("help", user_id=ADMIN)
        forged = sender.post(body, "application/x-www-form-urlencoded", secret="forged")
        assert forged.status_code == 401
    finally:
        sender.close()


def test_socket_mode_serves_healthz_on_port_too(tmp_path: Path, synced_store_path: Path) -> None:
    """The Docker health check calls /healthz on PORT; in socket mode nothing listened there,
    so the container was marked unhealthy for ever."""
    from tests.fakes.socket_mode import FakeSocketMode

    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    port = free_port()
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_APP_TOKEN": "xapp-1-A0FAKE-123-abc",
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(store),
            "PORT": str(port),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        try:
            for line in process.stderr:
                assert "Traceback" not in line, line
                if "running in socket mode" in line:
                    break
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
            assert response.status_code == 200
            assert response.json() == {"ok": True, "mode": "socket"}
            fake.wait_for("apps.connections.open")  # and the socket really is in use
        finally:
            process.terminate()
            process.wait(timeout=30)
            process.stderr.close()
