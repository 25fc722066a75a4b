"""The console is what Slack takes: every line goes through Slack's path as a Slack user in a
Slack channel, so `user me`, `digest …` and `budget …` work for an admin, and a member gets the
one-sentence refusal Slack gives (never the help).

Before, the console answered as nobody in particular: `user me` and `user <@U…>` were refused,
`digest subscribe|preview` and `budget set|clear` said to use Slack, each refusal followed by
the whole 20-line help.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console

from bot.config import Settings
from bot.console.demo import DEMO_ADMIN, DEMO_ALERTS, DEMO_CHANNEL, DEMO_MEMBER, run_demo
from bot.reports.usage import SUBCOMMANDS
from bot.simulator.server import RunningSimulator
from bot.slack.answer import GENERIC_ERROR
from bot.store.run import run_sync

EVERY_SUBCOMMAND = {
    "help": ["help"],
    "top-spenders": ["top-spenders 7d --limit 3"],
    "spend": ["spend 30d by product"],
    "tokens": ["tokens 7d by model"],
    "adoption": ["adoption 30d"],
    "user": ["user me 30d", f"user <@{DEMO_MEMBER}> 30d"],
    "projects": ["projects 30d"],
    "skills": ["skills 30d"],
    "connectors": ["connectors 30d"],
    "compare": ["compare week"],
    "finance": ["finance"],
    "status": ["status"],
    "export": ["export spend 7d"],
    "digest": [
        "digest subscribe weekly monday 09:00",
        "digest list",
        "digest preview weekly",
        "digest unsubscribe weekly",
    ],
    "budget": ["budget set 25000", "budget show", "budget clear"],
}


def console_run(lines: Sequence[str], *, as_user: str | None = None) -> tuple[str, list[str]]:
    """The demo console fed `lines`: its welcome, and what it printed for each line."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=250, force_terminal=False, color_system=None)
    marks: list[int] = []
    queue = list(lines)

    def read_line(_prompt: str) -> str:
        marks.append(buffer.tell())
        return queue.pop(0) if queue else "quit"

    assert run_demo(
        users=20, interactive=True, console=console, read_line=read_line, as_user=as_user
    ) == 0  # fmt: skip
    text = buffer.getvalue()
    return text[: marks[0]], [text[a:b] for a, b in pairwise(marks)]


def test_an_admin_runs_every_subcommand_of_help() -> None:
    assert set(EVERY_SUBCOMMAND) == set(SUBCOMMANDS)
    lines = [line for sub in SUBCOMMANDS for line in EVERY_SUBCOMMAND[sub]]
    welcome, answers = console_run(lines)
    (me,) = re.findall(rf"You are @{DEMO_ADMIN} \((\S+@\S+)\), an admin", welcome)
    said = dict(zip(lines, answers, strict=True))
    for line, answer in said.items():
        assert "⚠" not in answer, (line, answer)
        assert GENERIC_ERROR not in answer
        assert "Usage:" not in answer or line == "help"
    assert me in said["user me 30d"]
    member = said[f"user <@{DEMO_MEMBER}> 30d"]
    assert "@example.com" in member
    assert me not in member
    assert "day,total_cents" in said["export spend 7d"]
    assert (
        f"Subscribed #{DEMO_CHANNEL}: the weekly on Monday at 09:00 UTC digest, without names"
        in said["digest subscribe weekly monday 09:00"]
    )
    assert f"#{DEMO_CHANNEL}: weekly on Monday at 09:00 UTC; next" in said["digest list"]
    preview = said["digest preview weekly"]
    assert "Preview, only you can see it" in preview
    assert "Claude weekly digest · " in preview
    assert "will no longer get the weekly digest" in said["digest unsubscribe weekly"]
    assert "Organisation: $25,000.00 a month; $" in said["budget set 25000"]
    assert f"Alerts go to #{DEMO_ALERTS} at 50%, 80% and 100%" in said["budget set 25000"]
    shown = said["budget show"]
    assert "Monthly budgets" in shown
    assert "Organisation: $25,000.00 a month" in shown
    assert "Removed the Organisation budget." in said["budget clear"]


def test_a_member_gets_one_sentence_refusals_and_their_own_answers() -> None:
    refused = [
        "top-spenders 7d",
        "export spend 7d",
        f"user <@{DEMO_ADMIN}>",
        "digest subscribe",
        "digest preview",
        "budget set 25000",
        "budget clear",
    ]
    allowed = ["user me 7d", "adoption 7d", "digest list", "budget show"]
    welcome, answers = console_run([*refused, *allowed], as_user=DEMO_MEMBER)
    (me,) = re.findall(rf"You are @{DEMO_MEMBER} \((\S+@\S+)\), a member", welcome)
    for line, answer in zip(refused, answers, strict=False):
        sentence, timing = answer.strip().split("\n")
        assert re.fullmatch(
            rf"⚠ .+ is limited to Claude usage admins \(@{DEMO_ADMIN}\)\. You can still run "
            r"adoption, spend or user me\.",
            sentence,
        ), (line, answer)
        assert timing.endswith("ms from the store)")
    mine, adoption, listed, budgets = answers[len(refused) :]
    assert me in mine
    assert "Adoption · last 7 days" in adoption
    assert "No channel gets a digest yet." in listed
    assert "No budget is set." in budgets
    assert "⚠" not in "".join(answers[len(refused) :])


@pytest.fixture
def store(make_simulator: Callable[..., RunningSimulator], tmp_path: Path) -> Path:
    sim = make_simulator(now=None, users=30, days=40)
    db_path = tmp_path / "store.db"
    settings = Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
    )
    run_sync(settings, since=(datetime.now(UTC) - timedelta(days=20)).date())
    return db_path


def command(db_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "command", *args],
        capture_output=True,
        text=True,
        env={**clean, "CLAUDE_USAGE_DB": str(db_path), **env},
        timeout=60,
        check=False,
    )


def test_command_manages_budgets_and_digests_as_the_operator_or_as_someone(store: Path) -> None:
    set_ = command(store, "budget", "set", "25000")
    assert set_.returncode == 0, set_.stderr
    assert "Organisation: $25,000.00 a month; $" in set_.stdout
    assert "Alerts are off until CLAUDE_USAGE_ALERT_CHANNEL names a channel." in set_.stdout
    assert "Organisation: $25,000.00 a month" in command(store, "budget", "show").stdout
    channels = {"CLAUDE_USAGE_DIGEST_CHANNELS": "C0TEAM01", "CLAUDE_USAGE_ADMINS": "U0ADA01"}
    sub = command(store, "--as", "U0ADA01", "--channel", "C0TEAM01", "digest", "subscribe",
                  **channels)  # fmt: skip
    assert sub.returncode == 0, sub.stderr
    assert "Subscribed #C0TEAM01: the daily at 09:00 UTC digest" in sub.stdout
    assert (
        "#C0TEAM01: daily at 09:00 UTC; next" in command(store, "digest", "list", **channels).stdout
    )
    dm = command(store, "--as", "U0ADA01", "digest", "subscribe", **channels)
    assert dm.returncode == 2
    assert "run this in the channel that should get it" in dm.stderr


def test_command_as_a_member_is_refused_in_one_line(store: Path) -> None:
    for words in (["top-spenders", "7d"], ["budget", "set", "100"], ["digest", "preview"]):
        done = command(store, "--as", "ada@example.com", "--channel", "C0TEAM01", *words)
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
        (line,) = done.stderr.strip().splitlines()
        assert "is limited to Claude usage admins" in line
    mine = command(store, "--as", "U0BOB01", "user", "me")
    assert mine.returncode == 2
    assert "I can't see an email address for @U0BOB01" in mine.stderr
    bad = command(store, "--as", "bob", "status")
    assert bad.returncode == 2
    assert "--as takes a Slack user ID (U…) or an email address" in bad.stderr
