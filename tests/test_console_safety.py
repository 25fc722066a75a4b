"""API text in a terminal is shown, never executed: no rich markup, ANSI/OSC-8 escapes or bidi
overrides from a project name reach the screen, and a name like `[/]` cannot crash a command.

Before the fix, `claude-usage api` handed names to rich as markup (a `[/]` raised MarkupError
with a traceback, `[link=…]` made a live link) and every surface printed raw ESC sequences.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.console.render import blocks_to_text
from bot.console.sanitize import clean, json_safe
from bot.simulator.catalog import TERMINAL_HOSTILE
from bot.simulator.server import RunningSimulator
from bot.store.run import run_sync

ROOT = Path(__file__).resolve().parent.parent
DANGEROUS = ("\x1b", "\u202e", "\x9b", "\x07")


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, **env},
        timeout=60,
        check=False,
    )


@pytest.fixture
def sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator(now=None, users=200, days=40)


def test_clean_strips_controls_and_bidi_but_keeps_the_visible_text() -> None:
    assert clean("\x1b]8;;https://evil.example\x1b\\Budget\x1b]8;;\x1b\\") == "Budget"
    assert clean("\x1b[31mred\x1b[0m \x1b[2J") == "red "
    assert clean("invoice\u202egnp.exe") == "invoicegnp.exe"
    assert clean("two\nlines\tand\rtab") == "two lines and tab"
    assert clean("[bold red]Q4[/] 🚀 Zoë") == "[bold red]Q4[/] 🚀 Zoë"


def test_json_output_escapes_but_keeps_the_exact_value() -> None:
    value = ["invoice\u202egnp.exe", "\x1b[31mred", "\x85next"]
    dumped = json_safe(json.dumps(value, ensure_ascii=False))
    assert not any(c in dumped for c in DANGEROUS)
    assert json.loads(dumped) == value


def test_api_table_shows_markup_as_text_and_no_escape_reaches_the_terminal(
    sim: RunningSimulator,
) -> None:
    env = {"CLAUDE_ANALYTICS_BASE_URL": sim.base_url, "CLAUDE_ANALYTICS_API_KEY": "demo-key"}
    day = (datetime.now(UTC) - timedelta(days=7)).date()
    day -= timedelta(days=max(day.weekday() - 3, 0))  # a weekday: projects are busy
    table = _run("api", "apps/chat/projects", "--param", f"date={day}", "--all", env=env)
    assert table.returncode == 0, table.stderr
    assert "Traceback" not in table.stderr
    assert not any(c in table.stdout for c in DANGEROUS)
    assert "[bold red]Q4 plan[/] [/]" in table.stdout or "docs[/link]" in table.stdout
    raw = _run("api", "apps/chat/projects", "--param", f"date={day}", "--all", "--json", env=env)
    assert raw.returncode == 0, raw.stderr
    assert not any(c in raw.stdout for c in DANGEROUS)
    names = {row["project_name"] for row in json.loads(raw.stdout)}
    assert names & set(TERMINAL_HOSTILE)  # the data itself stays exact


def test_command_output_is_clean(sim: RunningSimulator, tmp_path: Path) -> None:
    db_path = tmp_path / "store.db"
    settings = Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
    )
    run_sync(
        settings, since=(datetime.now(UTC) - timedelta(days=20)).date(), only=["chat_projects"]
    )
    done = _run(
        "command", "projects", "14d", "--limit", "100", env={"CLAUDE_USAGE_DB": str(db_path)}
    )
    assert done.returncode == 0, done.stderr
    assert not any(c in done.stdout for c in DANGEROUS)
    assert "[bold red]Q4 plan[/]" in done.stdout or "docs[/link]" in done.stdout


def test_blocks_to_text_cleans_what_slack_would_show_verbatim() -> None:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "a \x1b[2J b \u202e c"}}
    assert blocks_to_text([block]) == "a  b  c\n"
