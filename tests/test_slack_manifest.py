"""manifest.yaml declares exactly the command, scopes and events the code uses.

PyYAML is not a dependency, so the manifest is read with a small parser for the YAML subset it
uses (nested mappings, lists of scalars, lists of mappings, quoted or plain scalars, comments)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.slack.blocks import Message
from bot.slack.listeners.commands import COMMAND
from bot.slack.once import Poster
from bot.slack.scopes import ADMIN_GROUP_SCOPE, BOT_SCOPES
from bot.store import posts
from bot.store.posts import PostKey
from bot.store.schema import open_store
from tests.fakes.anthropic_api import FakeAnthropic, reply, tool_use
from tests.fakes.slack_env import ADMIN, DIGEST_CHANNEL, GENERAL, NOW, USER, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifest.yaml"

# Slack's documented scopes for each Web API method the app may call (a channel method needs
# the public and the private channel scope: digests may be subscribed in either).
METHOD_SCOPES: dict[str, str | tuple[str, ...] | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "views.publish": None,
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.users.list": "usergroups:read",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "assistant.threads.setStatus": "assistant:write",
    "assistant.threads.setTitle": "assistant:write",
    "assistant.threads.setSuggestedPrompts": "assistant:write",
    "chat.startStream": "chat:write",
    "chat.appendStream": "chat:write",
    "chat.stopStream": "chat:write",
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.history": ("channels:history", "groups:history"),
    "response": None,
    "upload": None,
}
EVENT_SCOPES = {"message.im": "im:history", "assistant_thread_started": "assistant:write",
                "assistant_thread_context_changed": "assistant:write"}  # fmt: skip
"""Scopes an event subscription needs, beyond the methods its listener calls."""
LISTENER_DIRS = ("bot/slack/listeners", "bot/slack/assistant")


def _scalar(text: str) -> Any:
    text = text.strip()
    if text[:1] in "\"'":
        return text[1:-1]
    return {"true": True, "false": False}.get(text, text)


def parse_yaml_subset(source: str) -> Any:
    lines = [
        (len(raw) - len(raw.lstrip(" ")), raw.strip())
        for raw in source.splitlines()
        if raw.strip() and not raw.lstrip().startswith("#")
    ]

    def block(index: int, indent: int) -> tuple[Any, int]:
        if lines[index][1].startswith("- "):
            items: list[Any] = []
            while index < len(lines) and lines[index][0] == indent and lines[index][1][:2] == "- ":
                rest = lines[index][1][2:]
                if re.match(r"^[\w.-]+:( |$)", rest):
                    lines[index] = (indent + 2, rest)
                    value, index = block(index, indent + 2)
                    items.append(value)
                else:
                    items.append(_scalar(rest))
                    index += 1
            return items, index
        mapping: dict[str, Any] = {}
        while index < len(lines) and lines[index][0] == indent:
            key, _, rest = lines[index][1].partition(":")
            index += 1
            if rest.strip():
                mapping[key] = _scalar(rest)
            elif index < len(lines) and lines[index][0] > indent:
                mapping[key], index = block(index, lines[index][0])
            else:
                mapping[key] = None
        return mapping, index

    value, end = block(0, 0)
    assert end == len(lines), f"unparsed manifest line: {lines[end]}"
    return value


def manifest() -> dict[str, Any]:
    parsed = parse_yaml_subset(MANIFEST.read_text())
    assert isinstance(parsed, dict)
    return parsed


def test_doctor_checks_the_manifests_scopes() -> None:
    """`claude-usage doctor` holds the granted scopes against `BOT_SCOPES`: the manifest's."""
    assert sorted(BOT_SCOPES) == sorted(manifest()["oauth_config"]["scopes"]["bot"])


def test_manifest_declares_the_slash_command() -> None:
    (command,) = manifest()["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True
    assert "top-spenders" in command["usage_hint"]
    assert 175 <= len(manifest()["display_information"]["long_description"]) <= 4000


def test_manifest_surfaces() -> None:
    m = manifest()
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["features"]["app_home"]["messages_tab_read_only_enabled"] is False  # DMs are asked
    assert m["features"]["assistant_view"]["assistant_description"]
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is True


def test_manifest_events_match_the_listeners() -> None:
    sources = "\n".join(p.read_text() for d in LISTENER_DIRS for p in (ROOT / d).glob("*.py"))
    registered = set(re.findall(r'app\.event\("([a-z_.]+)"\)', sources))
    # Bolt's `message` listener answers only DMs (dm.is_question): the subscription is message.im
    registered = {"message.im" if name == "message" else name for name in registered}
    assert set(manifest()["settings"]["event_subscriptions"]["bot_events"]) == registered


def test_manifest_scopes_are_exactly_what_a_full_session_uses(
    make_slack_env: Callable[..., SlackEnv], fake_anthropic: FakeAnthropic, ask_store_path: Path
) -> None:
    slack_env = make_slack_env(store=ask_store_path, anthropic_api_key="test-key",
                               anthropic_base_url=fake_anthropic.base_url)  # fmt: skip
    fake_anthropic.set_script([reply(tool_use("spend", {})), "Spend is in the tool result."])
    thread = {"user_id": ADMIN, "channel_id": "D0ADMIN001", "thread_ts": "1764000000.000001"}
    slack_env.sender.event({"type": "assistant_thread_started", "assistant_thread": thread})
    slack_env.fake.wait_for("assistant.threads.setSuggestedPrompts")
    slack_env.sender.event({"type": "message", "channel_type": "im", "channel": "D0ADMIN001",
                            "user": ADMIN, "text": "spend?", "ts": "1764000000.000002",
                            "thread_ts": "1764000000.000001"})  # fmt: skip
    slack_env.fake.wait_for("chat.stopStream")
    for words in ("top-spenders 7d", "export spend 7d", f"user <@{USER}>", "adoption"):
        slack_env.ask(words)
    slack_env.ask("user me", USER)
    event = {"type": "app_home_opened", "user": ADMIN, "channel": "D0HOME", "tab": "home"}
    slack_env.sender.event(event)
    slack_env.fake.wait_for("views.publish")
    slack_env.sender.action(
        "spend 7d", user_id=ADMIN, action_id="claude_usage.run.0", from_home=True
    )
    slack_env.fake.wait_for("chat.postMessage")
    slack_env.fake.leave(DIGEST_CHANNEL)  # refused after the membership check: the shared
    slack_env.ask("digest subscribe daily", channel_id=DIGEST_CHANNEL)  # store stays unwritten
    _recover_a_claim(slack_env)  # reads the history for our own post
    methods = {r.method for r in slack_env.fake.requests()}
    assert methods <= set(METHOD_SCOPES), methods - set(METHOD_SCOPES)
    needed: set[str] = set()
    for method in methods:
        scopes = METHOD_SCOPES[method]
        needed |= {scopes} if isinstance(scopes, str) else set(scopes or ())
    needed |= {"commands", "users:read.email"}  # the slash command; emails in users.info
    needed |= {EVENT_SCOPES[e] for e in manifest()["settings"]["event_subscriptions"]["bot_events"]
               if e in EVENT_SCOPES}  # fmt: skip
    # the env names an admin user group, whose scope the manifest leaves to those who set one
    assert ADMIN_GROUP_SCOPE in needed
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed - {ADMIN_GROUP_SCOPE}


def _recover_a_claim(env: SlackEnv) -> None:
    """A claim left by a process that died: the next one looks for its post in the history."""
    db = open_store(":memory:")
    key = PostKey(GENERAL, "daily", "2026-11-19")
    posts.claim(db, key, owner="dead", now=NOW, lease=timedelta(minutes=10))
    sent = Poster(env.app.client, "next", now=lambda: NOW).post_once(db, key, Message("x"))
    assert sent.outcome == "in_progress"
