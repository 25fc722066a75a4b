"""Slack rejects a message of more than 50 blocks. Notes added to an answer after it was
rendered (the `--share` note outside a digest channel, the keyless router's explanation, a digest
preview's note) used to be appended after the cap, so an answer at 50 blocks went out with 51.
Now a message keeps its body and its notes apart and fits both into the cap in one place: the
body gives way ("…and N more blocks"), a note never does."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.slack.blocks import Message
from bot.slack.blocks.message import frame
from bot.slack.blocks.primitives import MAX_BLOCKS, actions, button, context, fit_blocks, section
from tests.fakes.slack_env import ADMIN, GENERAL, SlackEnv
from tools.fallback import FALLBACK_NOTE

pytest_plugins = ["tests.fakes.slack_fixtures"]

GROUPS_A_DAY = 100
"""The most groups the cost report returns for one day: 100 new models on each of 30 days make
a `spend 30d by model` answer far longer than 50 blocks."""


def body(n: int) -> list[dict[str, Any]]:
    return [section(f"part {i}") for i in range(n)]


def left_out(blocks: list[dict[str, Any]]) -> int:
    """N of the "…and N more blocks" line (0 when there is none)."""
    for block in blocks:
        for element in block.get("elements", []):
            text = str(element.get("text", ""))
            if text.startswith("…and ") and "more blocks" in text:
                return int(text.split()[1])
    return 0


@pytest.mark.parametrize("size", [0, 1, 44, 45, 46, 47, 48, 49, 50, 51, 52, 200])
@pytest.mark.parametrize("notes", [0, 1, 3])
def test_notes_added_to_any_answer_are_kept_and_the_cap_holds(size: int, notes: int) -> None:
    buttons = [button("More", "claude_usage.more", "spend 7d")]
    message = frame(
        title="Spend",
        subtitle="Nov 13 – Nov 19",
        body=body(size),
        notes=("a note",),
        freshness=None,
        buttons=buttons,
        fallback="Spend",
    )
    added = [context(f"note {i}") for i in range(notes)]
    for note in added:
        message = message.noted(note)
    lead = context("preview")
    message = message.noted(lead, first=True)
    blocks = message.blocks
    assert len(blocks) <= MAX_BLOCKS
    assert blocks[0] == lead
    assert blocks[1]["type"] == "header"
    assert blocks[len(blocks) - notes :] == added  # the notes, last and whole
    assert blocks[-notes - 1]["elements"] == buttons  # the answer's own tail, before them
    shown = [b for b in blocks if b.get("text", {}).get("text", "").startswith("part ")]
    assert [b["text"]["text"] for b in shown] == [f"part {i}" for i in range(len(shown))]
    assert len(shown) + left_out(blocks) == size  # every part either shown or counted
    if left_out(blocks):
        assert len(blocks) == MAX_BLOCKS  # cut only as far as needed


def test_a_home_view_keeps_its_buttons_within_100_blocks() -> None:
    tail = [actions([button("Spend", "claude_usage.run.home.0", "spend 7d")])]
    blocks = fit_blocks(body(150), tail, 100)
    assert len(blocks) == 100
    assert blocks[-1] == tail[0]
    assert left_out(blocks) == 150 - 98


def test_a_tail_that_leaves_no_room_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no room"):
        fit_blocks(body(3), body(50))
    assert len(fit_blocks(body(3), body(49))) == MAX_BLOCKS  # the body, as one "…and 3 more"


def test_a_message_without_notes_is_sent_as_built() -> None:
    message = Message("x", body(3), tail=[context("t")])
    assert message.blocks == [*body(3), context("t")]
    assert message.payload() == {"text": "x", "blocks": message.blocks}


@pytest.fixture
def many_models(synced_store_path: Path, tmp_path: Path) -> Path:
    """The session's store with spend on 100 more models on each of the 30 days to Nov 19 (as
    the API's grouped cost report could send them: at most 100 groups a day)."""
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    with sqlite3.connect(store) as conn:
        conn.executemany(
            "INSERT INTO cost_buckets (day, grouping, product, model, cost_type, token_type, "
            "amount_microcents, list_amount_microcents, requests) "
            "VALUES (?, 'product,model', 'chat', ?, '', '', ?, ?, 1)",
            [
                (str(date(2026, 11, 19) - timedelta(days=d)), f"model-{d:02d}-{i:03d}", i, i)
                for d in range(30)
                for i in range(GROUPS_A_DAY)
            ],
        )
    return store


def test_a_shared_answer_at_the_cap_keeps_its_share_note(
    make_slack_env: Callable[..., SlackEnv], many_models: Path
) -> None:
    env = make_slack_env(store=many_models)
    reply = env.ask("spend 30d by model --share", ADMIN, channel_id=GENERAL)
    blocks = reply.blocks
    assert len(blocks) == MAX_BLOCKS
    assert left_out(blocks) > 0
    assert "Only you can see this" in blocks[-1]["elements"][0]["text"]
    assert blocks[-2]["type"] == "actions"


def test_a_routed_answer_at_the_cap_keeps_the_routers_notes(
    make_slack_env: Callable[..., SlackEnv], many_models: Path
) -> None:
    env = make_slack_env(store=many_models)
    event = {"type": "message", "channel": "D0ADMIN001", "channel_type": "im", "user": ADMIN,
             "text": "spend by model 30d", "ts": "1764000100.000100"}  # fmt: skip
    assert env.sender.event(event).status_code == 200
    (posted,) = env.fake.wait_for("chat.postMessage")
    blocks = posted.blocks
    assert len(blocks) == MAX_BLOCKS
    assert left_out(blocks) > 0
    last = json.dumps(blocks[-1], ensure_ascii=False)
    assert "I read this as: spend over the last 30 days by model." in last
    assert FALLBACK_NOTE in last
