"""The `digest` and `budget` grammar: defaults, options and one sentence per mistake."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.reports.commands import (
    BudgetCommand,
    CommandError,
    DigestCommand,
    help_text,
    parse_command,
    run_command,
)
from bot.store.schema import open_store

TODAY = date(2026, 11, 20)


def parse(words: str) -> object:
    return parse_command(words, today=TODAY)


def test_digest_words() -> None:
    assert parse("digest") == DigestCommand(action="list")
    assert parse("digest subscribe") == DigestCommand(action="subscribe", kind="daily")
    full = parse("digest subscribe weekly tue 07:05 Asia/Tokyo --with-people --product cc")
    assert full == DigestCommand(
        action="subscribe",
        kind="weekly",
        weekday=1,
        at=time(7, 5),
        tz="Asia/Tokyo",
        with_people=True,
        product="claude_code",
    )
    assert isinstance(full, DigestCommand)
    assert full.per_user  # names: an admin's choice
    assert parse("digest subscribe monday") == DigestCommand(
        action="subscribe", kind="weekly", weekday=0
    )
    assert parse("digest unsubscribe") == DigestCommand(action="unsubscribe")
    assert parse("digest preview weekly") == DigestCommand(action="preview", kind="weekly")


def test_budget_words() -> None:
    assert parse("budget") == BudgetCommand(action="show")
    assert parse("budget set 25000") == BudgetCommand(
        action="set", amount_microcents=25_000 * 100_000_000
    )
    assert parse("budget set $1,234.56 --product chat") == BudgetCommand(
        action="set", amount_microcents=123_456_000_000, product="chat"
    )
    assert parse("budget clear --product code") == BudgetCommand(
        action="clear", product="claude_code"
    )
    most = parse("budget set $1,000,000,000")  # the largest budget fits the store's integers
    assert most == BudgetCommand(action="set", amount_microcents=10**17)


@pytest.mark.parametrize(
    ("words", "sentence"),
    [
        ("digest frob", "`frob` is not a `digest` action"),
        ("digest subscribe 25:00", "`25:00` is not a time; write it as HH:MM"),
        ("digest subscribe Mars/Base", "`Mars/Base` is not a time zone"),
        ("digest subscribe daily friday", "Only a weekly digest has a weekday"),
        ("digest list daily", "`digest list` takes no arguments"),
        ("digest preview --with-people", "belong to `digest subscribe`"),
        ("digest subscribe --limit 3", "`--limit` is not an option of `digest`"),
        ("budget set", "Say the monthly budget in dollars"),
        ("budget set 0", "A budget must be more than $0"),
        ("budget set 12.345", "`12.345` is not an amount in dollars"),
        ("budget set 92233720368.55", "A monthly budget can be at most $1,000,000,000;"),
        ("budget set $1,000,000,000.01", "`$1,000,000,000.01` is more than that"),
        ("budget set " + "9" * 400, "A monthly budget can be at most $1,000,000,000;"),
        ("budget set -5", "`-5` is not an amount in dollars"),
        ("budget set 0.00", "A budget must be more than $0"),
        ("budget set NaN", "`NaN` is not an amount in dollars"),
        ("budget set Infinity", "`Infinity` is not an amount in dollars"),
        ("budget set 1e9", "`1e9` is not an amount in dollars"),
        ("budget set 100 200", "I don't understand `200` in `budget set`"),
        ("budget show --product chat", "`budget show` shows every budget"),
    ],
)
def test_mistakes_are_one_sentence(words: str, sentence: str) -> None:
    with pytest.raises(CommandError, match=sentence.replace("$", r"\$").replace("(", r"\(")):
        parse(words)


def test_help_and_the_report_path() -> None:
    assert "digest subscribe|unsubscribe|list|preview" in help_text("digest")
    assert "budget set|show|clear" in help_text("budget")
    with pytest.raises(CommandError, match="managed from Slack"):
        run_command(DigestCommand(action="list"), open_store(":memory:"), today=TODAY)
