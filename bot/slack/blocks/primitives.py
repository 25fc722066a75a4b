"""Block Kit primitives with Slack's limits built in. Pure functions returning plain dicts.

Every builder here takes text that is *already* mrkdwn-safe (escaped with `bot.slack.mrkdwn`), or
escapes it itself where noted, and truncates to Slack's documented maxima so a long API string can
never make Slack reject a message:

    message ≤ 50 blocks (Home view ≤ 100)   section text ≤ 3000   field ≤ 2000, ≤ 10 fields
    header ≤ 150 (plain text)               context ≤ 10 elements button text ≤ 75, value ≤ 2000
    actions ≤ 25 elements                   action_id ≤ 255
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.controls import strip_controls
from bot.slack.mrkdwn import truncate

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS = 25
MAX_FALLBACK_TEXT = 3000


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit) if text else " "}


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """Shown verbatim, so never escaped; but controls go (`bot.controls`) before the cut."""
    text = strip_controls(text)
    return {"type": "plain_text", "text": truncate(text, limit) if text else " ", "emoji": True}


def header(title: str) -> Block:
    """A header block; `title` is raw text. A header is `plain_text`, which Slack shows verbatim
    (no mentions, links or formatting), so it is not escaped: a name reads exactly as sent
    (controls aside, see `plain_text`)."""
    return {"type": "header", "text": plain_text(title, MAX_HEADER)}


def section(text: str, *, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields(items: Sequence[str]) -> list[Block]:
    """Sections of ≤ 10 mrkdwn fields each (one per `**label**\\nvalue` string)."""
    blocks: list[Block] = []
    for start in range(0, len(items), MAX_FIELDS):
        chunk = items[start : start + MAX_FIELDS]
        blocks.append({"type": "section", "fields": [mrkdwn(i, MAX_FIELD_TEXT) for i in chunk]})
    return blocks


def field(label: str, value: str) -> str:
    """One field's text: a bold label (ours, not API text) over an already-safe value."""
    return f"*{label}*\n{value}"


def context(*texts: str) -> Block:
    elements = [mrkdwn(t, MAX_FIELD_TEXT) for t in texts[:MAX_CONTEXT_ELEMENTS] if t]
    return {"type": "context", "elements": elements or [mrkdwn(" ")]}


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    """A button; `label` is our own text, `value` is the command line the button runs."""
    element: Block = {
        "type": "button",
        "text": plain_text(label, MAX_BUTTON_TEXT),
        "action_id": action_id[:255],
        "value": value[:MAX_BUTTON_VALUE],
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def actions(elements: Sequence[Block], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def group_lines(lines: Sequence[str], budget: int = MAX_SECTION_TEXT) -> list[list[str]]:
    """Consecutive lines in groups whose newline-joined text fits `budget` characters, so a list
    is split between lines, never inside one (a line longer than `budget` is cut by `truncate`)."""
    groups: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = truncate(line, budget)
        if chunk and size + len(line) > budget:  # the joined text with this line
            groups.append(chunk)
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        groups.append(chunk)
    return groups


def code_sections(lines: Sequence[str]) -> list[Block]:
    """Monospace sections (``` blocks), split so each stays under the section text limit.

    Lines must already be escaped; the escaper replaces backticks, so no line can close the block.
    """
    budget = MAX_SECTION_TEXT - 8  # the two fences and their newlines
    chunks = group_lines([truncate(line, 200) for line in lines], budget)
    return [section("```\n" + "\n".join(chunk) + "\n```") for chunk in chunks]


def fit_blocks(
    body: Sequence[Block], tail: Sequence[Block] = (), limit: int = MAX_BLOCKS
) -> list[Block]:
    """The one place a message's blocks meet Slack's cap: every `tail` block (notes about the
    answer, its freshness line, buttons, a share note) and as much of `body` as fits in
    `limit`; a body that does not fit gives up its last blocks, and the last slot it keeps
    says how many."""
    room = limit - len(tail)
    if len(body) <= room:
        return [*body, *tail]
    if room < 1:  # our own notes are a handful of blocks: this is a programming error
        raise ValueError(f"{len(tail)} trailing blocks leave no room for an answer in {limit}")
    kept = list(body[: room - 1])
    left = len(body) - len(kept)
    more = context(f"…and {left} more blocks not shown; use `export` for everything.")
    return [*kept, more, *tail]
