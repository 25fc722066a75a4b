"""`claude-usage doctor` against the simulator, the local Slack stand-in and the fake Anthropic
API: everything passes, then one thing at a time is broken and exactly that is named, with its
fix. `serve` runs the same checks and refuses to start, naming every failure at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.doctor.analytics import probe_cost_endpoint
from bot.doctor.checks import run_checks
from bot.doctor.model import Report
from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.store.schema import open_store
from bot.store.subscriptions import Subscription, save_subscription
from tests.fakes.anthropic_api import TEST_API_KEY, FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import DIGEST_CHANNEL, SECRET
from tests.serve_process import ROOT, free_port
from tests.unwritable import unwritable_store_path

SUBSCRIBED = "C0SUBSCRB1"
ALERTS = "C0ALERTS01"
NOW = datetime.now(UTC)


@dataclass
class World:
    sim: RunningSimulator
    slack: FakeSlack
    claude: FakeAnthropic
    store: Path

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "db_path": self.store,
            "analytics_base_url": self.sim.base_url,
            "analytics_api_key": self.sim.config.api_key,
            "slack_bot_token": "xoxb-doctor",
            "slack_signing_secret": SECRET,
            "slack_api_url": self.slack.api_url,
            "digest_channels": DIGEST_CHANNEL,
            "alert_channel": ALERTS,
            "anthropic_api_key": TEST_API_KEY,
            "anthropic_base_url": self.claude.base_url,
            **overrides,
        }
        return Settings(**values)

    def env(self, **overrides: str) -> dict[str, str]:
        return {
            "CLAUDE_USAGE_DB": str(self.store),
            "CLAUDE_ANALYTICS_BASE_URL": self.sim.base_url,
            "CLAUDE_ANALYTICS_API_KEY": self.sim.config.api_key,
            "SLACK_BOT_TOKEN": "xoxb-doctor",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "CLAUDE_USAGE_DIGEST_CHANNELS": DIGEST_CHANNEL,
            "CLAUDE_USAGE_ALERT_CHANNEL": ALERTS,
            "ANTHROPIC_API_KEY": TEST_API_KEY,
            "ANTHROPIC_BASE_URL": self.claude.base_url,
            "PORT": str(free_port()),
            **overrides,
        }


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    store = tmp_path / "store.db"
    db = open_store(str(store))
    save_subscription(
        db, Subscription(channel=SUBSCRIBED, kind="daily", at=time(9), tz="UTC"), now=NOW
    )
    db.close()
    with (
        start_simulator(SimConfig(seed=7, users=10, days=40)) as sim,
        FakeSlack() as slack,
        FakeAnthropic() as claude,
    ):
        yield World(sim, slack, claude, store)


def statuses(report: Report) -> dict[str, str]:
    return {f.check: f.status for f in report.findings}


def test_everything_passes_against_the_local_stand_ins(world: World) -> None:
    report = run_checks(world.settings())
    assert report.ok, report.text()
    assert set(statuses(report).values()) == {"ok"}, report.text()
    assert list(statuses(report)) == [
        "store",
        "store schema",
        "Analytics API key",
        "Analytics /cost",
        "Slack bot token",
        "Slack scopes",
        "Slack mode",
        f"channel {SUBSCRIBED}",
        f"channel {DIGEST_CHANNEL}",
        f"channel {ALERTS}",
        "Claude for questions",
    ]
    lines = report.text().splitlines()
    assert len(lines) == len(report.findings)  # one line each
    assert "daily digest" in lines[7]
    assert (world.claude.requests(None)[0].path, len(world.slack.requests("auth.test"))) == (
        "/v1/models/claude-sonnet-5-5",
        1,
    )


def test_an_admin_user_group_needs_its_scope_and_nothing_else_does(world: World) -> None:
    """usergroups:read is not in the manifest: asked for only when a user group makes admins."""
    assert "usergroups:read" not in world.slack.state.scopes
    assert statuses(run_checks(world.settings()))["Slack scopes"] == "ok"
    grouped = run_checks(world.settings(admin_usergroup="S0ADMINS"))
    (finding,) = [f for f in grouped.findings if f.check == "Slack scopes"]
    assert finding.status == "fail"
    assert "lacks usergroups:read" in finding.detail
    assert "CLAUDE_USAGE_ADMIN_USERGROUP" in (finding.fix or "")
    world.slack.state.scopes = (*world.slack.state.scopes, "usergroups:read")
    assert statuses(run_checks(world.settings(admin_usergroup="S0ADMINS")))["Slack scopes"] == "ok"


Breakage = Callable[[World], dict[str, Any]]


def wrong_key(world: World) -> dict[str, Any]:
    return {"analytics_api_key": "sk-ant-admin-not-this-one"}


def missing_scope(world: World) -> dict[str, Any]:
    world.slack.state.scopes = tuple(s for s in world.slack.state.scopes if s != "files:write")
    return {}


def not_in_channel(world: World) -> dict[str, Any]:
    world.slack.leave(DIGEST_CHANNEL)
    return {}


def read_only_store(world: World) -> dict[str, Any]:
    return {"db_path": unwritable_store_path(world.store.parent)}


def unknown_model(world: World) -> dict[str, Any]:
    return {"model": "claude-imaginary-9"}


@pytest.mark.parametrize(
    ("breakage", "check", "named", "fix"),
    [
        (wrong_key, "Analytics API key", "rejected (401)", "CLAUDE_ANALYTICS_API_KEY"),
        (missing_scope, "Slack scopes", "lacks files:write", "reinstall the app"),
        (not_in_channel, f"channel {DIGEST_CHANNEL}", "not a member", "/invite @claude-usage"),
        (read_only_store, "store", "cannot create files in", "CLAUDE_USAGE_DB"),
        (unknown_model, "Claude for questions", "claude-imaginary-9", "CLAUDE_USAGE_MODEL"),
    ],
    ids=["wrong-analytics-key", "missing-scope", "not-in-channel", "read-only-store", "model"],
)
def test_each_fault_is_named_with_its_fix(
    world: World, breakage: Breakage, check: str, named: str, fix: str
) -> None:
    report = run_checks(world.settings(**breakage(world)))
    (failure,) = report.failures
    assert failure.check == check
    assert named in failure.detail
    assert failure.fix is not None
    assert fix in failure.fix
    line = next(line for line in report.text().splitlines() if line.startswith("FAIL"))
    assert line == f"FAIL  {check}: {failure.detail} (fix: {failure.fix})"


def test_the_read_only_store_line_names_the_path_and_the_uid(world: World) -> None:
    path = unwritable_store_path(world.store.parent)
    (failure,) = run_checks(world.settings(db_path=path)).failures
    assert str(path) in failure.detail
    assert f"uid {os.geteuid()}" in failure.detail


def test_a_store_from_a_newer_release_is_named(world: World) -> None:
    db = open_store(str(world.store))
    db.table("_sqlite_migrations").insert(
        {"migration_set": "claude_usage_store", "name": "m999_future", "applied_at": "2027"}
    )
    db.close()
    (failure,) = run_checks(world.settings()).failures
    assert failure.check == "store schema"
    assert "newer release" in failure.detail
    assert "m999_future" in failure.detail


def test_the_cost_probe_tells_offered_from_legacy(world: World) -> None:
    legacy = probe_cost_endpoint(world.sim.base_url, world.sim.config.api_key, now=NOW)
    offered = probe_cost_endpoint(
        "http://analytics.test",
        "key",
        now=datetime(2026, 12, 8, 9, 30, tzinfo=UTC),
        transport=httpx.MockTransport(_cost_endpoint),
    )
    assert (legacy.status, legacy.available) in ((404, False), (400, False), (200, True))
    assert (offered.status, offered.available) == (200, True)
    refused = probe_cost_endpoint(
        "http://analytics.test",
        "key",
        now=NOW,
        transport=httpx.MockTransport(lambda r: httpx.Response(400, json=_error("HIPAA"))),
    )
    assert (refused.available, refused.detail) == (
        False,
        "not offered to this organisation (400: HIPAA)",
    )


def _error(message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}


def _cost_endpoint(request: httpx.Request) -> httpx.Response:
    """An organisation that has `/cost`: it wants the beta header and yesterday's window."""
    assert request.url.path == "/v1/organizations/analytics/cost"
    assert request.headers["anthropic-beta"] == "analytics-usage-cost-2026-08-24"
    assert request.headers["x-api-key"] == "key"
    assert dict(request.url.params) == {
        "starting_at": "2026-12-07T00:00:00Z",
        "ending_at": "2026-12-08T00:00:00Z",
    }
    return httpx.Response(200, json={"data": [], "has_more": False, "next_page": None})


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_doctor_command(world: World) -> None:
    healthy = cli(["doctor"], world.env(), world.store.parent)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert healthy.stdout.splitlines()[-1] == "11 checks: 0 failed, 0 warnings"
    world.slack.leave(ALERTS)
    broken = cli(["doctor"], world.env(), world.store.parent)
    assert broken.returncode == 1
    assert f"FAIL  channel {ALERTS}: the bot is not a member" in broken.stdout
    assert broken.stderr.strip().splitlines()[-1] == (
        "error: 11 checks: 1 failed, 0 warnings; fix the FAIL lines above."
    )


def test_serve_refuses_to_start_naming_every_failure_at_once(world: World) -> None:
    world.slack.leave(DIGEST_CHANNEL)
    env = world.env(CLAUDE_ANALYTICS_API_KEY="sk-ant-admin-not-this-one")
    done = cli(["serve"], env, world.store.parent)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: serve will not start, 2 check(s) failed: Analytics API key: ")
    assert f"channel {DIGEST_CHANNEL}: the bot is not a member" in last
    assert "(fix: type `/invite @claude-usage` in that channel)" in last
    assert "Traceback" not in done.stderr
