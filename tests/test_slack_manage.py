"""`/claude-usage digest …` and `budget …` through the real HTTP app: who may, where, and what."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import time
from pathlib import Path

import pytest

from bot.alerts import budget_status
from bot.budgets import Budget
from bot.console.render import blocks_to_text
from bot.reports.privacy import MIN_GROUP, SMALL_LABEL, people_per_key
from bot.slack.blocks.format import usd
from bot.slack.blocks.primitives import MAX_BLOCKS, MAX_SECTION_TEXT
from bot.slack.manage import subscriptions_message
from bot.store.schema import open_store
from bot.store.subscriptions import Subscription, list_subscriptions, save_subscription
from tests.fakes.slack_env import ADMIN, DIGEST_CHANNEL, GENERAL, NOW, USER, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]


@pytest.fixture
def env(
    make_slack_env: Callable[..., SlackEnv], synced_store_path: Path, tmp_path: Path
) -> SlackEnv:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    return make_slack_env(store=store, tz="Europe/Berlin", alert_channel="C0ALERTS01")


def say(env: SlackEnv, words: str, user: str = ADMIN, channel: str = DIGEST_CHANNEL) -> str:
    reply = env.ask(words, user, channel_id=channel)
    assert reply.body.get("response_type") == "ephemeral"
    return blocks_to_text(reply.blocks)


def test_an_admin_subscribes_the_channel_and_everyone_can_list(env: SlackEnv) -> None:
    text = say(env, "digest subscribe daily 08:30 --with-people")
    assert (
        f"Subscribed #{DIGEST_CHANNEL}: the daily at 08:30 Europe/Berlin digest, with names of "
        "people (admins chose it), reporting the last complete UTC day." in text
    )
    assert "Next: Sat Nov 21, 08:30 CET (07:30 UTC)." in text
    info = env.fake.requests("conversations.info")
    assert [r.body["channel"] for r in info] == [DIGEST_CHANNEL]
    text = say(env, "digest subscribe weekly friday 16:00 America/New_York --product code")
    assert "weekly on Friday at 16:00 America/New_York" in text
    (daily, weekly) = list_subscriptions(open_store(str(env.store_path)))
    assert (daily.kind, daily.with_people, daily.created_by) == ("daily", True, ADMIN)
    assert (weekly.product, weekly.weekday, weekly.with_people) == ("claude_code", 4, False)
    listed = say(env, "digest list", USER)
    assert (
        f"#{DIGEST_CHANNEL}: daily at 08:30 Europe/Berlin (with names); next Sat Nov 21" in listed
    )
    assert "weekly on Friday at 16:00 America/New_York (Claude Code only)" in listed
    assert "You will no longer" not in say(env, "digest unsubscribe weekly")
    assert len(list_subscriptions(open_store(str(env.store_path)))) == 1


def test_only_admins_manage_digests(env: SlackEnv) -> None:
    text = say(env, "digest subscribe --with-people", USER)
    assert "Managing digests is limited to Claude usage admins" in text
    assert "Managing digests" in say(env, "digest preview", USER)
    assert list_subscriptions(open_store(str(env.store_path))) == []


def test_the_bot_must_be_in_the_channel(env: SlackEnv) -> None:
    env.fake.leave(DIGEST_CHANNEL)
    text = say(env, "digest subscribe")
    assert "I'm not in #C0DIGEST01 yet" in text
    assert "/invite @claude-usage" in text
    assert list_subscriptions(open_store(str(env.store_path))) == []
    assert "not in a direct message" in say(env, "digest subscribe", channel="D0ADMIN001")


def test_preview_shows_the_channel_its_digest_without_posting(env: SlackEnv) -> None:
    text = say(env, "digest preview weekly")
    assert text.startswith("Preview, only you can see it")
    assert "Claude weekly digest · Nov 9 – Nov 15, 2026" in text
    assert "Top spenders" not in text  # names only for a subscription with --with-people
    assert env.fake.requests("chat.postMessage") == []


def test_budgets_are_set_by_admins_and_shown_to_everyone(env: SlackEnv) -> None:
    assert "Setting budgets is limited" in say(env, "budget set 5000", USER)
    text = say(env, "budget set $5,000")
    assert "Organisation: $5,000.00 a month; $" in text
    assert "Alerts go to #C0ALERTS01 at 50%, 80% and 100%" in text
    say(env, "budget set 2500.50 --product claude_code")
    assert "Claude Code: $2,500.50 a month" in say(env, "budget show")
    shown = say(env, "budget show", USER)  # Claude Code: fewer than 5 people, folded (below)
    assert "Organisation: $5,000.00 a month" in shown
    assert "spent through Nov 19" in shown
    assert "Removed the Claude Code budget." in say(env, "budget clear --product code")
    assert "There is no Claude Code budget." in say(env, "budget clear --product code")


def test_a_members_budget_show_folds_products_fewer_than_five_people_used(env: SlackEnv) -> None:
    month = [NOW.date().replace(day=n) for n in range(1, NOW.day)]
    people = people_per_key(open_store(str(env.store_path)), "user_cost", "product", month)
    assert people["claude_code"] < MIN_GROUP <= people["chat"]  # the fixture org, this month
    assert people["cowork"] < MIN_GROUP
    for words in ("budget set 5000", "budget set 3000 --product code", "budget set 500 --product "
                  "cowork", "budget set 400 --product chat"):  # fmt: skip
        say(env, words)
    admin = say(env, "budget show")
    assert "Claude Code: $3,000.00 a month" in admin
    assert "Cowork: $500.00 a month" in admin
    shown = say(env, "budget show", USER)
    assert "Claude Code" not in shown
    assert "Cowork" not in shown
    assert "Organisation: $5,000.00 a month" in shown
    assert "Claude chat: $400.00 a month" in shown  # 5 people or more: shown as it is
    db = open_store(str(env.store_path))
    code, cowork = (
        budget_status(db, Budget(p, 1), NOW.date()).spent_microcents
        for p in ("claude_code", "cowork")
    )
    assert f"{SMALL_LABEL}: $3,500.00 a month; {usd(code + cowork)} spent through Nov 19" in shown
    assert "2 products used by fewer than 5 people are not shown on their own" in shown


def test_an_absurd_budget_is_one_sentence_and_changes_nothing(
    env: SlackEnv, caplog: pytest.LogCaptureFixture
) -> None:
    say(env, "budget set 5000")
    text = say(env, "budget set 92233720368.55")
    assert "A monthly budget can be at most $1,000,000,000" in text
    assert "Traceback" not in caplog.text
    assert "Organisation: $5,000.00 a month" in say(env, "budget show")
    assert "Organisation: $1,000,000,000.00 a month" in say(env, "budget set 1000000000")


ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Auckland", "UTC")


def many_subscriptions(count: int) -> list[Subscription]:
    return [
        Subscription(
            channel=f"C{n:09d}",
            kind="weekly" if n % 3 else "daily",
            at=time(n % 24, 30),
            tz=ZONES[n % len(ZONES)],
            weekday=n % 7,
            with_people=n % 2 == 0,
            product="claude_code" if n % 4 == 0 else None,
        )
        for n in range(count)
    ]


def test_digest_list_shows_every_subscription(
    make_slack_env: Callable[..., SlackEnv], synced_store_path: Path, tmp_path: Path
) -> None:
    """81 subscriptions once showed as 26, cut at 3,000 characters in the middle of a word."""
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    subs = many_subscriptions(81)
    env = make_slack_env(store=store, digest_channels=",".join(s.channel for s in subs))
    db = open_store(str(store))
    for sub in subs:
        save_subscription(db, sub, now=NOW)
    db.close()
    reply = env.ask("digest list", USER, channel_id=DIGEST_CHANNEL)
    sections = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(text) <= MAX_SECTION_TEXT for text in sections)
    lines = [line for text in sections for line in text.split("\n")][1:]
    assert len(lines) == 81
    assert {line.split(":")[0] for line in lines} == {f"• <#C{n:09d}>" for n in range(81)}
    assert all(re.search(r"^• <#C\d{9}>: .+; next .+ UTC\)?$", line) for line in lines)
    assert "more" not in blocks_to_text(reply.blocks)


def test_a_list_past_fifty_blocks_says_how_many_more() -> None:
    subs = many_subscriptions(2000)
    message = subscriptions_message(subs, NOW)
    assert len(message.blocks) == MAX_BLOCKS
    sections = [b["text"]["text"] for b in message.blocks[:-1]]
    assert all(len(text) <= MAX_SECTION_TEXT for text in sections)
    lines = [line for text in sections for line in text.split("\n")][1:]
    assert all(re.search(r"^• <#C\d{9}>: .+; next .+ UTC\)?$", line) for line in lines)
    (more,) = message.blocks[-1]["elements"]
    left = 2000 - len(lines)
    assert more["text"] == f"…and {left:,} more subscriptions (a Slack message holds no more)."


@pytest.mark.parametrize("channel", [DIGEST_CHANNEL, GENERAL])
def test_a_channel_gets_digests_exactly_where_answers_may_be_shared(
    env: SlackEnv, channel: str
) -> None:
    """One rule for what a whole channel reads (`may_post_figures`): an admin's `--share` of
    organisation spend and a digest of it (here with names) go to the same channels, the
    configured digest channels, and nowhere else."""
    shared = env.ask("spend 7d --share", ADMIN, channel_id=channel)
    may_share = shared.body.get("response_type") == "in_channel"
    text = say(env, "digest subscribe daily 08:30 --with-people", ADMIN, channel)
    subscribed = [s.channel for s in list_subscriptions(open_store(str(env.store_path)))]
    assert (subscribed == [channel]) is may_share is (channel == DIGEST_CHANNEL)
    if not may_share:
        assert text.strip() == (
            f"⚠ #{channel} is not a digest channel: a digest, like an answer shared with --share, "
            f"is posted only in #{DIGEST_CHANNEL}. Whoever runs the bot lists them in "
            "CLAUDE_USAGE_DIGEST_CHANNELS."
        )


def test_one_budget_and_one_subscription_are_counted_in_the_singular(tmp_path: Path) -> None:
    """The notification text said "1 budgets." (and "1 digest subscriptions.")."""
    from bot.budgets import set_budget
    from bot.slack.manage import budgets_message

    db = open_store(str(tmp_path / "store.db"))
    set_budget(db, Budget("", 100 * 100_000_000), now=NOW)
    assert budgets_message(db, NOW.date()).text == "1 budget."
    set_budget(db, Budget("claude_code", 50 * 100_000_000), now=NOW)
    assert budgets_message(db, NOW.date()).text == "2 budgets."
    (one,) = many_subscriptions(1)
    assert subscriptions_message([one], NOW).text == "1 digest subscription."
    assert subscriptions_message(many_subscriptions(2), NOW).text == "2 digest subscriptions."
