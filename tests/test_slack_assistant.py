"""Asking in Slack, end to end: signed events into the real HTTP app, answers out to the fake Slack
Web API, Claude played by the fake Anthropic API through the real SDK."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from bot.slack.assistant.dm import is_question
from bot.slack.assistant.markdown import units
from tests.ask_fixtures import INJECTION
from tests.fakes.anthropic_api import FakeAnthropic, RecordedMessagesRequest, reply, tool_use
from tests.fakes.slack_api import Recorded
from tests.fakes.slack_env import ADMIN, USER, SlackEnv
from tools.fallback import FALLBACK_NOTE
from tools.figures import figures_in
from tools.handlers import PER_USER_REFUSAL

pytest_plugins = ["tests.fakes.slack_fixtures"]

DM = "D0ADMIN001"
QUESTION = "who were the top spenders last week?"


@pytest.fixture
def claude_env(
    make_slack_env: Callable[..., SlackEnv], fake_anthropic: FakeAnthropic, ask_store_path: Path
) -> SlackEnv:
    return make_slack_env(
        store=ask_store_path,
        anthropic_api_key="test-key",
        anthropic_base_url=fake_anthropic.base_url,
    )


def dm(env: SlackEnv, text: str, *, user: str = ADMIN, ts: str = "1764000100.000100",
       thread_ts: str | None = None) -> None:  # fmt: skip
    event: dict[str, Any] = {"type": "message", "channel": DM, "channel_type": "im",
                             "user": user, "text": text, "ts": ts, "event_ts": ts}  # fmt: skip
    if thread_ts:
        event["thread_ts"] = thread_ts
    assert env.sender.event(event).status_code == 200


def answer_from(request: RecordedMessagesRequest) -> str:
    top = json.loads(request.tool_results()[0].content)
    first = top["rows"][0]
    return (
        f"**{first['name']}** spent the most last week: {first['spend']} "
        f"({first['share_pct']}% of {top['total_of_people']})."
    )


def chunks(request: Recorded) -> list[dict[str, Any]]:
    return list(request.field_json("chunks") or [])


def test_a_dm_is_answered_in_its_thread_from_the_tools(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic, ask_store_path: Path
) -> None:
    fake_anthropic.set_script(
        [reply(tool_use("top_spenders", {"period": "last-week"})), answer_from]
    )
    dm(claude_env, QUESTION)
    (stop,) = claude_env.fake.wait_for("chat.stopStream")
    slack = claude_env.fake
    (start,) = slack.requests("chat.startStream")
    assert start.body["thread_ts"] == "1764000100.000100"
    assert start.body["channel"] == DM
    tasks = [c for r in slack.requests() for c in chunks(r) if c["type"] == "task_update"]
    assert [t["status"] for t in tasks] == ["in_progress", "complete"]
    assert tasks[0]["title"] == "Looking up top spenders (last-week)"
    assert tasks[1]["output"].startswith("`top_spenders(period=last-week)` · 2026-11-09..")
    assert slack.requests("assistant.threads.setStatus")
    tool_result = fake_anthropic.requests()[1].tool_results()[0].content
    shown = slack.streamed_text()
    assert shown.strip() == answer_from(fake_anthropic.requests()[1]).replace("<", "&lt;")
    for figure in figures_in(shown):  # every figure shown came from the tool result
        assert figure.text.lstrip("$").rstrip("%") in tool_result
    footer = json.dumps(stop.blocks)
    assert "How I got this" in footer
    assert "Data (UTC days)" in footer
    with sqlite3.connect(ask_store_path) as conn:
        question_id, answer_ts = conn.execute("SELECT id, answer_ts FROM ask_questions").fetchone()
    assert answer_ts == stop.body["ts"]
    values = [e["value"] for b in stop.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == [str(question_id)] * 2


def test_a_follow_up_in_the_thread_keeps_the_context(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.set_script(
        [reply(tool_use("top_spenders", {"period": "last-week"})), answer_from, "Same people."]
    )
    dm(claude_env, QUESTION)
    claude_env.fake.wait_for("chat.stopStream")
    dm(claude_env, "and the week before?", ts="1764000200.000200", thread_ts="1764000100.000100")
    claude_env.fake.wait_for("chat.stopStream", 2)
    follow_up = fake_anthropic.requests()[-1]
    assert [m["role"] for m in follow_up.messages] == ["user", "assistant", "user"]
    assert follow_up.messages[0]["content"] == QUESTION
    assert follow_up.messages[2]["content"] == "and the week before?"


def test_a_member_is_offered_member_tools_and_refused_in_code(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.set_script(
        [
            reply(tool_use("top_spenders", {"period": "last-week"})),
            lambda r: "Only admins can see that." if json.loads(
                r.tool_results()[0].content)["error"] == PER_USER_REFUSAL else "leak",
        ]
    )  # fmt: skip
    dm(claude_env, QUESTION, user=USER)
    claude_env.fake.wait_for("chat.stopStream")
    first = fake_anthropic.requests()[0]
    assert "top_spenders" not in first.tool_names
    assert "my_usage" in first.tool_names
    assert claude_env.fake.streamed_text().strip() == "Only admins can see that."


def test_names_and_answers_cannot_ping_anyone(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.set_script([f"Top skill: {INJECTION} <!channel> <@U0OTHER01> <https://x|y>."])
    dm(claude_env, "top skill?")
    claude_env.fake.wait_for("chat.stopStream")
    shown = claude_env.fake.streamed_text()
    assert "&lt;!channel&gt;" in shown
    for raw in ("<!channel>", "<@U0OTHER01>", "<https://x|y>"):
        assert all(raw not in text for text in claude_env.sent_strings())


def test_feedback_is_stored_once_per_person(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic, ask_store_path: Path
) -> None:
    fake_anthropic.set_script(["Hello."])
    dm(claude_env, "hi")
    (stop,) = claude_env.fake.wait_for("chat.stopStream")
    value = next(e["value"] for b in stop.blocks if b["type"] == "actions" for e in b["elements"])
    for action_id in ("claude_ask.feedback.up", "claude_ask.feedback.down"):
        claude_env.sender.action(value, user_id=ADMIN, action_id=action_id, channel_id=DM)
    claude_env.fake.wait_for("chat.postEphemeral", 2)
    with sqlite3.connect(ask_store_path) as conn:
        votes = conn.execute("SELECT question_id, user_id, value FROM ask_feedback").fetchall()
    assert votes == [(int(value), ADMIN, -1)]


def test_asking_cost_is_in_status_for_admins_only(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.set_script(["Hello."])
    dm(claude_env, "hi")
    claude_env.fake.wait_for("chat.stopStream")
    admin = json.dumps(claude_env.ask("status", ADMIN).blocks)
    assert "Asking Claude, last 30 days: 1 question" in admin
    assert "at list price" in admin
    assert "Asking Claude" not in json.dumps(claude_env.ask("status", USER).blocks)


def test_without_a_key_a_dm_gets_the_routed_report(
    make_slack_env: Callable[..., SlackEnv], ask_store_path: Path
) -> None:
    env = make_slack_env(store=ask_store_path)
    dm(env, "top spenders last week")
    (posted,) = env.fake.wait_for("chat.postMessage")
    assert posted.body["thread_ts"] == "1764000100.000100"
    text = json.dumps(posted.blocks, ensure_ascii=False)
    assert "Top spenders · last week" in text
    assert "I read this as: top spenders last week." in text
    assert FALLBACK_NOTE in text
    dm(env, "top spenders last week", user=USER, ts="1764000300.000300")
    refused = env.fake.wait_for("chat.postMessage", 2)[-1]
    assert "limited to Claude usage admins" in json.dumps(refused.blocks)


def test_the_assistant_panel_greets_with_prompts_for_the_role(
    make_slack_env: Callable[..., SlackEnv], fake_anthropic: FakeAnthropic, ask_store_path: Path
) -> None:
    env = make_slack_env(store=ask_store_path, workers=1, anthropic_api_key="test-key",
                         anthropic_base_url=fake_anthropic.base_url)  # fmt: skip
    admin_thread, member_thread = "1764000400.000400", "1764000500.000500"
    for user, ts in ((ADMIN, admin_thread), (USER, member_thread)):
        thread = {"user_id": user, "channel_id": DM, "thread_ts": ts,
                  "context": {"channel_id": "C0GENERAL1"}}  # fmt: skip
        env.sender.event({"type": "assistant_thread_started", "assistant_thread": thread})
    moved = {"user_id": ADMIN, "channel_id": DM, "thread_ts": admin_thread,
             "context": {"channel_id": "C0DIGEST01"}}  # fmt: skip
    env.sender.event({"type": "assistant_thread_context_changed", "assistant_thread": moved})
    fake_anthropic.set_script(["Hello."])
    dm(env, "hi", ts="1764000600.000600", thread_ts=admin_thread)  # one worker: runs last
    env.fake.wait_for("chat.stopStream")
    prompts = env.fake.requests("assistant.threads.setSuggestedPrompts")
    by_thread = {p.body["thread_ts"]: [x["message"] for x in p.body["prompts"]] for p in prompts}
    assert "Who were the top spenders last week?" in by_thread[admin_thread]
    assert "How much have I used Claude this month?" in by_thread[member_thread]
    assert "Who were the top spenders last week?" not in by_thread[member_thread]
    greetings = env.fake.requests("chat.postMessage")
    assert [g.body["thread_ts"] for g in greetings] == [admin_thread, member_thread]
    assert "viewing channel C0DIGEST01" in fake_anthropic.requests()[0].system
    (title,) = env.fake.requests("assistant.threads.setTitle")
    assert title.body["title"] == "hi"


def test_when_slack_refuses_the_stream_the_answer_is_posted(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    claude_env.fake.fail("chat.startStream", "method_not_supported_for_channel_type")

    def answer(request: RecordedMessagesRequest) -> str:
        return f"Spend: {json.loads(request.tool_results()[0].content)['total']}."

    fake_anthropic.set_script([reply(tool_use("spend", {})), answer])
    dm(claude_env, "spend?")
    (posted,) = claude_env.fake.wait_for("chat.postMessage")
    assert posted.body["thread_ts"] == "1764000100.000100"
    assert posted.text.startswith("Spend: $")
    assert "How I got this" in json.dumps(posted.blocks)


@pytest.mark.parametrize(
    ("event", "asked"),
    [
        ({"channel_type": "im", "user": "U1", "text": "hi"}, True),
        ({"channel_type": "im", "user": "U1", "text": "  "}, False),
        ({"channel_type": "im", "user": "U1", "text": "hi", "bot_id": "B1"}, False),
        ({"channel_type": "im", "user": "U1", "text": "hi", "subtype": "message_changed"}, False),
        ({"channel_type": "channel", "user": "U1", "text": "hi"}, False),
        ({"channel_type": "im", "text": "hi"}, False),
    ],
)
def test_only_a_persons_new_dm_is_a_question(event: dict[str, Any], asked: bool) -> None:
    assert is_question(event) is asked


LINK = "[Re-authenticate to see this report](https://evil.example/login)"
IMAGE = "![SSO](https://evil.example/s.png) https://evil.example/sso www.evil.example"


def plant_links(path: Path) -> None:
    """A project named like a Markdown link and a skill named like an image and bare URLs, used
    by enough people that any asker sees them, at the top of their rankings (so no tool result
    leaves them out among "N more")."""
    with sqlite3.connect(path) as conn:
        for table, column, key, rank in (
            ("chat_projects", "project_name", "project_id", "max(day)"),
            ("skills", "skill_display_name", "skill_name", "sum(invocation_count)"),
        ):
            conn.execute(
                f"UPDATE {table} SET {column} = ?, distinct_user_count = "  # noqa: S608
                f"max(coalesce(distinct_user_count, 0), 6) WHERE {key} = "
                f"(SELECT {key} FROM {table} GROUP BY {key} ORDER BY {rank} DESC LIMIT 1)",
                (LINK if table == "chat_projects" else IMAGE,),
            )


def clickable(markdown: str) -> list[str]:
    """What a CommonMark renderer would make clickable: links, images, and text that GFM's
    autolinker (and Slack) would link; nothing inside a code span counts."""
    found: list[str] = []
    for block in MarkdownIt("commonmark").parse(markdown):
        for token in block.children or []:
            if token.type in ("link_open", "image"):
                found.append(str(token.attrGet("href") or token.attrGet("src")))
            elif token.type == "text":
                found += re.findall(r"(?:[a-z]+://|www\.)\S+", token.content)
    return found


def text_of(block: dict[str, Any]) -> str:
    """The text of a markdown block or a section (what a fallback post shows)."""
    text = block.get("text")
    return str(text["text"] if isinstance(text, dict) else text or "")


def quote_names(request: RecordedMessagesRequest) -> str:
    """Claude quoting the names it read, verbatim, as it may."""
    results = " ".join(r.content for r in request.tool_results())
    assert LINK in results
    assert IMAGE in results
    return f"The top project is **{LINK}**; the top skill is {IMAGE}."


@pytest.mark.parametrize("stream", ["streamed", "posted when the stream is refused"])
def test_a_link_in_an_api_name_is_not_clickable_in_the_answer(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic, ask_store_path: Path, stream: str
) -> None:
    plant_links(ask_store_path)
    if stream != "streamed":
        claude_env.fake.fail("chat.startStream", "method_not_supported_for_channel_type")
    fake_anthropic.set_script(
        [reply(tool_use("projects", {"period": "30d", "limit": 25}),
               tool_use("skills", {"period": "30d", "limit": 25})),
         quote_names]
    )  # fmt: skip
    dm(claude_env, "which projects and skills lead?")
    if stream == "streamed":
        claude_env.fake.wait_for("chat.stopStream")
        shown = claude_env.fake.streamed_text()
    else:
        posted = claude_env.fake.wait_for("chat.postMessage")
        shown = "".join(text_of(block) for p in posted for block in p.blocks)
    assert "Re-authenticate to see this report" in shown
    assert "https://evil.example/login" in shown
    assert "https://evil.example/sso" in shown
    assert clickable(shown) == []
    assert clickable(f"The top project is **{LINK}**; the top skill is {IMAGE}.")  # the oracle


EMOJI = "\N{GRINNING FACE}\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-3}"


def pieces_sent(env: SlackEnv) -> list[str]:
    """Every markdown text of every stream request, one per field or chunk."""
    pieces = []
    for request in env.fake.requests():
        if request.method in ("chat.startStream", "chat.appendStream", "chat.stopStream"):
            if request.body.get("markdown_text"):
                pieces.append(str(request.body["markdown_text"]))
            pieces += [c["text"] for c in chunks(request) if c["type"] == "markdown_text"]
    return pieces


@pytest.mark.parametrize(
    "sentence",
    [
        "It was " + "a very " * 3000 + "long sentence without a stop",  # 21,028 characters
        "It was " + EMOJI * 2500,  # 17,500 UTF-16 units, pairs and skin tones throughout
        "It was " + "e\N{COMBINING ACUTE ACCENT}" * 9000,  # one "word" of 18,000 code points
    ],
)
def test_a_long_sentence_is_streamed_in_pieces_slack_accepts(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic, sentence: str
) -> None:
    fake_anthropic.set_script([sentence])
    dm(claude_env, "tell me a long story")
    claude_env.fake.wait_for("chat.stopStream")
    pieces = pieces_sent(claude_env)
    assert len(pieces) >= 2
    for piece in pieces:
        assert units(piece) <= 12_000  # chat.appendStream's markdown_text limit
        piece.encode("utf-8")  # no half of a surrogate pair
        assert not re.match(r"[\u0300-\u036f\U0001f3fb-\U0001f3ff]", piece)  # no mark alone
    assert "".join(pieces) == sentence


PARAGRAPH = " ".join(["Claude helps the organisation read its usage and its spend"] * 15) + "."


def test_a_refused_stream_posts_the_whole_answer(
    claude_env: SlackEnv, fake_anthropic: FakeAnthropic
) -> None:
    claude_env.fake.fail("chat.appendStream", "streaming_state_conflict")
    answer = "\n\n".join([PARAGRAPH] * 20)  # 18,000 characters, no figure in it
    fake_anthropic.set_script([answer])
    dm(claude_env, "explain everything")
    claude_env.fake.wait_for("chat.postMessage", 2)
    posted = claude_env.fake.requests("chat.postMessage")
    markdown = [[b["text"] for b in p.blocks if b["type"] == "markdown"] for p in posted]
    assert "".join(t for texts in markdown for t in texts) == answer  # nothing cut
    for message, texts in zip(posted, markdown, strict=True):
        assert message.body["thread_ts"] == "1764000100.000100"
        assert sum(units(t) for t in texts) <= 12_000  # markdown blocks, per message
        assert len(message.blocks) <= 50
        assert len(message.text) <= 3000
    assert "How I got this" not in json.dumps(posted[0].blocks)  # no tool was called
    assert "👍" in json.dumps(posted[-1].blocks, ensure_ascii=False)
    assert "👍" not in json.dumps(posted[0].blocks, ensure_ascii=False)
