"""`/healthz` and `/readyz` of a real `claude-usage serve` tell the truth (issue 23).

Issue 23 cut the Slack socket and found `/healthz` still saying `{"ok": true}` 20 s later, so
an orchestrator never restarted a disconnected bot. Here the local Socket Mode stand-in cuts the
link (closing it, or going silent like a dead network path) and refuses to reconnect: `/readyz`
must turn 503 well within 30 s, then 200 again once the bot has reconnected by itself. The ping
interval is set low (`CLAUDE_USAGE_SLACK_PING_SECONDS`) so this takes a second or two, not 15.
"""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.store.runs import finish_run, start_run
from bot.store.schema import open_store
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import SECRET
from tests.fakes.socket_mode import FakeSocketMode
from tests.serve_process import Served, free_port, kill, start_serve

pytest_plugins = ["tests.fakes.slack_fixtures"]

APP_TOKEN = "xapp-1-A0FAKE-123-abc"
PING_S = 0.5


def probes_logged(served: Served) -> list[str]:
    return [line for line in served.lines if "GET /readyz" in line or "GET /healthz" in line]


def ready(response: httpx.Response) -> bool:
    return response.status_code == 200


def unready(response: httpx.Response) -> bool:
    return response.status_code == 503


@pytest.fixture
def socket_serve(
    tmp_path: Path, synced_store_path: Path
) -> Iterator[tuple[Served, FakeSocketMode]]:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(store),
            "CLAUDE_USAGE_SLACK_PING_SECONDS": str(PING_S),
            "PORT": str(free_port()),
        }
        served = start_serve(env, tmp_path)
        try:
            served.wait_line("Slack app running in socket mode")
            yield served, socket_mode
            assert served.stop(signal.SIGTERM) < 10
            assert served.process.returncode == 0
        finally:
            kill(served)


@pytest.mark.parametrize("cut", ["drop", "silent"])
def test_readyz_follows_the_slack_socket(
    socket_serve: tuple[Served, FakeSocketMode], cut: str
) -> None:
    served, socket_mode = socket_serve
    body = served.poll("/readyz", ready).json()
    assert body["ready"] is True
    assert body["checks"] == {
        "store": "ok",
        "scheduler": "running",
        "slack": "connected",
        "stopping": False,
    }
    assert httpx.get(served.url("/healthz")).json() == {"ok": True, "mode": "socket"}

    socket_mode.refuse(True)
    cut_at = time.monotonic()
    if cut == "drop":
        socket_mode.drop()
    else:
        socket_mode.go_silent()
    down = served.poll("/readyz", unready, timeout=30).json()
    took = time.monotonic() - cut_at
    assert down["ready"] is False
    assert down["checks"]["slack"] in ("stale", "disconnected")
    if cut == "silent":
        # Seen from the pongs, before the SDK itself gives up on the socket (4 pings).
        assert down["checks"]["slack"] == "stale", down
        assert took < 4 * PING_S + 1.0
    assert httpx.get(served.url("/healthz")).status_code == 200  # alive all along

    socket_mode.refuse(False)
    back = served.poll("/readyz", ready, timeout=30).json()
    assert back["checks"]["slack"] == "connected"
    socket_mode.wait_connections(2)
    assert not probes_logged(served)


def test_readyz_in_http_mode_says_what_an_operator_asks(
    tmp_path: Path, synced_store_path: Path
) -> None:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    db = open_store(str(store))
    failed_at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    run = start_run(db, failed_at)
    finish_run(db, run, finished_at=failed_at, outcome="failed", error_kind="credentials",
               error="The Analytics API rejected the key (401): invalid x-api-key.")  # fmt: skip
    db.close()
    with FakeSlack() as fake:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "CLAUDE_USAGE_DB": str(store),
            "PORT": str(free_port()),
        }
        served = start_serve(env, tmp_path)
        try:
            served.wait_line("Slack app on port")
            body = served.poll("/readyz", ready).json()
            assert body["mode"] == "http"
            assert body["checks"]["slack"] == "http"
            assert body["sync"]["last_ok_at"].startswith("2026-11-20T12:00")  # the fixture's sync
            assert body["sync"]["last_ok_age_seconds"] > 0
            assert body["sync"]["failing"] == 1
            assert body["sync"]["last_error"] == {
                "at": "2026-11-21T09:00:00Z",
                "kind": "credentials",
                "message": "The Analytics API rejected the key (401): invalid x-api-key.",
            }
            assert body["data"]["watermark"] is not None
            assert body["data"]["activity_through"] == "2026-11-19"  # synced Nov 20: a day late

            store.rename(tmp_path / "moved.db")  # the store goes away: not ready, still alive
            gone = served.poll("/readyz", unready).json()
            assert gone["checks"]["store"].startswith("error: cannot open")
            assert httpx.get(served.url("/healthz")).json() == {"ok": True, "mode": "http"}
            (tmp_path / "moved.db").rename(store)
            served.poll("/readyz", ready)
            assert httpx.post(served.url("/slack/events"), content=b"unsigned").status_code == 401
            assert served.stop(signal.SIGTERM) < 10
        finally:
            kill(served)
    assert served.process.returncode == 0
    assert not probes_logged(served)
    assert [line for line in served.lines if "POST /slack/events" in line]  # others are logged
