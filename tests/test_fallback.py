"""The keyless router: free-form DMs → the exact `/claude-usage` words, always runnable.

`today` is fixed (Thursday 2026-12-03) so month names, `since` and clamping are deterministic:
this-week is Nov 30 – Dec 3, last-week Nov 23 – 29, last-month is November 2026.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.reports.commands import SUBCOMMANDS, Command, parse_command
from bot.reports.usage import MANAGEMENT
from tools.fallback import FALLBACK_NOTE, INTENTS, Route, route

TODAY = date(2026, 12, 3)

PHRASINGS: list[tuple[str, str]] = [
    # top spenders
    ("top spenders last week", "top-spenders last-week"),
    ("Top Spenders LAST WEEK!!", "top-spenders last-week"),
    ("top spender this week??", "top-spenders this-week"),
    ("who spent the most in October", "top-spenders 2026-10-01..2026-10-31"),
    ("Who spent the most in Oct 2026?", "top-spenders 2026-10-01..2026-10-31"),
    ("biggest Claude Code users this month", "top-spenders mtd --product claude_code"),
    ("top 5 spenders in the past 14 days", "top-spenders 14d --limit 5"),
    ("top ten spenders yesterday", "top-spenders yesterday --limit 10"),
    ("top spenders on claude-opus-5 last month", "top-spenders last-month --model claude-opus-5"),
    ("top spenders at list price, last 30 days", "top-spenders 30d --list"),
    ("who spent the most on the 3rd of November", "top-spenders 2026-11-03"),
    ("who uses Claude Code", "top-spenders 30d --product claude_code"),
    ("who's using Cowork the most?", "top-spenders 30d --product cowork"),
    ("which engineers use chrome", "top-spenders 30d --product claude_in_chrome"),
    ("heaviest Office users last week", "top-spenders last-week --product office_agent"),
    # spend
    ("how much did we spend in October", "spend 2026-10-01..2026-10-31"),
    ("How much have we spent so far this month?", "spend mtd"),
    ("spend by model last 30 days", "spend 30d by model"),
    ("what did Opus cost us this month", "spend mtd by model"),
    ("what did claude-opus-5 cost us this month", "spend mtd by model"),  # what it cost us
    ("spend per product last month", "spend last-month by product"),
    ("claude code spend last month", "spend last-month by product"),
    ("what's our bill for November by cost type", "spend 2026-11-01..2026-11-30 by cost-type"),
    ("cost since Nov 1", "spend 2026-11-01..2026-12-02"),
    ("spend from Nov 2 to Nov 15", "spend 2026-11-02..2026-11-15"),
    ("spend 2026-10-01..2026-10-31", "spend 2026-10-01..2026-10-31"),
    ("Spend, Oct 5th", "spend 2026-10-05"),
    ("spend in december", "spend mtd"),
    # tokens
    ("token usage by product", "tokens by product"),
    ("tokens by model last week", "tokens last-week by model"),
    ("how many output tokens yesterday", "tokens yesterday by token-type"),
    ("token usage by type past two weeks", "tokens 14d by token-type"),
    ("Sonnet tokens today", "tokens today by model"),
    # adoption
    ("adoption this month", "adoption mtd"),
    ("how many people are active", "adoption"),
    ("DAU", "adoption"),
    ("seat utilisation last 30 days", "adoption 30d"),
    ("How's the Claude Code rollout going?", "adoption"),
    # compare
    ("compare this week with last", "compare week"),
    ("week over week", "compare week"),
    ("month over month", "compare month"),
    ("compare last month vs the month before", "compare month"),
    ("compare the last 30 days", "compare 30d"),
    # status
    ("how fresh is the data", "status"),
    ("when was the last sync?", "status"),
    ("is the data up to date", "status"),
    # per person
    ("what's my usage", "user me"),
    ("What’s my spend this month?", "user me mtd"),
    ("how much have I spent", "user me"),
    ("usage for ada@example.com last week", "user ada@example.com last-week"),
    ("usage for Ada@Example.com last week", "user ada@example.com last-week"),
    ("usage for Ada last week", 'user "Ada" last-week'),  # a name: admins look it up
    ("<@U123ABC> this month", "user <@U123ABC> mtd"),
    ("<@U123ABC|ada> last 30 days", "user <@U123ABC|ada> 30d"),
    (
        "how much did <mailto:ada@example.com|ada@example.com> spend in November",
        "user ada@example.com 2026-11-01..2026-11-30",
    ),
    # rankings
    ("top projects", "projects"),
    ("top 3 projects last month", "projects last-month --limit 3"),
    ("most used skills", "skills"),
    ("which connectors are popular", "connectors"),
    ("MCP integrations last 7 days", "connectors 7d"),
    # finance
    ("budget", "finance"),
    ("forecast for this month", "finance"),
    ("month to date", "finance"),
    ("projected spend", "finance"),
    ("how many idle seats do we have", "finance"),
    # help
    ("help", "help"),
    ("what can you do?", "help"),
]


@pytest.mark.parametrize(("question", "words"), PHRASINGS)
def test_phrasing_routes_to_its_report(question: str, words: str) -> None:
    routed = route(question, today=TODAY)
    assert routed.words == words
    assert routed.matched
    assert routed.explanation.startswith("I read this as: ")


def parse(words: str, today: date = TODAY) -> Command:
    """As the Slack layer does it: `user me` becomes the asker's mention, then the grammar."""
    return parse_command(words, today=today)


@pytest.mark.parametrize(("question", "words"), PHRASINGS)
def test_every_routed_command_parses(question: str, words: str) -> None:
    command = parse(route(question, today=TODAY).words)
    period = getattr(command, "period", None)
    assert period is None or date(2026, 1, 1) <= period.start <= period.end <= TODAY


def test_the_table_is_large_and_covers_every_report() -> None:
    assert len(PHRASINGS) >= 40
    routed = {route(question, today=TODAY).words.split()[0] for question, _ in PHRASINGS}
    assert routed == set(SUBCOMMANDS) - {"export", *MANAGEMENT}  # no question manages the bot
    assert {sub for sub, _, _ in INTENTS.values()} == routed


def test_explanations_read_as_one_plain_sentence() -> None:
    assert route("spend last month by product", today=TODAY).explanation == (
        "I read this as: spend last month by product."
    )
    assert route("who uses claude code", today=TODAY).explanation == (
        "I read this as: top spenders over the last 30 days in claude_code."
    )
    assert route("what's my usage", today=TODAY).explanation == (
        "I read this as: your own usage over the last 7 days."
    )


@pytest.mark.parametrize(
    ("today", "question", "words"),
    [
        (TODAY, "spend in January", "spend 2026-01-01..2026-01-31"),
        (TODAY, "spend in October 2026", "spend 2026-10-01..2026-10-31"),
        (TODAY, "spend in december", "spend mtd"),
        (date(2026, 3, 15), "spend in February", "spend 2026-02-01..2026-02-28"),
        (date(2026, 3, 15), "spend in march", "spend mtd"),
        (date(2027, 2, 10), "spend in October", "spend 2026-10-01..2026-10-31"),
        (date(2027, 2, 10), "spend since Dec 1", "spend 2026-12-01..2027-02-09"),
        (TODAY, "spend in May", "spend 2026-05-01..2026-05-31"),
        (TODAY, "may I see spend by cost type", "spend by cost-type"),
    ],
)
def test_a_month_without_a_year_is_the_latest_not_after_today(
    today: date, question: str, words: str
) -> None:
    assert route(question, today=today).words == words
    parse(words, today)


@pytest.mark.parametrize(
    ("question", "words", "said"),
    [
        ("spend in January 2027", "spend", "is in the future"),
        ("spend next month", "spend", "is in the future"),
        ("spend for December 2025", "spend", "is before the data"),
        ("top spenders last year", "top-spenders", "is before the data"),
        ("who uses code in 2025-11-01..2025-11-30", "top-spenders 30d --product claude_code", ""),
        ("adoption last 400 days", "adoption 2026-01-01..2026-12-02", "shortened"),
        ("spend from 2026-11-15 to 2027-01-31", "spend 2026-11-15..2026-12-03", "shortened"),
        ("spend from 2025-12-01 to 2026-01-15", "spend 2026-01-01..2026-01-15", "shortened"),
    ],
)
def test_future_and_pre_2026_periods_keep_the_report_and_say_so(
    question: str, words: str, said: str
) -> None:
    routed = route(question, today=TODAY)
    assert routed.words == words
    assert routed.matched
    assert said in routed.explanation
    assert "default" in routed.explanation or "shortened" in routed.explanation
    parse(routed.words)


def test_the_default_period_is_fitted_in_the_first_days_of_data() -> None:
    early = date(2026, 1, 3)
    routed = route("top spenders", today=early)
    assert routed.words == "top-spenders 2026-01-01..2026-01-02"
    assert "shortened" in routed.explanation
    assert route("who uses chat", today=early).words.startswith("top-spenders 2026-01-01..")
    parse(routed.words, early)


def test_compare_in_the_first_days_uses_month_to_date_and_says_why() -> None:
    early = date(2026, 1, 5)  # last week still starts in 2025
    routed = route("compare this week with last", today=early)
    assert routed.words == "compare mtd"
    assert "no whole week of data yet" in routed.explanation
    parse(routed.words, early)


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 1, 9), date(2027, 6, 30)])
def test_every_phrasing_still_runs_on_other_days(today: date) -> None:
    for question, _ in PHRASINGS:
        parse(route(question, today=today).words, today)


def test_a_zero_day_period_becomes_one_day() -> None:
    assert route("spend 0d", today=TODAY).words == "spend 1d"


def test_model_families_never_become_made_up_model_ids() -> None:
    assert route("opus spend last week", today=TODAY).words == "spend last-week by model"
    routed = route("top spenders on opus", today=TODAY)
    assert routed.words == "top-spenders"
    assert "exact model id" in routed.explanation


@pytest.mark.parametrize(
    "question",
    ["what's the weather like", "hello", "", "   ", "🙂", "tell me a joke"],
)
def test_unmatched_questions_get_help_with_suggested_phrasings(question: str) -> None:
    routed = route(question, today=TODAY)
    assert routed.words == "help"
    assert not routed.matched
    assert '"top spenders last week"' in routed.explanation
    parse(routed.words)


def test_typed_help_is_a_match() -> None:
    routed = route("Help?", today=TODAY)
    assert (routed.words, routed.matched) == ("help", True)


def test_route_is_a_frozen_value_and_the_note_names_the_key() -> None:
    routed = route("adoption", today=TODAY)
    assert routed == route("adoption", today=TODAY)
    with pytest.raises(ValidationError):
        routed.words = "finance"  # type: ignore[misc]
    assert isinstance(routed, Route)
    assert "ANTHROPIC_API_KEY" in FALLBACK_NOTE
