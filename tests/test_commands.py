"""The /claude-usage grammar: every subcommand, flag and error sentence; help covers them all."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import InputError
from bot.reports.commands import (
    SUBCOMMANDS,
    USAGE,
    AdoptionCommand,
    CommandError,
    CompareCommand,
    ExportCommand,
    FinanceCommand,
    HelpCommand,
    RankingCommand,
    SpendCommand,
    StatusCommand,
    TokensCommand,
    TopSpendersCommand,
    UserCommand,
    help_text,
    parse_command,
)
from bot.reports.periods import PeriodError

TODAY = date(2026, 11, 25)


def parse(text: str) -> object:
    return parse_command(text, today=TODAY)


def test_help_lists_every_subcommand_with_an_example() -> None:
    assert help_text() == USAGE
    lines = USAGE.splitlines()
    for sub in SUBCOMMANDS:
        assert any(line.strip().startswith(sub) for line in lines), sub
    assert USAGE.count("e.g.") >= 10
    assert isinstance(parse("help"), HelpCommand)
    assert parse("HELP spend") == HelpCommand(topic="spend")
    assert help_text("banana") == USAGE
    only = help_text("top-spenders")
    assert "top-spenders [period] [--list]" in only
    assert "e.g. top-spenders 30d --product claude_code" in only
    assert "adoption" not in only
    assert only.endswith(USAGE.splitlines()[-1])


def test_top_spenders_defaults_and_flags() -> None:
    plain = parse("top-spenders")
    assert isinstance(plain, TopSpendersCommand)
    assert (plain.period.start, plain.period.end) == (date(2026, 11, 18), date(2026, 11, 24))
    assert (plain.limit, plain.by_list_price, plain.product, plain.model) == (10, False, None, None)
    assert plain.per_user
    assert not plain.share
    full = parse("top-spenders --share 30d --list --product code --model claude-opus-5 --limit=5")
    assert isinstance(full, TopSpendersCommand)
    assert full.period.days == 30
    assert (full.by_list_price, full.product, full.model, full.limit, full.share) == (
        True,
        "claude_code",
        "claude-opus-5",
        5,
        True,
    )
    assert parse("top-spenders --limit 100 last week").period.label == "last week"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "by"),
    [("spend", None), ("spend by product", "product"), ("spend mtd by cost-type", "cost-type")],
)
def test_spend(text: str, by: str | None) -> None:
    command = parse(text)
    assert isinstance(command, SpendCommand)
    assert command.by == by
    assert not command.per_user


def test_tokens_and_adoption_and_rankings() -> None:
    tokens = parse("tokens by token_type yesterday")
    assert isinstance(tokens, TokensCommand)
    assert (tokens.by, tokens.period.days) == ("token-type", 1)
    adoption = parse("adoption 30d")
    assert isinstance(adoption, AdoptionCommand)
    assert adoption.period.days == 30
    for kind in ("projects", "skills", "connectors"):
        ranking = parse(f"{kind} last-month --limit 3")
        assert isinstance(ranking, RankingCommand)
        assert (ranking.name, ranking.limit, ranking.period.label) == (kind, 3, "October 2026")
        assert not ranking.per_user


@pytest.mark.parametrize(
    ("text", "slack_id", "email", "user_id"),
    [
        ("user <@U0123ABC|ada> 30d", "U0123ABC", None, None),
        ("user <@U0123ABC|ada lovelace>", "U0123ABC", None, None),
        ("user <@W99>", "W99", None, None),
        ("user Ada@Example.com", None, "ada@example.com", None),
        ("user <mailto:ada@example.com|ada@example.com> 7d", None, "ada@example.com", None),
        ("user user_01HZX3", None, None, "user_01HZX3"),
    ],
)
def test_user_targets(
    text: str, slack_id: str | None, email: str | None, user_id: str | None
) -> None:
    command = parse(text)
    assert isinstance(command, UserCommand)
    assert (command.target.slack_id, command.target.email, command.target.user_id) == (
        slack_id,
        email,
        user_id,
    )
    assert command.per_user
    resolved = command.with_email("x@example.com")
    assert resolved.target.email == "x@example.com"
    assert resolved.target.raw == command.target.raw


def test_user_help_offers_me_and_its_example_works_in_slack() -> None:
    only = help_text("user")
    assert 'user <@someone|email|"name"|me> [period]' in only
    assert "e.g. user me 30d" in only
    # `me` is part of the grammar; the surface resolves it to the asker.
    example = only.split("e.g. ", 1)[1].split(",", 1)[0]
    command = parse(example)
    assert isinstance(command, UserCommand)
    assert command.target.me
    assert command.target.living
    shared = parse("--share user me 30d")  # --share is allowed anywhere, even before `user`
    assert isinstance(shared, UserCommand)
    assert shared.share
    assert shared.target.me
    assert (command.period.start, command.period.end) == (date(2026, 10, 26), date(2026, 11, 24))


def test_compare_forms() -> None:
    week = parse("compare")
    assert isinstance(week, CompareCommand)
    assert week.mode == "week"
    assert (week.period.start, week.period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert (week.previous.start, week.previous.end) == (date(2026, 11, 9), date(2026, 11, 15))
    month = parse("compare month")
    assert isinstance(month, CompareCommand)
    assert (month.period.start, month.previous.start, month.previous.end) == (
        date(2026, 10, 1),
        date(2026, 9, 1),
        date(2026, 9, 30),
    )
    custom = parse("compare 7d")
    assert isinstance(custom, CompareCommand)
    assert custom.mode == "period"
    assert custom.previous.end == date(2026, 11, 17)
    assert week.per_user


def test_finance_status_export_share() -> None:
    assert parse("finance") == FinanceCommand()
    assert parse("status --share") == StatusCommand(share=True)
    assert parse("--share finance") == FinanceCommand(share=True)
    assert parse("help --share") == HelpCommand(share=True)
    export = parse("export top-spenders last-month --list --share")
    assert isinstance(export, ExportCommand)
    assert export.share
    assert isinstance(export.report, TopSpendersCommand)
    assert export.report.by_list_price
    assert export.per_user
    assert not parse("export spend").per_user  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Tell me which report you want"),
        ("   ", "Tell me which report you want"),
        ("banana", "`banana` is not a /claude-usage subcommand."),
        (
            "top-spenders --limit banana",
            "`--limit` needs a whole number from 1 to 100, not `banana`.",
        ),
        ("top-spenders --limit 0", "not `0`"),
        ("top-spenders --limit 101", "not `101`"),
        ("top-spenders --limit", "`--limit` needs a value"),
        ("top-spenders --product", "`--product` needs a value"),
        ("top-spenders --product '<b>'", "is not a valid product name"),
        ("top-spenders --color red", "`--color` is not an option of `top-spenders`"),
        ("spend --list", "`--list` is not an option of `spend`."),
        (
            "spend by color",
            "`by color` is not a breakdown of spend; use by product, by model or by cost-type.",
        ),
        ("tokens by cost-type", "is not a breakdown of tokens"),
        ("spend by", "`by` needs a breakdown"),
        ("spend 7d 30d", "I don't understand `30d`"),
        ("finance 7d", "`finance` takes no period"),
        ("user", "Say whose usage to show"),
        ("user bob", "`bob` is not a person"),
        ("export", "Say which report to export"),
        ("export help", "`help` cannot be exported"),
    ],
)
def test_command_errors(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert message in str(caught.value)
    sub = (text.split() or [""])[0]
    # A mistake inside a subcommand shows that subcommand's lines; anything else, every line.
    expected = help_text(sub) if sub in SUBCOMMANDS and sub not in ("export", "help") else USAGE
    assert caught.value.usage == expected
    assert isinstance(caught.value, InputError)


def test_bad_periods_surface_as_period_errors() -> None:
    with pytest.raises(PeriodError, match="`banana` is not a period"):
        parse("spend banana")
    with pytest.raises(PeriodError, match="before 2026-01-01"):
        parse("compare 2025-12-01")
