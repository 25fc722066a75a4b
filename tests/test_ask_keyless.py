"""`claude-usage ask` without an Anthropic key, on the README's example questions and the ones a
new user saw answered wrongly: the right figures, checked against the store with our own SQL.

The CLI runs in a subprocess on the real clock, so the store is synced from a simulator on the
real clock too (as in tests/test_ask_cli.py); expected figures are summed here from the rows,
not taken from the report the CLI runs.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.reports.periods import Period, parse_period, utc_today
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.store.money import format_usd
from bot.store.run import run_sync
from bot.store.schema import GROUPING_PRODUCT_MODEL, GROUPING_TOTAL
from tools.fallback import FALLBACK_NOTE


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 people, 66 days synced: enough for 30 days against the 30 before."""
    path = tmp_path_factory.mktemp("keyless") / "store.db"
    with start_simulator(SimConfig(seed=7, users=60, days=90, now=None)) as sim:
        settings = Settings(
            analytics_base_url=sim.base_url,
            analytics_api_key=SecretStr(sim.config.api_key),
            db_path=path,
        )
        run_sync(settings, since=(datetime.now(UTC) - timedelta(days=66)).date())
    return path


def ask(store: Path, question: str, *args: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_",
                                                                      "ANTHROPIC_"))}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", question, *args],
        capture_output=True,
        text=True,
        env={**clean, "CLAUDE_USAGE_DB": str(store)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(FALLBACK_NOTE)
    return done.stdout


def rows(store: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(store) as conn:
        return conn.execute(sql, params).fetchall()


def model_spend(store: Path, family: str, period: Period) -> int:
    ((amount,),) = rows(
        store,
        "SELECT coalesce(sum(amount_microcents), 0) FROM cost_buckets WHERE grouping = ? AND "
        "model LIKE ? AND day BETWEEN ? AND ?",
        GROUPING_PRODUCT_MODEL, f"claude-{family}%", period.start.isoformat(),
        period.end.isoformat(),
    )  # fmt: skip
    return int(str(amount))


def line_of(text: str, needle: str) -> str:
    (line,) = [line for line in text.splitlines() if needle in line]
    return line


def test_opus_against_sonnet_is_each_model_s_spend(store: Path) -> None:
    out = ask(store, "what does Opus cost us vs Sonnet?")
    assert out.startswith("I read this as: spend over the last 7 days by model (side by side).")
    week = parse_period("7d", today=utc_today())
    for family in ("opus", "sonnet"):
        assert format_usd(model_spend(store, family, week)) in line_of(out, f"claude-{family}")


def test_opus_this_month_against_last_is_its_spend_and_its_change(store: Path) -> None:
    out = ask(store, "how much did Opus cost us this month vs last?")
    assert out.startswith("I read this as: spend month to date by model (each against the same")
    now = parse_period("mtd", today=utc_today())
    current, before = model_spend(store, "opus", now), model_spend(store, "opus", now.previous())
    opus = line_of(out, "claude-opus")
    assert format_usd(current) in opus
    assert format_usd(abs(current - before)).lstrip("$") in opus  # the change, either way


def test_who_started_using_claude_code_lists_exactly_them(store: Path) -> None:
    out = ask(store, "who started using Claude Code last week?")
    assert out.startswith("I read this as: the people new to Claude Code last week")
    week = parse_period("last-week", today=utc_today())
    before = week.previous()
    new = rows(
        store,
        "SELECT d.name FROM user_cost c JOIN directory d USING (user_id) WHERE c.product = "
        "'claude_code' AND c.amount_microcents > 0 AND c.day BETWEEN ? AND ? AND c.user_id NOT IN "
        "(SELECT user_id FROM user_cost WHERE product = 'claude_code' AND amount_microcents > 0 "
        "AND day BETWEEN ? AND ?) GROUP BY c.user_id",
        week.start.isoformat(), week.end.isoformat(), before.start.isoformat(),
        before.end.isoformat(),
    )  # fmt: skip
    assert f"New to Claude Code: {len(new)} (spent in Claude Code" in out
    for (name,) in new:
        assert str(name)[:20] in out
    member = ask(store, "who started using Claude Code last week?", "--as", "who@example.com")
    assert "only Claude usage admins may see" in member
    assert "New to Claude Code" not in member


def test_why_spend_jumped_on_tuesday_is_that_day_against_the_one_before(store: Path) -> None:
    out = ask(store, "why did spend jump on Tuesday?")
    today = utc_today()
    tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    assert out.startswith(f"I read this as: what changed on Tue {tuesday:%b} {tuesday.day} ")
    assert "not why" in out.splitlines()[0]
    ((spent,),) = rows(
        store,
        "SELECT coalesce(sum(amount_microcents), 0) FROM cost_buckets WHERE grouping = ? AND "
        "day = ?",
        GROUPING_TOTAL, tuesday.isoformat(),
    )  # fmt: skip
    that_day = int(str(spent))
    assert f"Spend: {format_usd(that_day)} (" in out
    movers = rows(
        store,
        "SELECT d.name, sum(CASE WHEN day = ? THEN amount_microcents ELSE -amount_microcents END) "
        "AS up FROM user_cost JOIN directory d USING (user_id) WHERE day IN (?, ?) "
        "GROUP BY user_id ORDER BY up DESC LIMIT 1",
        tuesday.isoformat(), tuesday.isoformat(), (tuesday - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    ((top, change),) = movers
    if int(str(change)) > 0:  # who drove the rise is the first of the biggest increases
        increases = out.split("Biggest increases in spend", 1)[1]
        assert str(top)[:20] in increases.splitlines()[1]


def test_the_connectors_of_the_top_10_are_declined_with_the_closest_reports(store: Path) -> None:
    out = ask(store, "which connectors do the people in the top 10 use?")
    assert out.startswith(
        "I can't answer that without Claude: it needs what one group of people uses, which joins "
        "two reports. The closest reports: `/claude-usage top-spenders --limit 10` and "
        "`/claude-usage connectors`.\n"
    )
    assert "Top connectors" not in out
    assert "Usage:" not in out  # no help dump either
    assert out.count("\n\n") == 1  # the sentence, then the note


def test_a_person_by_name_is_their_own_spend(store: Path) -> None:
    ((name, user_id),) = rows(
        store,
        "SELECT name, min(user_id) FROM directory WHERE coalesce(deleted, 0) = 0 AND name GLOB "
        "'[A-Z][a-z]* [A-Z][a-z]*' GROUP BY name HAVING count(*) = 1 ORDER BY name LIMIT 1",
    )
    out = ask(store, f"what did {name} spend this month?")
    assert out.startswith(f"I read this as: usage of {name} month to date.")
    month = parse_period("mtd", today=utc_today())
    ((spent,),) = rows(
        store,
        "SELECT coalesce(sum(amount_microcents), 0) FROM user_cost WHERE user_id = ? AND day "
        "BETWEEN ? AND ?",
        user_id, month.start.isoformat(), month.end.isoformat(),
    )  # fmt: skip
    assert f"Spend: {format_usd(int(str(spent)))}" in out
    member = ask(store, f"what did {name} spend this month?", "--as", "who@example.com")
    assert "only Claude usage admins may see" in member


def test_who_has_not_used_claude_is_the_lapsed_list(store: Path) -> None:
    out = ask(store, "who hasn't used Claude in 30 days?")
    assert out.startswith("I read this as: the people who lapsed over the last 30 days")
    counted = re.search(r"New · returning · lapsed: \d+ · \d+ · (\d+)", out)
    assert counted is not None
    assert f"Lapsed: {counted[1]} (active " in out
