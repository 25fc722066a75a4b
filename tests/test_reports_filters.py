"""`--product` and `--model` are checked against the data: unknown is a sentence, families work.

On the shared store synced from the simulator (40 users, Oct 1 → Nov 20); expected totals are
summed here from its own rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.budgets import list_budgets
from bot.console.render import blocks_to_text
from bot.reports.commands import parse_command, run_command
from bot.reports.filters import UnknownFilterError
from bot.reports.periods import Period
from bot.reports.spend import top_spenders
from bot.store.schema import open_store
from bot.store.subscriptions import list_subscriptions
from tests.fakes.slack_env import ADMIN, DIGEST_CHANNEL, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

WEEK = Period.between(date(2026, 11, 10), date(2026, 11, 16))
TODAY = date(2026, 11, 20)


@pytest.fixture
def db(synced_store_path: Path) -> Iterator[Database]:
    store = open_store(str(synced_store_path))
    yield store
    store.close()


def distinct(db: Database, column: str) -> list[str]:
    rows = db.execute(f"SELECT DISTINCT {column} FROM user_cost").fetchall()  # noqa: S608
    return sorted(str(v) for (v,) in rows if v != "(none)")


def spend_of(db: Database, where: str, *params: str) -> int:
    row = db.execute(
        f"SELECT coalesce(sum(amount_microcents), 0) FROM user_cost WHERE day BETWEEN ? AND ? "  # noqa: S608
        f"AND {where}",
        (WEEK.start.isoformat(), WEEK.end.isoformat(), *params),
    ).fetchone()
    return int(row[0])


def test_an_unknown_product_is_a_sentence_naming_the_products_of_the_data(db: Database) -> None:
    command = parse_command("top-spenders 2026-11-10..2026-11-16 --product nonsense", today=TODAY)
    with pytest.raises(UnknownFilterError) as caught:
        run_command(command, db, today=TODAY)
    sentence = str(caught.value)
    assert sentence.startswith("`nonsense` is not a product in the data; use ")
    assert sentence.count(".") == 1  # one sentence
    for product in distinct(db, "product"):
        assert f"`{product}`" in sentence
    assert caught.value.exit_code == 2


def test_an_unknown_model_names_the_models_and_their_families(db: Database) -> None:
    with pytest.raises(UnknownFilterError) as caught:
        top_spenders(db, WEEK, model="gpt-4")
    sentence = str(caught.value)
    assert sentence.startswith("`gpt-4` is not a model in the data; use ")
    models = distinct(db, "model")
    for model in models:
        assert f"`{model}`" in sentence
    assert "or a family: `haiku`, `opus`, `sonnet`" in sentence


@pytest.mark.parametrize(("typed", "family"), [("opus", "opus"), ("SONNET", "sonnet")])
def test_a_family_name_stands_for_every_model_of_the_family(
    db: Database, typed: str, family: str
) -> None:
    members = [m for m in distinct(db, "model") if family in m.split("-")]
    assert members
    result = top_spenders(db, WEEK, model=typed, limit=None)
    marks = ",".join("?" * len(members))
    assert result.total_microcents == spend_of(db, f"model IN ({marks})", *members) > 0
    assert result.model == family
    assert any(f"Model `{family}` covers" in note for note in result.notes)


def test_a_model_id_in_any_case_and_a_product_alias_are_the_same_filter(db: Database) -> None:
    model = next(m for m in distinct(db, "model") if "opus" in m)
    result = top_spenders(db, WEEK, product="claude_code", model=model.upper(), limit=None)
    assert result.model == model
    expected = spend_of(db, "product = ? AND model = ?", "claude_code", model)
    assert result.total_microcents == expected > 0
    by_alias = parse_command(
        f"top-spenders 2026-11-10..2026-11-16 --product code --model {model}", today=TODAY
    )
    again = run_command(by_alias, db, today=TODAY)
    assert again.kind == "top_spenders"
    assert again.total_microcents == expected


def test_a_product_the_api_names_but_nobody_used_is_zero_not_unknown(db: Database) -> None:
    assert "claude_design" not in distinct(db, "product")
    result = top_spenders(db, WEEK, product="claude_design")
    assert result.total_microcents == 0
    assert any("Nobody has spend" in note for note in result.notes)


def test_the_terminal_says_it_in_one_line_and_exits_2(
    synced_store_path: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    env["CLAUDE_USAGE_DB"] = str(store)
    for option, value in (("--product", "nonsense"), ("--model", "gpt-4")):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "command", "top-spenders", "2026-11-10..2026-11-16",
             option, value],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1
        assert f"{value}" in done.stderr
        assert "is not a" in done.stderr


def test_digests_and_budgets_refuse_a_product_the_data_does_not_have(
    make_slack_env: Callable[..., SlackEnv], synced_store_path: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    env = make_slack_env(store=store)
    for words in ("digest subscribe --product nonsense", "budget set 100 --product nonsense"):
        reply = env.ask(words, ADMIN, channel_id=DIGEST_CHANNEL)
        text = blocks_to_text(reply.blocks)
        assert (
            "nonsense is not a product in the data; use chat, chat_cowork_unified, claude_code"
            in text
        ), text
    db = open_store(str(store))
    assert list_subscriptions(db) == []
    assert list_budgets(db) == []
    db.close()
