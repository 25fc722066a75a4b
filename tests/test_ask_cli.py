"""`claude-usage ask`: Claude through the fake Anthropic API, or the keyless fallback.

The CLI runs in a subprocess on the real clock, so its store is synced from a simulator on the
real clock too; scripted replies quote whatever figures the tools returned."""

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
from bot.errors import InputError
from bot.simulator.server import RunningSimulator
from bot.store.run import run_sync
from tests.fakes.anthropic_api import FakeAnthropic, RecordedMessagesRequest, reply, tool_use
from tools.cli import asker_for
from tools.compact import MAX_RESULT_BYTES
from tools.definitions import all_tools
from tools.fallback import FALLBACK_NOTE

QUESTION = "who were the top spenders last week?"


@pytest.fixture
def live(make_simulator: Callable[..., RunningSimulator], tmp_path: Path) -> dict[str, str]:
    sim = make_simulator(now=None, users=30, days=40)
    db_path = tmp_path / "store.db"
    settings = Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
    )
    run_sync(settings, since=(datetime.now(UTC) - timedelta(days=20)).date())
    return {
        "CLAUDE_USAGE_DB": str(db_path),
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
    }


def ask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_",
                                                                      "ANTHROPIC_"))}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
        check=False,
    )


def answer_from(request: RecordedMessagesRequest) -> str:
    top = json.loads(request.tool_results()[0].content)
    first = top["rows"][0]
    total = top["total_of_people"]
    return f"{first['name']} spent the most last week: {first['spend']} of {total}."


def test_ask_offers_every_tool_runs_one_and_prints_the_answer(
    fake_anthropic: FakeAnthropic, live: dict[str, str]
) -> None:
    fake_anthropic.set_script(
        [reply(tool_use("top_spenders", {"period": "last-week"})), answer_from]
    )
    env = {**live, "ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": fake_anthropic.base_url}
    done = ask(env, QUESTION, "--show-tools")
    assert done.returncode == 0, done.stderr
    first, second = fake_anthropic.requests()
    every = {spec.name for spec in all_tools(sql_schema="x")} - {"my_usage"}
    assert set(first.tool_names) == every
    assert first.tools[-1]["cache_control"] == {"type": "ephemeral"}
    result = second.tool_results()[0]
    assert not result.is_error
    assert len(result.content.encode()) <= MAX_RESULT_BYTES
    expected = answer_from(second)
    assert done.stdout.startswith(expected + "\n\nData (UTC days):")
    assert "→ top_spenders(period=last-week)" in done.stderr
    assert "prompt tokens" in done.stderr
    assert expected not in done.stderr


def test_without_a_key_the_fallback_answers_with_dollars(live: dict[str, str]) -> None:
    done = ask(live, QUESTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("I read this as: top spenders last week.")
    assert "Top spenders · last week" in done.stdout
    assert "$" in done.stdout
    assert FALLBACK_NOTE in done.stdout


def test_a_member_gets_no_per_user_answer_from_the_fallback(live: dict[str, str]) -> None:
    done = ask(live, QUESTION, "--as", "someone@example.com")
    assert done.returncode == 0, done.stderr
    assert "only Claude usage admins may see" in done.stdout
    assert "Top spenders ·" not in done.stdout


def test_who_asks() -> None:
    settings = Settings(admins="UADMIN0001")
    assert asker_for(settings, None).is_admin  # the operator, like `claude-usage command`
    assert asker_for(settings, "UADMIN0001").is_admin
    member = asker_for(settings, "Ada@Example.com")
    assert (member.is_admin, member.email) == (False, "ada@example.com")
    assert not asker_for(settings, "U0SOMEONE1").is_admin
    with pytest.raises(InputError, match="--as takes a Slack user ID"):
        asker_for(settings, "not a person")
