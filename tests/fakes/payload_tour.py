"""A tour of every Slack surface, so a check can read everything the app sends to Slack.

    Tour(env, claude=…).run()             drives the real app as admin and as member, on a
                                          store with hostile names (`tests.fakes.tour_store`):
                                          every `/claude-usage` subcommand (a couple of periods
                                          each, mistakes too), every button of every answer, App
                                          Home and its buttons, DMs (keyless router, and Claude
                                          played by the fake Anthropic API: streams, task cards,
                                          a sentence longer than a stream chunk, a refused stream
                                          and its long fallback post, the assistant panel, 👍/👎),
                                          digests posted with their charts (one for a hostile
                                          product), 83 subscriptions listed, budget and anomaly
                                          alerts with escalation and Acknowledge/Snooze, the
                                          admins' key notice. `Tour.seen` says what was covered.
    run_tour(store, user_email=…)         the tour; every request Slack got, what may be
                                          mentioned, what was covered

    python -m tests.fakes.payload_tour --users 3000 --since 2026-09-01

runs the same tour on a large organisation and prints every problem `slack_limits` finds.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from bot.alerts import budget_status
from bot.budgets import Budget
from bot.digest.model import DigestSpec
from bot.digest.schedule import report_period
from bot.slack.alert_blocks import ACTION_ALERT
from bot.slack.alert_post import AlertPublisher
from bot.slack.assistant.stream import ACTION_FEEDBACK
from bot.slack.auth import Directory
from bot.slack.blocks.message import ACTION_PREFIX
from bot.slack.digest_post import publish_digest
from bot.slack.notices import key_rejected_message, tell_admins
from bot.slack.once import Poster
from bot.store.freshness import read_freshness
from bot.store.runs import SyncRun
from bot.store.schema import open_store
from bot.store.subscriptions import (
    DigestKind,
    Subscription,
    list_subscriptions,
    save_subscription,
)
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.anthropic_script import RecordedMessagesRequest, Step, reply, tool_use
from tests.fakes.slack_api import Recorded
from tests.fakes.slack_env import (
    ADMIN,
    DIGEST_CHANNEL,
    GENERAL,
    NOW,
    STRANGER,
    USER,
    SlackEnv,
    running_slack_env,
)
from tests.fakes.slack_limits import Allowed
from tests.fakes.tour_store import HOSTILE_PRODUCT, build_store, hostile_email

ALERTS = "C0ALERTS01"
SUBSCRIPTIONS = 81
"""Channels subscribed to a digest besides the tour's own: more than one section can list."""
LONG_SENTENCE = "Spend " + "grew" * 3_300
"""A streamed "sentence" with no stop or line break, longer than chat.appendStream takes."""
LONG_ANSWER = "A sentence of the answer. " * 700
"""An answer of about 18,000 characters, posted instead of streamed when Slack refuses the
stream: all of it must arrive, not its first 3,000 characters."""
THREADS = {ADMIN: "1764000400.000400", USER: "1764000500.000500"}
"""Each person's assistant thread, in their own DM with the bot."""


def allowed(env: SlackEnv) -> Allowed:
    """What the app may mention: the workspace's people and admins, the channels it knows (its
    settings', the tour's and every subscribed one), the admin user group."""
    settings = env.settings
    db = open_store(str(env.store_path))
    try:
        subscribed = {sub.channel for sub in list_subscriptions(db)}
    finally:
        db.close()
    return Allowed(
        users=frozenset(env.fake.state.users) | settings.admins,
        channels=frozenset(
            {GENERAL, DIGEST_CHANNEL, ALERTS, *settings.digest_channels, *subscribed}
        ),
        groups=frozenset({settings.admin_usergroup} if settings.admin_usergroup else ()),
    )


def dm_of(user: str) -> str:
    """A person's DM with the bot (the fake's conversations.open answers the same)."""
    return "D" + user[1:]


def words_for(email: str) -> list[str]:
    """Every subcommand of `help`, a couple of periods each, and the usual mistakes."""
    return [
        "help",
        "",
        "top-spenders 7d",
        "top-spenders 30d --list --limit 100",
        "top-spenders last-week --product claude_code",
        "spend 7d",
        "spend 30d by product",
        "spend last-month by model",
        "spend mtd by cost-type",
        "tokens yesterday by model",
        "tokens 30d by token-type",
        "tokens 2026-10-15..2026-10-31 by product",
        "adoption 7d",
        "adoption last-month",
        "user me 7d",
        f"user {email} 30d",
        f"user <@{USER}|someone> last-week",
        "user <!channel> 7d",
        "projects 7d --limit 100",
        "projects 30d",
        "skills 30d --limit 100",
        "skills last-week",
        "connectors mtd --limit 100",
        "connectors 2026-11",
        "compare week",
        "compare month",
        "finance",
        "status",
        "export top-spenders 7d",
        "export projects 30d",
        "digest list",
        "budget show",
        "frobnicate <@U123ABC> <!here> *bold*",
        "top-spender 7d",
        "compare wek",
        "spend 2025-01",
        "spend 30d by colour",
    ]


def claude_answer(request: RecordedMessagesRequest) -> str:
    """Claude's answer quoting what the tool returned: names as the API sent them."""
    result = json.loads(request.tool_results()[0].content)
    rows = result.get("rows") or []
    lines = [f"Here is what I found ({result.get('period', {}).get('label', 'that period')}):"]
    for row in rows[:12]:
        value = row.get("spend") or row.get("score") or row.get("value") or ""
        lines.append(f"- **{row.get('name') or row.get('key')}**: {value}")
    if "error" in result:
        lines.append(str(result["error"]))
    return "\n".join(lines)


CLAUDE_QUESTIONS: tuple[tuple[str, str, tuple[Step, ...]], ...] = (
    (ADMIN, "who were the top spenders last week?",
     (reply(tool_use("top_spenders", {"period": "last-week"})), claude_answer)),
    (ADMIN, "which projects were busiest this month?",
     (reply(tool_use("projects", {"period": "30d", "limit": 25})), claude_answer)),
    (ADMIN, "and which skills and connectors?",
     (reply(tool_use("skills", {"period": "30d"}), tool_use("connectors", {"period": "30d"})),
      claude_answer)),
    (USER, "how much have I used Claude this month?",
     (reply(tool_use("my_usage", {"period": "mtd"})), "You spent what the tool says.")),
    (USER, "who spends most?",
     (reply(tool_use("top_spenders", {"period": "7d"})), claude_answer)),
    (ADMIN, "tell me everything about spend",
     (reply(tool_use("spend", {"period": "7d"})), LONG_SENTENCE)),
)  # fmt: skip
KEYLESS_QUESTIONS = (
    (ADMIN, "top spenders last week"),
    (ADMIN, "spend by model in the last 30 days"),
    (ADMIN, "which projects are busiest? <!channel>"),
    (USER, "how is adoption going this month?"),
    (USER, "how much did I use this month"),
    (USER, "tell me a joke"),
)


@dataclass
class Tour:
    """Drives `env` (and `claude`, the same app with an Anthropic key) through every surface."""

    env: SlackEnv
    claude: tuple[SlackEnv, FakeAnthropic] | None = None
    seen: Counter[str] = field(default_factory=Counter)
    clicked: set[tuple[str, str, str]] = field(default_factory=set)
    """(person, action_id, subcommand) pressed: each kind of button once per report and person."""

    def run(self) -> None:
        email = hostile_email(self.env.store_path)
        for user in (ADMIN, USER):
            for words in words_for(email):
                self.command(words, user)
            self.command("top-spenders 7d --share", user, channel=DIGEST_CHANNEL)
            self.command("spend 7d --share", user, channel=GENERAL)
            self.command("spend 30d by model --share", user, channel=GENERAL)
            self.home(user)
        self.command("user me", STRANGER)
        self.digests()
        self.alerts()
        for user, question in KEYLESS_QUESTIONS:
            self.dm(self.env, user, question)
        if self.claude is not None:
            self.ask_claude(*self.claude)
        self.key_notice()

    # slash commands and buttons -----------------------------------------------------------
    def command(self, words: str, user: str, *, channel: str = GENERAL, click: bool = True) -> None:
        reply = self.env.ask(words, user, channel_id=channel)
        self.seen[f"command:{(words.split() or ['help'])[0]}"] += 1
        if click:
            self.click_all(reply.blocks, user, channel=channel)

    def click_all(
        self, blocks: Iterable[dict[str, Any]], user: str, *, channel: str = GENERAL
    ) -> None:
        """Every `claude_usage.*` button of a message, unless the person already pressed one
        with that action_id for that subcommand."""
        for block in blocks:
            for element in block.get("elements") or []:
                action_id = str(element.get("action_id", ""))
                value = str(element.get("value", ""))
                if element.get("type") != "button" or not action_id.startswith(ACTION_PREFIX):
                    continue
                pressed = (user, action_id, (value.split() or [""])[0])
                if pressed in self.clicked:
                    continue
                self.clicked.add(pressed)
                self.click(action_id, value, user, channel=channel)

    def click(
        self,
        action_id: str,
        value: str,
        user: str,
        *,
        channel: str = GENERAL,
        updates: bool = False,
    ) -> None:
        """Press a button and wait for its answer (`updates`: it edits the message instead)."""
        before = len(self.env.fake.requests("chat.update"))
        response, key = self.env.sender.action(
            value, user_id=user, action_id=action_id, channel_id=channel
        )
        assert response.status_code == 200, response.text
        if updates:
            self.env.fake.wait_for("chat.update", before + 1)
        else:
            self.env.responses(key)
        self.seen[f"button:{_kind(action_id)}"] += 1

    def home(self, user: str) -> None:
        before = len(self.env.fake.requests("views.publish"))
        event = {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home"}
        self.env.sender.event(event)
        (published,) = self.env.fake.wait_for("views.publish", before + 1)[before:]
        self.seen["home"] += 1
        for block in published.field_json("view")["blocks"]:
            for element in block.get("elements") or []:
                if element.get("type") != "button":
                    continue
                posted = len(self.env.fake.requests("chat.postMessage"))
                self.env.sender.action(
                    element["value"], user_id=user, action_id=element["action_id"], from_home=True
                )
                self.env.fake.wait_for("chat.postMessage", posted + 1)
                self.seen["button:home"] += 1

    # digests, alerts, notices ---------------------------------------------------------------
    def poster(self) -> Poster:
        return Poster(self.env.app.client, "tour", now=lambda: NOW)

    def digests(self) -> None:
        subscribe = (
            "digest subscribe daily 09:00 Europe/Berlin",
            "digest subscribe weekly monday 09:30 America/New_York --with-people "
            "--product claude_code",
        )
        for words in (*subscribe, "digest list", "digest preview daily", "digest preview weekly"):
            self.command(words, ADMIN, channel=DIGEST_CHANNEL)
            self.command(words, USER, channel=DIGEST_CHANNEL, click=False)  # refused or listed
        db = open_store(str(self.env.store_path))
        try:
            for n in range(SUBSCRIPTIONS):
                sub = Subscription(channel=f"C0SUB{n:05d}", kind="daily", at=time(9), tz="UTC")
                save_subscription(db, sub, now=NOW)
            # Posted with their charts: the two variants the previews above do not show (the
            # preview reads the channel's subscription: daily without names, weekly with them
            # for one product); the weekly one for a product named as the API spelled it. Each
            # post renders two PNG charts, the slow part of the tour.
            variants: tuple[tuple[DigestKind, bool, str | None], ...] = (
                ("daily", True, None),
                ("weekly", False, HOSTILE_PRODUCT),
            )
            for kind, people, product in variants:
                period = report_period(kind, NOW)
                spec = DigestSpec(kind=kind, period=period, with_people=people, product=product)
                channel = DIGEST_CHANNEL
                run = publish_digest(self.poster(), db, channel=channel, spec=spec, force=True)
                assert run.ts is not None, run.sentence()
                assert run.charts == 2, run.sentence()
                self.seen[f"digest:{kind}"] += 1
        finally:
            db.close()
        posts = [
            r
            for r in self.env.fake.requests("chat.postMessage")
            if r.body.get("metadata") and not r.body.get("thread_ts")
        ]
        self.click_all(posts[-1].blocks, USER, channel=DIGEST_CHANNEL)  # answers only USER
        for user in (ADMIN, USER):
            self.command("digest list", user, channel=GENERAL, click=False)  # 83 of them
        self.command("digest unsubscribe daily", ADMIN, channel=DIGEST_CHANNEL)

    def alerts(self) -> None:
        """A budget crossed at 50%, then escalated past 100%, the spike's anomaly, and the
        alert buttons pressed by an admin and by a member."""
        db = open_store(str(self.env.store_path))
        try:
            spent = budget_status(db, Budget("", 1), NOW.date()).spent_microcents
        finally:
            db.close()
        dollars = spent // 100_000_000
        self.command(f"budget set {max(dollars * 3 // 2, 1)}", ADMIN)
        self.command(f"budget set {max(dollars // 2, 1)} --product claude_code", ADMIN)
        publisher = AlertPublisher(self.poster(), ALERTS)
        db = open_store(str(self.env.store_path))
        try:
            first = publisher.run(db, NOW)
            self.command(f"budget set {max(dollars * 9 // 10, 1)}", ADMIN)
            second = publisher.run(db, NOW)
        finally:
            db.close()
        assert first, "no alert was posted"
        assert second, "no alert escalated"
        self.seen["alert:posted"] += len(first)
        self.seen["alert:escalated"] += len(second)
        for user in (USER, ADMIN):
            for message in self.env.fake.messages(ALERTS):
                for block in message.get("blocks") or []:
                    for element in block.get("elements") or []:
                        if str(element.get("action_id", "")).startswith(ACTION_ALERT):
                            action, value = element["action_id"], element["value"]
                            self.click(action, value, user, channel=ALERTS, updates=user == ADMIN)
        self.command("budget show", USER)
        self.command("budget clear --product claude_code", ADMIN)

    def key_notice(self) -> None:
        run = SyncRun(1, NOW, NOW, "failed", "credentials", "401 <!channel> invalid key", 1, 0)
        db = open_store(str(self.env.store_path))
        try:
            message = key_rejected_message(run, read_freshness(db))
        finally:
            db.close()
        client = self.env.app.client
        assert tell_admins(client, Directory(client, self.env.settings), message)
        self.seen["notice"] += 1

    # questions ----------------------------------------------------------------------------
    def dm(
        self, env: SlackEnv, user: str, text: str, *, thread_ts: str | None = None, wait: str = ""
    ) -> None:
        """One DM; waits for its answer (`wait`: the method that ends it)."""
        method = wait or "chat.postMessage"
        before = len(env.fake.requests(method))
        ts = f"{1_764_100_000 + len(env.fake.requests())}.000100"
        event: dict[str, Any] = {"type": "message", "channel": dm_of(user), "channel_type": "im",
                                 "user": user, "text": text, "ts": ts, "event_ts": ts}  # fmt: skip
        if thread_ts:
            event["thread_ts"] = thread_ts
        assert env.sender.event(event).status_code == 200
        env.fake.wait_for(method, before + 1)
        self.seen[f"dm:{'claude' if wait else 'keyless'}"] += 1

    def ask_claude(self, env: SlackEnv, fake: FakeAnthropic) -> None:
        for user, thread_ts in THREADS.items():
            thread = {"user_id": user, "channel_id": dm_of(user), "thread_ts": thread_ts,
                      "context": {"channel_id": GENERAL}}  # fmt: skip
            before = len(env.fake.requests("assistant.threads.setSuggestedPrompts"))
            env.sender.event({"type": "assistant_thread_started", "assistant_thread": thread})
            env.fake.wait_for("assistant.threads.setSuggestedPrompts", before + 1)
            self.seen["assistant:started"] += 1
        for user, question, script in CLAUDE_QUESTIONS:
            fake.set_script(list(script))
            self.dm(env, user, question, thread_ts=THREADS[user], wait="chat.stopStream")
        stop = env.fake.requests("chat.stopStream")[-1]  # USER's last answer
        for block in stop.blocks:
            for element in block.get("elements") or []:
                if str(element.get("action_id", "")).startswith(ACTION_FEEDBACK):
                    before = len(env.fake.requests("chat.postEphemeral"))
                    env.sender.action(
                        element["value"],
                        user_id=USER,
                        action_id=element["action_id"],
                        channel_id=dm_of(USER),
                    )
                    env.fake.wait_for("chat.postEphemeral", before + 1)
                    self.seen["button:feedback"] += 1
        env.fake.fail("chat.startStream", "method_not_supported_for_channel_type")
        fake.set_script([reply(tool_use("spend", {"period": "7d"})), LONG_ANSWER])
        self.dm(env, ADMIN, "spend this week?", wait="chat.postMessage")
        del env.fake.state.errors["chat.startStream"]
        self.seen["dm:stream refused"] += 1


def _kind(action_id: str) -> str:
    """`claude_usage.period.7d` → `period`; `claude_usage_alert.ack` → `alert.ack`."""
    if action_id.startswith(ACTION_PREFIX):
        return action_id.removeprefix(ACTION_PREFIX).split(".")[0]
    return action_id.replace("claude_usage_", "")


def run_tour(store: Path, *, user_email: str) -> tuple[list[Recorded], Allowed, Counter[str]]:
    """The whole tour on a copy-free `store` (it is written to); every request Slack got."""
    with ExitStack() as stack:
        env = stack.enter_context(
            running_slack_env(store, user_email=user_email, alert_channel=ALERTS)
        )
        fake = stack.enter_context(FakeAnthropic())
        claude = stack.enter_context(
            running_slack_env(
                store,
                user_email=user_email,
                anthropic_api_key="test-key",
                anthropic_base_url=fake.base_url,
            )
        )
        tour = Tour(env, (claude, fake))
        tour.run()
        if fake.script_errors:
            raise AssertionError(f"fake Anthropic script errors: {fake.script_errors}")
        sent = [*env.fake.requests(), *claude.fake.requests()]
        return sent, allowed(env), tour.seen


def main(argv: list[str] | None = None) -> int:
    from tests.fakes.slack_env import top_spender_email
    from tests.fakes.slack_limits import check_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--since", type=date.fromisoformat, default=date(2026, 9, 1))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp) / "store.db", users=args.users, since=args.since)
        sent, rules, seen = run_tour(store, user_email=top_spender_email(store))
    problems = check_all(sent, rules)
    print(f"{len(sent)} requests, {sum(seen.values())} steps; {len(problems)} problems")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
