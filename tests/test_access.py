"""One access rule on every surface (`bot.reports.access`): the slash command, a routed DM, the
ask tools and the keyless router behind `claude-usage ask --as` and the console.

The scenario of issue 19: an address belonged to an account that was since deleted, and now
belongs to a member with no usage of their own yet. However the member names themselves (`me`,
their email), they see their own living account, never the former owner's spend.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.reports.access import Refused, authorize
from bot.reports.commands import UserCommand, parse_command
from bot.reports.privacy import MIN_GROUP, SMALL_KEY, people_per_key
from bot.reports.profile import UnknownUserError
from bot.reports.types import SpendSeries
from tests.ask_fixtures import ADMIN_ASKER
from tests.fakes.slack_env import ADMIN, STRANGER, TODAY, SlackEnv
from tools.handlers import ToolContext, run_tool
from tools.report_tools import Asker
from tools.session import fallback

pytest_plugins = ["tests.fakes.slack_fixtures"]

WEEK = ("2026-11-13", "2026-11-19")  # `7d` on Nov 20
NEW_HIRE = "stranger@elsewhere.example"  # STRANGER's Slack address, unknown to Claude so far


def plant_former_owner(path: Path, email: str = NEW_HIRE) -> str:
    """Make the week's top spender a deleted account whose `/users` rows carried `email` (the
    cost API withdrew it, as it does for deleted users); returns that account's id."""
    with sqlite3.connect(path) as conn:
        (former,) = conn.execute(
            "SELECT user_id FROM user_cost WHERE day BETWEEN ? AND ? GROUP BY user_id "
            "ORDER BY sum(amount_microcents) DESC LIMIT 1",
            WEEK,
        ).fetchone()
        conn.execute(
            "UPDATE directory SET deleted = 1, email = NULL, name = 'Deleted User' "
            "WHERE user_id = ?",
            (former,),
        )
        conn.execute("UPDATE user_activity SET email = ? WHERE user_id = ?", (email, former))
    return str(former)


def text_of(env: SlackEnv, words: str, user: str) -> str:
    reply = env.ask(words, user)
    return " ".join(str(b.get("text", {}).get("text", "")) for b in reply.blocks)


def test_a_member_typing_their_own_email_never_sees_its_former_owner(
    make_slack_env: Callable[..., SlackEnv], ask_store_path: Path
) -> None:
    plant_former_owner(ask_store_path)
    env = make_slack_env(store=ask_store_path)
    mine = text_of(env, "user me 7d", STRANGER)
    assert mine.startswith(":warning:")
    assert NEW_HIRE in mine
    for words in (f"user {NEW_HIRE} 7d", f"user {NEW_HIRE.upper()} 7d", f"user <@{STRANGER}>"):
        typed = text_of(env, words, STRANGER)
        assert "$" not in typed, words
        assert typed.startswith(":warning:"), words
        assert NEW_HIRE in typed, words
    # Admins look people up: the address still finds the deleted account for them.
    assert "$" in text_of(env, f"user {NEW_HIRE} 7d", ADMIN)


def test_a_routed_dm_naming_the_askers_email_never_shows_the_former_owner(
    make_slack_env: Callable[..., SlackEnv], ask_store_path: Path
) -> None:
    plant_former_owner(ask_store_path)
    env = make_slack_env(store=ask_store_path)
    event = {"type": "message", "channel": "D0STRANGER", "channel_type": "im", "user": STRANGER,
             "text": f"how much has {NEW_HIRE} spent", "ts": "1764000100.000100",
             "event_ts": "1764000100.000100"}  # fmt: skip
    assert env.sender.event(event).status_code == 200
    (posted,) = env.fake.wait_for("chat.postMessage")
    text = json.dumps(posted.blocks, ensure_ascii=False)
    assert f"I read this as: usage of {NEW_HIRE}" in text
    assert "$" not in text


def test_ask_tools_and_the_keyless_router_never_show_the_former_owner(
    make_ctx: Callable[..., ToolContext], ask_store_path: Path
) -> None:
    former = plant_former_owner(ask_store_path)
    member = Asker("UNEWHIRE01", is_admin=False, email=NEW_HIRE)
    ctx = make_ctx(member)
    for person in ("me", NEW_HIRE, NEW_HIRE.upper()):  # a member only ever gets my_usage
        outcome = run_tool("user_usage", {"person": person, "period": "7d"}, ctx)
        assert outcome.is_error, person
        assert former not in outcome.content, person
        assert "$" not in outcome.content, person
    mine = run_tool("my_usage", {"period": "7d"}, ctx)
    assert mine.is_error
    assert former not in mine.content
    # `claude-usage ask --as stranger@elsewhere.example`, without an Anthropic key.
    for question in ("what's my usage", f"how much has {NEW_HIRE} spent"):
        with pytest.raises(UnknownUserError, match=NEW_HIRE):  # the sentence Slack shows too
            fallback(question, ctx, thread=f"t:{question}")
    admin = run_tool("user_usage", {"person": NEW_HIRE, "period": "7d"}, make_ctx(ADMIN_ASKER))
    assert json.loads(admin.content)["person"]["user_id"] == former


def test_the_keyless_router_folds_small_groups_for_a_member(
    make_ctx: Callable[..., ToolContext], ask_store_path: Path
) -> None:
    question = "spend by product last week"
    member = make_ctx(Asker("UUSER00001", is_admin=False, email="someone@example.com"))
    admin = make_ctx(ADMIN_ASKER)
    mine, everything = fallback(question, member, thread="a"), fallback(question, admin, thread="b")
    assert mine.command is not None
    assert mine.command.min_group == MIN_GROUP
    assert isinstance(mine.result, SpendSeries)
    assert isinstance(everything.result, SpendSeries)
    days = list(everything.result.period.each_day())
    people = people_per_key(member.db, "user_cost", "product", days)
    small = {r.key for r in everything.result.breakdown if people.get(r.key, 0) < MIN_GROUP}
    assert small, "the fixture org should have a product fewer than 5 people used last week"
    shown = {r.key for r in mine.result.breakdown}
    assert not shown & small
    assert SMALL_KEY in shown
    assert mine.result.total_microcents == everything.result.total_microcents


def test_the_rule_itself() -> None:
    member = Asker("U0MEMBER01", is_admin=False, email="ada@example.com")
    typed = parse_command("user ADA@example.com", today=TODAY)
    assert isinstance(typed, UserCommand)
    assert authorize(typed, member).target.own
    assert authorize(typed, member).target.living
    assert not authorize(typed, ADMIN_ASKER).target.living  # an admin's lookup, as typed
    for words, what in (
        ("user bob@example.com", "Other people's usage"),
        ("top-spenders", "Per-user spend"),
        ("compare week", "Per-user data"),
        ("export spend", "Exporting reports"),
    ):
        with pytest.raises(Refused) as refused:
            authorize(parse_command(words, today=TODAY), member)
        assert refused.value.what == what
    assert authorize(parse_command("spend by product", today=TODAY), member).min_group == 5
    assert authorize(parse_command("spend by product", today=TODAY), ADMIN_ASKER).min_group is None
