"""Every request body the app sends to Slack, on every surface, is one Slack takes and shows as
meant: valid for slack_sdk's own Block Kit models, within Slack's documented limits, free of
control and bidi characters, without a live mention or link the app did not build, and whole
(a long streamed sentence, a long answer posted when the stream is refused, 83 subscriptions).

The tour (`tests.fakes.payload_tour`) drives the real app over signed HTTP, as an admin and as a
member, on a store synced from the simulator with hostile names: every `/claude-usage`
subcommand, every button, App Home, DMs (keyless, and Claude streaming through the fake
Anthropic API), digests with their charts, budget and anomaly alerts. `tests.fakes.slack_limits`
checks what the fake Slack Web API recorded. The same tour runs on a large organisation with
`python -m tests.fakes.payload_tour --users 3000`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.reports.usage import SUBCOMMANDS
from tests.fakes.payload_tour import LONG_ANSWER, LONG_SENTENCE, SUBSCRIPTIONS, run_tour
from tests.fakes.slack_api import Recorded
from tests.fakes.slack_env import top_spender_email
from tests.fakes.slack_limits import Allowed, check, check_all, strings
from tests.fakes.tour_store import build_store

ALLOWED = Allowed(users=frozenset({"UADMIN0001"}), channels=frozenset({"C0DIGEST01"}))


@dataclass(frozen=True)
class Toured:
    sent: list[Recorded]
    allowed: Allowed
    seen: Counter[str]

    def strings(self) -> str:
        """Every string the app sent (JSON inside forms decoded), files aside."""
        return "\n".join(text for request in self.sent for _, text in strings(request))


@pytest.fixture(scope="module")
def toured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Toured]:
    with pytest.MonkeyPatch.context() as patch:  # no real key reaches a module-wide fixture
        for name in list(os.environ):
            if name.startswith(("SLACK_", "ANTHROPIC_", "CLAUDE_")):
                patch.delenv(name)
        store = build_store(tmp_path_factory.mktemp("payloads") / "store.db")
        sent, allowed, seen = run_tour(store, user_email=top_spender_email(store))
        yield Toured(sent, allowed, seen)


def test_every_body_sent_to_slack_is_valid_and_safe(toured: Toured) -> None:
    problems = check_all(toured.sent, toured.allowed)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems[:40]))


def test_the_tour_reaches_every_surface(toured: Toured) -> None:
    """So the check above cannot pass by sending little."""
    methods = {r.method for r in toured.sent}
    assert methods >= {
        "response", "chat.postMessage", "chat.postEphemeral", "chat.update", "views.publish",
        "chat.startStream", "chat.appendStream", "chat.stopStream", "files.getUploadURLExternal",
        "files.completeUploadExternal", "upload", "assistant.threads.setStatus",
        "assistant.threads.setTitle", "assistant.threads.setSuggestedPrompts",
    }  # fmt: skip
    seen = toured.seen
    assert {f"command:{sub}" for sub in SUBCOMMANDS} <= set(seen)
    for kind in ("previous", "next", "period", "more", "export", "run", "home", "feedback",
                 "alert.ack", "alert.snooze"):  # fmt: skip
        assert seen[f"button:{kind}"], kind
    for surface in ("home", "digest:daily", "digest:weekly", "alert:posted", "alert:escalated",
                    "dm:keyless", "dm:claude", "dm:stream refused", "assistant:started",
                    "notice"):  # fmt: skip
        assert seen[surface], surface
    chunks = [c for r in toured.sent for c in r.field_json("chunks") or []]
    assert {c["type"] for c in chunks} >= {"markdown_text", "task_update"}


def test_hostile_names_and_the_block_cap_were_really_exercised(toured: Toured) -> None:
    sent = toured.strings()
    for shown in (
        "&lt;!channel&gt;",  # `<!channel>` as a name, escaped
        "invoicegnp.exe Ledger",  # a bidi override dropped, the name kept
        "Budget red",  # an OSC-8 link and ANSI colour dropped, their text kept
        "Zoë Isolate Mark",  # bidi isolates and marks dropped
        "claude-opus",  # a model name with an override and an escape
        "in_chrome",  # a product key the same
    ):
        assert shown in sent, shown
    assert "more blocks not shown" in sent  # an answer at the 50-block cap, notes kept
    assert "[Re-authenticate to see this report]" in sent  # a Markdown link, shown inert


def test_long_answers_and_long_lists_arrive_whole(toured: Toured) -> None:
    """What no limit check can see: nothing is lost to a limit. A streamed sentence longer than
    a chunk, an answer posted because the stream was refused, 83 digest subscriptions."""
    streamed = "".join(
        text
        for request in toured.sent
        if request.method in ("chat.startStream", "chat.appendStream", "chat.stopStream")
        for where, text in strings(request)
        if where == "markdown_text" or where.endswith(".text")
    )
    assert streamed.count("grew") == LONG_SENTENCE.count("grew")
    posted = "".join(
        text
        for request in toured.sent
        if request.method == "chat.postMessage"
        for where, text in strings(request)
        if where.startswith("blocks") and where.endswith(".text")  # not the notification text
    )
    sentence = "A sentence of the answer."
    assert posted.count(sentence) == LONG_ANSWER.count(sentence)
    listed = [
        text
        for request in toured.sent
        if request.method == "response"
        for _, text in strings(request)
        if "Digest subscriptions" in text or "<#C0SUB" in text
    ]
    for n in range(SUBSCRIPTIONS):
        assert any(f"<#C0SUB{n:05d}>" in text for text in listed), n


# --- the check itself: each rule finds what it should -----------------------------------------


def recorded(method: str, **body: Any) -> Recorded:
    return Recorded(method, f"/api/{method}", {}, body, json.dumps(body).encode())


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Go", value: str = "v", action_id: str = "a") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text},
            "value": value, "action_id": action_id}  # fmt: skip


GOOD = [
    {"type": "header", "text": {"type": "plain_text", "text": "Top spenders", "emoji": True}},
    section("*1.* &lt;!channel&gt; <!date^00000000^{_}|*>bold<!date^00000000^{_}|*> <@UADMIN0001>"),
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "In <#C0DIGEST01> &amp; here"}]},
    {"type": "actions", "elements": [button()], "block_id": "b"},
]


def test_a_valid_message_has_no_problem() -> None:
    assert check(recorded("chat.postMessage", text="Top", blocks=GOOD), ALLOWED) == []
    text = "**Hi** \\[not a link\\](https://example.com) [bold red]Q4[/] (x)"
    stream = recorded("chat.appendStream", chunks=[{"type": "markdown_text", "text": text}])
    assert check(stream, ALLOWED) == []


@pytest.mark.parametrize(
    ("method", "body", "problem"),
    [
        ("response", {"text": "t", "blocks": [section("x")] * 51}, "51 blocks (at most 50)"),
        ("response", {"text": "t", "blocks": [section("x" * 3001)]}, "slack_sdk refuses it"),
        ("response", {"text": "t", "blocks": [section("x" * 2999 + "…")]},
         "section text cut at the limit"),
        ("chat.postMessage", {"text": "t", "blocks": [{"type": "section", "fields": [
            {"type": "mrkdwn", "text": "x" * 2001}]}]}, "field text longer than 2000"),
        ("chat.postMessage", {"text": "t", "blocks": [{"type": "header", "text": {
            "type": "plain_text", "text": "x" * 151}}]}, "slack_sdk refuses it"),
        ("chat.postMessage", {"text": "t", "blocks": [{"type": "context", "elements": [
            {"type": "mrkdwn", "text": "x"}] * 11}]}, "slack_sdk refuses it"),
        ("chat.postMessage", {"text": "t", "blocks": [{"type": "actions", "elements": [
            button(action_id=f"a{i}") for i in range(26)]}]}, "slack_sdk refuses it"),
        ("chat.update", {"text": "t", "blocks": [{"type": "actions", "elements": [
            button(text="x" * 76)]}]}, "slack_sdk refuses it"),
        ("chat.update", {"text": "t", "blocks": [{"type": "actions", "elements": [
            button(value="x" * 2001)]}]}, "slack_sdk refuses it"),
        ("chat.update", {"text": "t", "blocks": [{"type": "actions", "elements": [
            button(action_id="x" * 256)]}]}, "slack_sdk refuses it"),
        ("chat.update", {"text": "t", "blocks": [{"type": "actions", "elements": [
            button(), button()]}]}, "an action_id used twice"),
        ("response", {"text": "t", "blocks": [{"type": "divider", "block_id": "b"}] * 2},
         "a block_id used twice"),
        ("response", {"text": "t", "blocks": [{"type": "markdown", "text": "x" * 7000}] * 2},
         "14000 characters of markdown blocks"),
        ("response", {"text": "x" * 40_001}, "40001 characters (at most 40000)"),
        ("response", {"blocks": [section("x")]}, "no fallback text"),
        ("response", {"text": "t", "blocks": [{"type": "section", "text": {
            "type": "plain_text", "text": ""}}]}, "an empty text object"),
        ("response", {"text": "t", "blocks": [{"type": "bogus"}]}, "a block type slack_sdk"),
        ("response", {"text": "t", "blocks": [{"type": "divider", "colour": "red"}]},
         "keys slack_sdk does not know: ['colour']"),
        ("chat.appendStream", {"markdown_text": "x" * 12_001}, "12001 characters"),
        ("chat.appendStream", {"chunks": [{"type": "markdown_text", "text": "x" * 12_001}]},
         "12001 characters of markdown"),
        ("chat.startStream", {"chunks": [{"type": "task_update", "id": "1", "title": "t",
                                          "status": "done", "colour": 1}]},
         "keys slack_sdk does not know"),
        ("views.publish", {"view": {"type": "home", "blocks": [section("x")] * 101}},
         "slack_sdk refuses it"),
        ("assistant.threads.setSuggestedPrompts", {"prompts": [{"title": "t", "message": "m"}] * 5},
         "5 prompts"),
        ("files.getUploadURLExternal", {"filename": "a.png", "alt_txt": "x" * 1001},
         "alt_txt: longer than 1000"),
        ("response", {"text": "invoice\u202egnp.exe"}, "a control, escape or bidi character"),
        ("response", {"text": "t", "blocks": [section("\x1b[31mred")]}, "a control, escape"),
        ("chat.postMessage", {"text": "t", "blocks": [{"type": "header", "text": {
            "type": "plain_text", "text": "a\u2066b"}}]}, "a control, escape or bidi"),
        ("files.completeUploadExternal", {"initial_comment": "x\x85y"}, "a control, escape"),
        ("response", {"text": "t", "blocks": [section("hi <!channel>")]}, "a live token"),
        ("response", {"text": "hi <!here>"}, "a live token the app did not build: '<!here>'"),
        ("response", {"text": "t", "blocks": [section("<@U123ABC>")]}, "a live token"),
        ("response", {"text": "t", "blocks": [section("<#C0OTHER01>")]}, "a live token"),
        ("response", {"text": "t", "blocks": [section("<https://evil.example|x>")]},
         "a live token"),
        ("response", {"text": "t", "blocks": [section("<!date^1^{date}|x>")]}, "a live token"),
        ("response", {"text": "t", "blocks": [section("a > b")]}, "a bare < or >"),
        ("response", {"text": "t", "blocks": [section("Tom & Jerry")]}, "an & that starts"),
        ("chat.appendStream", {"markdown_text": "see <!everyone>"}, "a live token"),
        ("chat.appendStream", {"markdown_text": "- **[Log in](https://evil.example)**: $1"},
         "a live Markdown link"),
        ("chat.stopStream", {"chunks": [{"type": "markdown_text", "text": "![x](https://e.x/i)"}]},
         "a live Markdown link"),
        ("chat.stopStream", {"chunks": [{"type": "task_update", "id": "1", "title": "t",
                                         "status": "complete", "output": "<!channel>"}]},
         "a live token"),
        ("files.completeUploadExternal", {"initial_comment": "Charts for <!here>"},
         "a live token"),
    ],
)  # fmt: skip
def test_the_check_finds_each_kind_of_problem(method: str, body: Any, problem: str) -> None:
    found = [str(p) for p in check(recorded(method, **body), ALLOWED)]
    assert any(problem in p for p in found), found


def test_json_inside_a_form_is_read_like_slack_reads_it() -> None:
    """Web API forms carry blocks as a JSON string; their contents are checked all the same."""
    form = {"text": "t", "blocks": json.dumps([section("<!channel>")])}
    request = Recorded("chat.postMessage", "/api/chat.postMessage", {}, form, b"")
    assert any("a live token" in str(p) for p in check(request, ALLOWED))


def test_uploaded_bytes_are_not_slack_text() -> None:
    """A CSV keeps names as the API sent them: it is a file, not a message."""
    upload = Recorded("upload", "/upload/F1", {}, {}, "<!channel>\u202e".encode())
    assert check(upload, ALLOWED) == []
