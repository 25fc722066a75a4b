"""`claude-usage command` and `claude-usage demo`: the terminal speaks Slack's grammar.

These run against a store synced from the simulator on the real clock, so `7d` always has data.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console

from bot.config import Settings
from bot.console.demo import TOUR_QUESTIONS, run_demo, tour
from bot.simulator.server import RunningSimulator
from bot.slack.answer import GENERIC_ERROR
from bot.store.run import run_sync


@pytest.fixture
def synced_store(make_simulator: Callable[..., RunningSimulator], tmp_path: Path) -> Path:
    sim = make_simulator(now=None, users=30, days=40)
    db_path = tmp_path / "store.db"
    settings = Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
    )
    run_sync(settings, since=(datetime.now(UTC) - timedelta(days=20)).date())
    return db_path


def _command(db_path: Path, *words: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    env["CLAUDE_USAGE_DB"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "bot", "command", *words],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_command_prints_the_report_as_slack_shows_it(synced_store: Path) -> None:
    done = _command(synced_store, "top-spenders", "7d", "--limit", "3")
    assert done.returncode == 0, done.stderr
    assert "Top spenders · last 7 days" in done.stdout
    assert " 1. " in done.stdout
    assert "Data (UTC days): activity through" in done.stdout


def test_command_explains_the_2026_limit_and_the_period_grammar(synced_store: Path) -> None:
    early = _command(synced_store, "top-spenders", "2025-01-01..2025-02-01")
    assert early.returncode == 2
    assert "2026-01-01" in early.stderr
    assert early.stdout == ""
    banana = _command(synced_store, "top-spenders", "banana")
    assert banana.returncode == 2
    assert "7d, 30d, yesterday, this-week, last-week, mtd, last-month" in banana.stderr


def test_unknown_subcommand_shows_usage_and_exits_2(synced_store: Path) -> None:
    done = _command(synced_store, "frobnicate")
    assert done.returncode == 2
    assert "top-spenders [period]" in done.stderr


def test_command_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    done = _command(tmp_path / "missing.db", "status")
    assert done.returncode == 1
    assert "claude-usage sync" in done.stderr
    assert "Traceback" not in done.stderr


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=120, force_terminal=False, color_system=None), buffer


def test_demo_tour_answers_every_subcommand_and_exits_zero(tmp_path: Path) -> None:
    console, buffer = _console()
    assert run_demo(users=25, interactive=False, console=console, digest_dir=tmp_path) == 0
    out = buffer.getvalue()
    for line in tour()[:-2]:
        assert f"/claude-usage {line}" in out
    assert GENERIC_ERROR not in out
    assert "Traceback" not in out
    assert "is not a period" in out
    assert "Top spenders · last 7 days" in out
    assert "rank,user_id,email" in out  # the export's CSV
    for question in TOUR_QUESTIONS:
        assert f"ask: {question}" in out
    assert "I read this as: top spenders last week." in out
    assert "claude-usage digest preview --kind daily" in out
    assert "Claude daily digest · " in out
    for name in ("digest-daily.json", "spend-by-product.png", "active-users.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_demo_console_reads_lines_until_quit() -> None:
    console, buffer = _console()
    lines = iter(
        ["/claude-usage adoption 7d", "/claude-usage frobnicate", "spend by model?", "", "quit",
         "never read"]
    )  # fmt: skip
    assert (
        run_demo(users=20, interactive=True, console=console, read_line=lambda _: next(lines)) == 0
    )
    out = buffer.getvalue()
    assert "Adoption · last 7 days" in out
    assert "⚠ frobnicate is not a /claude-usage subcommand." in out
    assert "I read this as: spend over the last 7 days by model." in out  # a question, no key
    assert "free-form answers need an Anthropic API key" in out
    assert next(lines) == "never read"


def test_demo_charts_go_elsewhere_when_their_folder_is_unusable(tmp_path: Path) -> None:
    from bot.console.demo import _writable_dir

    blocked = tmp_path / "claude-usage-demo-digest"
    blocked.write_text("a file where the folder should be")
    chosen = _writable_dir(blocked)
    assert chosen != blocked
    assert chosen.is_dir()
    (chosen / "probe").write_bytes(b"ok")
    assert _writable_dir(tmp_path / "fresh") == tmp_path / "fresh"


def test_demo_with_no_users_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--users", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--users" in done.stderr
