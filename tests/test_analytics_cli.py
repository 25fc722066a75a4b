"""`claude-usage api`: the real entry point in a subprocess for exit codes and stderr, and the
command in-process (typer's CliRunner) for its output, both against a running simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from bot.analytics.cli import register
from bot.errors import InputError
from bot.simulator.server import RunningSimulator
from tests.sim_fixtures import API_PREFIX

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "ANTHROPIC_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "api", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **(env or {})},
        timeout=60,
        check=False,
    )


def sim_env(sim: RunningSimulator, key: str | None = None) -> dict[str, str]:
    return {
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": key or sim.config.api_key,
    }


def test_date_before_2026_exits_2_naming_the_first_day() -> None:
    result = run_cli("users", "--param", "date=2025-12-01")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: 2025-12-01 is before 2026-01-01, the first day the Analytics API has data for."
    ]


def test_unknown_endpoint_exits_2_listing_the_valid_ones() -> None:
    result = run_cli("usage", env={"CLAUDE_ANALYTICS_API_KEY": "k"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    for name in (
        "users",
        "summaries",
        "apps/chat/projects",
        "skills",
        "connectors",
        "user_usage_report",
        "user_cost_report",
        "usage_report",
        "cost_report",
    ):
        assert name in result.stderr


def test_missing_key_exits_2(simulator: RunningSimulator) -> None:
    result = run_cli(
        "users", "--param", "date=2026-11-10", env={"CLAUDE_ANALYTICS_BASE_URL": simulator.base_url}
    )
    assert result.returncode == 2
    assert "CLAUDE_ANALYTICS_API_KEY is not set" in result.stderr


def test_wrong_key_prints_the_api_message_and_exits_1(simulator: RunningSimulator) -> None:
    result = run_cli("users", "--param", "date=2026-11-10", env=sim_env(simulator, "bad-key"))
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: The Analytics API rejected the key (401): invalid x-api-key"
    )
    assert "bad-key" not in result.stderr
    assert result.stdout == ""


@pytest.fixture
def cli_app(simulator: RunningSimulator) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Root."""

    register(app)
    return app


def cli_json(app: typer.Typer, sim: RunningSimulator, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["api", *args, "--json"], env=sim_env(sim))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return rows


def test_json_all_is_one_array_of_every_row(
    cli_app: typer.Typer, simulator: RunningSimulator
) -> None:
    every = cli_json(
        cli_app, simulator, "users", "--param", "date=2026-11-10", "--param", "limit=4", "--all"
    )
    first = cli_json(
        cli_app, simulator, "users", "--param", "date=2026-11-10", "--param", "limit=4"
    )
    assert len(first) == 4
    assert len(every) > 8
    assert len({json.dumps(r["user"]) for r in every}) == len(every)
    days = cli_json(
        cli_app,
        simulator,
        "summaries",
        "--param",
        "starting_date=2026-09-01",
        "--param",
        "ending_date=2026-11-01",
        "--all",
    )
    assert len(days) == 61
    assert "daily_active_user_count" in days[0]


def test_money_is_printed_exactly_as_received(
    cli_app: typer.Typer, simulator: RunningSimulator
) -> None:
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("starting_at", "2026-10-01T00:00:00Z"),
        ("ending_at", "2026-10-08T00:00:00Z"),
        ("bucket_width", "1d"),
        ("limit", "31"),
        ("products[]", "chat"),
        ("products[]", "claude_code"),
        ("group_by[]", "product"),
    ]
    raw = httpx.get(
        simulator.base_url + API_PREFIX + "/cost_report",
        params=params,
        headers={"x-api-key": "demo-key"},
    ).json()["data"]
    args = [arg for k, v in params if k != "limit" for arg in ("--param", f"{k}={v}")]
    buckets = cli_json(cli_app, simulator, "cost_report", *args, "--all")
    assert buckets == raw
    assert {r["product"] for b in buckets for r in b["results"]} <= {"chat", "claude_code"}  # type: ignore[attr-defined]


def test_readable_output_and_parameter_errors(
    cli_app: typer.Typer, simulator: RunningSimulator
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["api", "chat-projects", "--param", "date=2026-11-10"], env=sim_env(simulator)
    )
    assert result.exit_code == 0, result.output
    assert "apps/chat/projects:" in result.stdout
    assert "project_name" in result.stdout
    assert "claude_proj_" in result.stdout
    # `projects` is the API's own /projects: the new projects experience, `chan_…` ids.
    new = runner.invoke(
        cli_app, ["api", "projects", "--param", "date=2026-11-10", "--json"], env=sim_env(simulator)
    )
    assert new.exit_code == 0, new.output
    assert '"project_id": "chan_' in new.stdout
    assert "claude_proj_" not in new.stdout
    bad = runner.invoke(cli_app, ["api", "users", "--param", "colour=blue"], env=sim_env(simulator))
    assert isinstance(bad.exception, InputError)
    assert "Unknown parameter 'colour'" in str(bad.exception)
    missing = runner.invoke(cli_app, ["api", "cost_report"], env=sim_env(simulator))
    assert isinstance(missing.exception, InputError)
    assert "starting_at" in str(missing.exception)
