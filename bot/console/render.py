"""Block Kit → readable terminal text: the ONE renderer used by `claude-usage command` and the demo.

The console shows exactly what Slack would: the same blocks, with mrkdwn turned into plain text.
Slack's control sequences become what Slack displays (`<@U1>` → `@U1`, `<url|label>` → `label
(url)`), our `*bold*` markers are dropped, entities are decoded last (so escaped API text shows as
typed), code blocks are indented, fields are laid out as `Label: value`, buttons as `[Label]`.
The result is cleaned for the terminal last (`bot.console.sanitize`): a name can show anything,
but no escape sequence, control or bidi override inside it reaches the screen.

In the interactive console the buttons can be pressed: `numbered=True` draws them as
`[1 ◀ Previous]`, and `pressable()` lists the same buttons in the same order with the
`/claude-usage` words each one runs (its `value`, exactly what Slack's action listener runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.console.sanitize import clean_lines

if TYPE_CHECKING:
    from bot.reports.types import CommandResult

_WIDTH = 72
_FENCE = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_LINK = re.compile(r"<(https?://[^|>]+|mailto:[^|>]+)(?:\|([^>]*))?>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CDG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI = {
    ":warning:": "⚠",
    ":white_check_mark:": "✔",
    ":hourglass_flowing_sand:": "⏳",
    ":rotating_light:": "🚨",
    ":zzz:": "💤",
    ":chart_with_upwards_trend:": "📈",
    ":memo:": "📝",
}
_LITERAL = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
"""An invalid date token (our escape of `*`, `_`, `~`, backtick): Slack shows its fallback."""


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_to_text(text: str) -> str:
    """One mrkdwn string as plain text (code blocks indented by two spaces)."""
    pieces: list[str] = []
    last = 0
    for match in _FENCE.finditer(text):
        pieces.append(_inline(text[last : match.start()]))
        body = _unescape(match.group(1))
        pieces.append("\n".join("  " + line for line in body.splitlines()))
        last = match.end()
    pieces.append(_inline(text[last:]))
    return "\n".join(p.strip("\n") for p in pieces if p.strip())


def _inline(text: str) -> str:
    """Slack's inline rules; the fallback of a literal token is shown as is, never formatted."""
    pieces = _LITERAL.split(text)
    return "".join(p if i % 2 else _formatted(p) for i, p in enumerate(pieces)).replace(
        "\u00ad", ""
    )


def _formatted(text: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    text = _USER.sub(lambda m: f"@{m.group(1)}", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _BOLD.sub(r"\1", text)
    text = _INLINE_CODE.sub(r"\1", text)
    for code, symbol in _EMOJI.items():
        text = text.replace(code, symbol)
    return _unescape(text)


def _text_of(obj: Mapping[str, Any] | None) -> str:
    if not obj:
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn_to_text(raw) if obj.get("type") == "mrkdwn" else _unescape(raw)


def _field(obj: Mapping[str, Any]) -> str:
    text = _text_of(obj)
    label, _, value = text.partition("\n")
    return f"{label}: {value.replace(chr(10), ' ')}" if value else label


def _fields(items: Sequence[Mapping[str, Any]]) -> list[str]:
    cells = [_field(f) for f in items]
    width = max((len(c) for c in cells[0::2]), default=0)
    lines = []
    for i in range(0, len(cells), 2):
        pair = cells[i : i + 2]
        if len(pair) == 2 and width + len(pair[1]) + 4 <= _WIDTH + 20:
            lines.append(f"{pair[0]:<{width}}    {pair[1]}")
        else:
            lines.extend(pair)
    return lines


@dataclass(frozen=True)
class Button:
    """A button the console can press: its label and the `/claude-usage` words it runs."""

    number: int
    label: str
    words: str


_Numbers = Mapping[int, int]
"""`id()` of a pressable button element → its number."""


def _elements(blocks: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every element in the order `blocks_to_text` draws it."""
    for block in blocks:
        if block.get("type") == "section" and block.get("accessory"):
            yield block["accessory"]
        elif block.get("type") in ("actions", "context"):
            yield from block.get("elements", [])


def _pressable_elements(blocks: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The buttons Slack's action listener answers (`bot.slack.listeners.actions`): those that
    carry the words they run. Alert buttons (acknowledge, snooze) are not among them."""
    from bot.slack.blocks.message import ACTION_PREFIX

    return [
        e
        for e in _elements(blocks)
        if e.get("type") == "button"
        and str(e.get("action_id", "")).startswith(ACTION_PREFIX)
        and e.get("value")
    ]


def pressable(blocks: Sequence[Mapping[str, Any]]) -> tuple[Button, ...]:
    """The buttons `blocks_to_text(blocks, numbered=True)` numbers, with their words."""
    return tuple(
        Button(n, clean_lines(_text_of(e.get("text"))), str(e["value"]))
        for n, e in enumerate(_pressable_elements(blocks), start=1)
    )


def _element(element: Mapping[str, Any], numbers: _Numbers) -> str:
    kind = element.get("type")
    if kind == "button":
        number = numbers.get(id(element))
        label = _text_of(element.get("text"))
        return f"[{label}]" if number is None else f"[{number} {label}]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in ("mrkdwn", "plain_text"):
        return _text_of(element)
    placeholder = element.get("placeholder")
    return f"[{_text_of(placeholder) if isinstance(placeholder, Mapping) else kind}]"


def _block(block: Mapping[str, Any], numbers: _Numbers) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text_of(block.get("text"))
        return [title, "═" * min(max(len(title), 3), _WIDTH)]
    if kind == "section":
        lines = []
        if block.get("text"):
            lines.extend(_text_of(block["text"]).splitlines())
        if block.get("fields"):
            lines.extend(_fields(block["fields"]))
        if block.get("accessory"):
            lines.append(_element(block["accessory"], numbers))
        return lines
    if kind == "context":
        return [" · ".join(_element(e, numbers) for e in block.get("elements", []))]
    if kind == "divider":
        return ["─" * _WIDTH]
    if kind == "actions":
        return ["  ".join(_element(e, numbers) for e in block.get("elements", []))]
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return [_rich_text(block)]
    return []


def _rich_text(block: Mapping[str, Any]) -> str:
    out: list[str] = []
    for element in block.get("elements", []):
        for leaf in element.get("elements", []):
            out.append(str(leaf.get("text", "")))
    return "".join(out)


def blocks_to_text(blocks: Sequence[Mapping[str, Any]], *, numbered: bool = False) -> str:
    """Readable text for a list of Block Kit blocks (a message or a Home view); `numbered`
    numbers the buttons that can be pressed (see `pressable`)."""
    elements = _pressable_elements(blocks) if numbered else []
    numbers = {id(e): n for n, e in enumerate(elements, start=1)}
    out: list[str] = []
    for block in blocks:
        lines = _block(block, numbers)
        if not lines:
            continue
        if block.get("type") in ("header", "divider") and out and out[-1] != "":
            out.append("")
        out.extend(lines)
    return clean_lines("\n".join(out).rstrip()) + "\n"


def answer_text(result: CommandResult, *, today: date | None = None) -> str:
    """A report result as the terminal shows it: `render` (the Slack answer) then
    `blocks_to_text`, so `claude-usage command` and the demo print exactly what Slack shows."""
    from bot.slack.blocks import render

    return blocks_to_text(render(result, today=today).blocks)
