"""The keyless router on the questions people really ask: the README's examples, the ones a new
user saw answered wrongly (issue 21), and near misses. Each gets the report that answers it, or
an honest decline naming the closest reports; never a different question answered confidently.

`QUESTIONS` is checked twice: the exact words routed to (pure, on Thursday 2026-12-03), and the
answer an admin and a member get from `tools.session.fallback` on the synced store (a member
asking for people is refused by the access rule, never by the router).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from bot.reports.types import Adoption, Comparison, Ranking, SpendSeries, UserProfile
from tests.ask_fixtures import ADMIN_ASKER
from tests.fakes.slack_env import ADMIN, USER, SlackEnv
from tools.fallback import route
from tools.handlers import ToolContext
from tools.report_tools import Asker
from tools.session import REFUSED, fallback

pytest_plugins = ["tests.fakes.slack_fixtures"]

TODAY = date(2026, 12, 3)  # a Thursday: last week is Nov 23–29, Tuesday was Dec 1
DECLINED = "declined"
Member = Literal["answered", "refused", "declined"]
README_EXAMPLES = (
    "who started using Claude Code last week?",
    "why did spend jump on Tuesday?",
    "which connectors do the people in the top 10 use?",
    "how much did Opus cost us this month vs last?",
)

QUESTIONS: list[tuple[str, str, Member]] = [
    # (question, the words it runs or DECLINED, what a member gets)
    # the README's examples
    ("who started using Claude Code last week?",
     "adoption last-week --people new --product claude_code", "refused"),
    ("why did spend jump on Tuesday?", "compare 2026-12-01", "refused"),
    ("which connectors do the people in the top 10 use?", DECLINED, "declined"),
    ("how much did Opus cost us this month vs last?", "spend mtd by model", "answered"),
    # what a new user saw answered as a different question (issue 21)
    ("what does Opus cost us vs Sonnet?", "spend by model", "answered"),
    ("what did Leslie Allen spend this month?", 'user "Leslie Allen" mtd', "refused"),
    ("which projects are most active?", "projects", "answered"),
    ("who hasn't used Claude in 30 days?", "adoption 30d --people lapsed", "refused"),
    # near misses: the same words meaning something else
    ("who were the top spenders last week?", "top-spenders last-week", "refused"),
    ("what did we spend this month?", "spend mtd", "answered"),
    ("what did I spend this month?", "user me mtd", "answered"),
    ("how much did leslie allen spend last week?", 'user "leslie allen" last-week', "refused"),
    ("Leslie Allen's usage in November", 'user "Leslie Allen" 2026-11-01..2026-11-30',
     "refused"),
    ("who started using Claude last week?", "adoption last-week --people new", "refused"),
    ("how many new users this month?", "adoption mtd", "answered"),
    ("who stopped using Cowork this month?", "adoption mtd --people lapsed --product cowork",
     "refused"),
    ("which costs more, Opus or Sonnet?", "spend by model", "answered"),
    ("opus tokens vs sonnet last week", "tokens last-week by model", "answered"),
    ("how much did Claude Code cost this month vs last?", "spend mtd by product", "answered"),
    ("compare this week with last", "compare week", "refused"),
    ("when did spend spike last month?", "spend last-month", "answered"),
    ("why did spend go up last week?", "compare week", "refused"),
    ("which projects are most active this month?", "projects mtd", "answered"),
    ("who uses Claude Code?", "top-spenders 30d --product claude_code", "refused"),
    ("which team spends the most?", DECLINED, "declined"),
    ("which skills do the top spenders use?", DECLINED, "declined"),
    ("why is adoption so low?", DECLINED, "declined"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "words", "gets"), QUESTIONS)
def test_each_question_runs_the_report_that_answers_it(
    question: str, words: str, gets: Member
) -> None:
    routed = route(question, today=TODAY)
    if words == DECLINED:
        assert (routed.declined, routed.matched) == (True, False)
        assert routed.explanation.startswith("I can't answer that without Claude: ")
        assert "The closest reports: `/claude-usage " in routed.explanation
        return
    assert routed.words == words
    assert (routed.matched, routed.declined) == (True, False)
    assert routed.explanation.startswith("I read this as: ")


def test_every_readme_example_is_in_the_table_and_the_readme_marks_the_one_that_needs_claude() -> (
    None
):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = {question: words for question, words, _ in QUESTIONS}
    for example in README_EXAMPLES:
        assert f'"{example}"' in readme
        needs_claude = f'"{example}" (needs Claude)' in readme
        assert needs_claude == (table[example] == DECLINED), example


def test_the_explanations_say_what_the_report_shows() -> None:
    said = {q: route(q, today=TODAY).explanation for q, *_ in QUESTIONS[:8]}
    assert said["who started using Claude Code last week?"] == (
        "I read this as: the people new to Claude Code last week (active in it then, not the "
        "week before)."
    )
    assert said["why did spend jump on Tuesday?"] == (
        "I read this as: what changed on Tue Dec 1 against the day before, and whose spend "
        "moved most. I can show what changed and who moved it, not why."
    )
    assert said["which connectors do the people in the top 10 use?"] == (
        "I can't answer that without Claude: it needs what one group of people uses, which "
        "joins two reports. The closest reports: `/claude-usage top-spenders --limit 10` and "
        "`/claude-usage connectors`."
    )
    assert said["how much did Opus cost us this month vs last?"] == (
        "I read this as: spend month to date by model (each against the same days last month)."
    )
    assert said["who hasn't used Claude in 30 days?"] == (
        "I read this as: the people who lapsed over the last 30 days (active during the 30 days "
        "before, not since)."
    )
    assert said["what did Leslie Allen spend this month?"] == (
        "I read this as: usage of Leslie Allen month to date."
    )


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("what did Leslie Allen spend?", "Leslie Allen"),
        ("has José Keller used Claude Code?", "José Keller"),
        ("usage of O'Brien", "O'Brien"),
        ("Mary-Jane Watson last 30 days", "Mary-Jane Watson"),
    ],
)
def test_a_display_name_becomes_a_quoted_user_target(question: str, name: str) -> None:
    assert route(question, today=TODAY).words.startswith(f'user "{name}"')


@pytest.mark.parametrize(
    "question",
    [
        "what did we spend?",
        "what does Opus cost us?",
        "what did claude code cost last week?",
        "what does Jane's team spend?",
        "how much did the org spend in October?",
        "token usage by type past two weeks",
        "Top Spenders LAST WEEK",
    ],
)
def test_what_is_not_a_person_is_never_looked_up(question: str) -> None:
    assert not route(question, today=TODAY).words.startswith("user")


def _real_name(path: Path) -> str:
    """A plain display name exactly one living person in the store has."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name FROM directory WHERE coalesce(deleted, 0) = 0 AND name IS NOT NULL "
            "GROUP BY name HAVING count(*) = 1 ORDER BY name"
        ).fetchall()
    return str(next(n for (n,) in rows if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", n)))


@pytest.mark.parametrize(("question", "words", "gets"), QUESTIONS)
def test_admins_get_the_answer_and_members_the_honest_refusal(
    question: str,
    words: str,
    gets: Member,
    make_ctx: Callable[..., ToolContext],
    member: Asker,
    ask_store_path: Path,
) -> None:
    name = _real_name(ask_store_path)
    asked = question.replace("Leslie Allen", name).replace("leslie allen", name.lower())
    boss = Asker(ADMIN_ASKER.user_id, is_admin=True, email=member.email)  # has usage of their own
    admin = fallback(asked, make_ctx(boss), thread="t-admin")
    if words == DECLINED:
        assert (admin.result, admin.refusal, admin.command) == (None, None, None)
    else:
        assert admin.refusal is None
        assert admin.result is not None
        _fits(words, admin.result, name)
    them = fallback(asked, make_ctx(member), thread="t-member")
    if gets == "refused":
        assert (them.refusal, them.result) == (REFUSED, None)
    elif gets == "declined":
        assert (them.result, them.refusal) == (None, None)
        assert them.explanation == admin.explanation
    else:
        assert them.refusal is None
        assert them.result is not None


def _fits(words: str, result: object, name: str) -> None:
    """The result is the report the words name (the words themselves are tested above)."""
    sub = words.split()[0]
    if sub == "adoption":
        assert isinstance(result, Adoption)
        assert (result.people is not None) == ("--people" in words)
    elif sub == "user" and "me" not in words.split():
        assert isinstance(result, UserProfile)
        assert result.user.name == name
    elif sub == "compare":
        assert isinstance(result, Comparison)
    elif sub == "spend":
        assert isinstance(result, SpendSeries)
        assert result.by == (words.split(" by ")[1] if " by " in words else None)
    elif sub == "projects":
        assert isinstance(result, Ranking)


def test_a_slack_dm_without_a_key_gets_the_person_and_the_decline(
    make_slack_env: Callable[..., SlackEnv], ask_store_path: Path
) -> None:
    """The DM listener routes the same way and answers through the slash command's path."""
    env = make_slack_env(store=ask_store_path)
    name = _real_name(ask_store_path)
    for n, (user, text) in enumerate(
        [
            (ADMIN, f"what did {name} spend this month?"),
            (USER, f"what did {name} spend this month?"),
            (ADMIN, "which connectors do the people in the top 10 use?"),
        ]
    ):
        ts = f"17640009{n:02}.000100"
        event = {"type": "message", "channel": "D0ADMIN001", "channel_type": "im",
                 "user": user, "text": text, "ts": ts, "event_ts": ts}  # fmt: skip
        assert env.sender.event(event).status_code == 200
    posted = env.fake.wait_for("chat.postMessage", 3)
    by_thread = {p.body["thread_ts"]: json.dumps(p.blocks, ensure_ascii=False) for p in posted}
    admin, member, declined = (by_thread[f"17640009{n:02}.000100"] for n in range(3))
    assert f"{name} · month to date" in admin
    assert f"I read this as: usage of {name} month to date." in admin
    assert "limited to Claude usage admins" in member
    assert f"{name} · month to date" not in member
    assert "I can't answer that without Claude" in declined
    assert "Top connectors" not in declined
    assert "top-spenders [period]" not in declined  # the sentence alone, not the help list
