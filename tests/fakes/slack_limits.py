"""Every request body the app sent to Slack, checked the way Slack would take it.

    check(request, allowed) -> list[Problem]      one recorded request (tests/fakes/slack_api.py)
    check_all(requests, allowed) -> list[Problem]
    strings(request)                              every string of its body, as (path, text)

Two layers, so nothing that slack_sdk misses goes unchecked:

1. **slack_sdk's own models**: each block through `Block.parse(...).to_dict()`, the App Home
   through `View(...).to_dict()`, each stream chunk through `Chunk.parse(...).to_dict()`. They
   raise on the limits slack_sdk knows and silently drop keys they do not know; an unknown type
   or a dropped key is a problem too.
2. **Slack's documented limits that slack_sdk does not check**, and this project's rules:

       message              ≤ 50 blocks; `text` ≤ 40,000, and present whenever blocks are (but
                            in chat.stopStream, whose text is what was streamed)
       view (App Home)      ≤ 100 blocks
       block_id             ≤ 255, unique in a message or view
       action_id            ≤ 255, unique in a message or view
       section              text ≤ 3,000, and not cut there (ending in `…` within 40 characters
                            of it, where a cut lands after dropping a half token: the rest of an
                            answer or a list is lost); 1–10 fields of ≤ 2,000 each
       header               plain_text ≤ 150
       context              1–10 elements
       actions              1–25 elements
       button               text ≤ 75, value ≤ 2,000, url ≤ 3,000
       text object          never empty
       markdown blocks      12,000 characters in all, per message
       chat.*Stream         markdown_text ≤ 12,000 per call, and per markdown_text chunk
       files                alt_txt ≤ 1,000 (files.getUploadURLExternal)
       suggested prompts    at most 4
       every string         no bidi control (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C),
                            no terminal escape, no C0/C1 control but line feed and tab
       mrkdwn and markdown  every `<…>` is a token we build: `<@U…>` of a user in the workspace
                            or an admin, `<#C…>` of a channel we know, `<!subteam^S…>` of the
                            admin group, or our literal-format date token; no other `<`, `>`;
                            an `&` only starts `&amp;`, `&lt;` or `&gt;`
       Markdown             (streams, markdown blocks) no live link or image `[text](url)`: the
                            app builds none, so one can only come from a name the API sent (a
                            backslash-escaped `[`, `]` or `(` is not live)

The control-character list is written out here on purpose, not imported from `bot.controls`: a
check that used the code under test's own list could not notice a character missing from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.messages.chunk import Chunk
from slack_sdk.models.views import View

from tests.fakes.slack_api import Recorded

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_ID = 255
MAX_SECTION_TEXT = 3_000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_URL = 3_000
MAX_MARKDOWN = 12_000
MAX_ALT_TXT = 1_000
MAX_PROMPTS = 4
ELLIPSIS = "…"
CUT_SLACK = 40
"""How far below a limit a cut text may end: the cut drops a half entity or token first."""

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.stopStream", "response"}
)
STREAM_METHODS = frozenset({"chat.startStream", "chat.appendStream", "chat.stopStream"})

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TOKEN = re.compile(r"<([^<>]*)>")
_LITERAL = re.compile(r"!date\^00000000\^\{_\}\|[*_~`]+")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_MARKDOWN_LINK = re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(")


@dataclass(frozen=True)
class Allowed:
    """What the app may mention or link: the IDs it resolved or was configured with."""

    users: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    method: str
    where: str
    what: str
    sample: str = ""

    def __str__(self) -> str:
        tail = f": {self.sample[:160]!r}" if self.sample else ""
        return f"{self.method} {self.where}: {self.what}{tail}"


@dataclass
class _Found:
    method: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, what: str, sample: object = "") -> None:
        self.problems.append(Problem(self.method, where, what, str(sample) if sample else ""))


def check_all(requests: Iterable[Recorded], allowed: Allowed) -> list[Problem]:
    return [problem for request in requests for problem in check(request, allowed)]


def check(request: Recorded, allowed: Allowed) -> list[Problem]:
    """Every problem of one request body (files' bytes are not Slack text: not checked)."""
    if request.method == "upload":
        return []
    found = _Found(request.method)
    body = _body(request)
    for where, text in _strings(body, ""):
        if _CONTROLS.search(text):
            found.add(where, "a control, escape or bidi character", text)
    method = request.method
    if method in MESSAGE_METHODS:
        _message(found, body)
    if method == "views.publish":
        _view(found, body.get("view"))
    if method in STREAM_METHODS:
        _stream(found, body, allowed)
    if method == "files.getUploadURLExternal" and len(str(body.get("alt_txt") or "")) > MAX_ALT_TXT:
        found.add("alt_txt", f"longer than {MAX_ALT_TXT}")
    if method == "files.completeUploadExternal" and body.get("initial_comment"):
        _mrkdwn(found, "initial_comment", str(body["initial_comment"]), allowed)
    if method == "assistant.threads.setSuggestedPrompts":
        prompts = body.get("prompts") or []
        if not 0 < len(prompts) <= MAX_PROMPTS:
            found.add("prompts", f"{len(prompts)} prompts (1–{MAX_PROMPTS})")
    if method in MESSAGE_METHODS and body.get("text"):
        _mrkdwn(found, "text", str(body["text"]), allowed)
    for where, block in _blocks_of(body):
        for path, text_object in _text_objects(block, where):
            if text_object.get("type") == "mrkdwn":
                _mrkdwn(found, path, str(text_object.get("text", "")), allowed)
        if block.get("type") == "markdown":
            _markdown(found, f"{where}.text", str(block.get("text", "")), allowed)
    return found.problems


def strings(request: Recorded) -> Iterator[tuple[str, str]]:
    """Every string value of the body, JSON inside form fields included; none for uploads."""
    if request.method != "upload":
        yield from _strings(_body(request), "")


def _body(request: Recorded) -> dict[str, Any]:
    return {key: _decoded(value) for key, value in request.body.items()}


def _decoded(value: Any) -> Any:
    """A form field that carries JSON (blocks, view, chunks, prompts) as its parsed value."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")


def _blocks_of(body: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every block the body sends: a message's, a view's and those inside stream chunks."""
    for i, block in enumerate(body.get("blocks") or []):
        yield f"blocks[{i}]", block
    view = body.get("view")
    if isinstance(view, Mapping):
        for i, block in enumerate(view.get("blocks") or []):
            yield f"view.blocks[{i}]", block
    for i, chunk in enumerate(body.get("chunks") or []):
        for j, block in enumerate(chunk.get("blocks") or []):
            yield f"chunks[{i}].blocks[{j}]", block


def _message(found: _Found, body: Mapping[str, Any]) -> None:
    blocks = list(body.get("blocks") or [])
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        found.add("blocks", f"{len(blocks)} blocks (at most {MAX_MESSAGE_BLOCKS})")
    text = body.get("text")
    if blocks and not text and found.method != "chat.stopStream":  # a stream's text is its own
        found.add("text", "no fallback text for notifications and screen readers")
    if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
        found.add("text", f"{len(str(text))} characters (at most {MAX_MESSAGE_TEXT})")
    _blocks(found, blocks, "blocks")
    markdown = sum(len(str(b.get("text", ""))) for b in blocks if b.get("type") == "markdown")
    if markdown > MAX_MARKDOWN:
        found.add("blocks", f"{markdown} characters of markdown blocks (at most {MAX_MARKDOWN})")


def _view(found: _Found, view: Any) -> None:
    if not isinstance(view, Mapping):
        found.add("view", "missing")
        return
    try:
        parsed = View(**dict(view)).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        found.add("view", f"slack_sdk refuses it: {exc}")
        parsed = None
    if parsed is not None and set(view) - set(parsed):
        found.add("view", f"keys slack_sdk does not know: {sorted(set(view) - set(parsed))}")
    blocks = list(view.get("blocks") or [])
    if len(blocks) > MAX_VIEW_BLOCKS:
        found.add("view.blocks", f"{len(blocks)} blocks (at most {MAX_VIEW_BLOCKS})")
    _blocks(found, blocks, "view.blocks")


def _blocks(found: _Found, blocks: list[dict[str, Any]], where: str) -> None:
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        at = f"{where}[{i}]"
        _sdk_block(found, block, at)
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                found.add(at, "a block_id used twice in one message", block_id)
            block_ids.add(block_id)
            if len(block_id) > MAX_ID:
                found.add(at, f"block_id longer than {MAX_ID}")
        for element in block.get("elements") or []:
            action_id = element.get("action_id") if isinstance(element, Mapping) else None
            if action_id is not None:
                if action_id in action_ids:
                    found.add(at, "an action_id used twice in one message", action_id)
                action_ids.add(action_id)
        _limits(found, block, at)
        for path, text_object in _text_objects(block, at):
            if not str(text_object.get("text", "")):
                found.add(path, "an empty text object")


def _sdk_block(found: _Found, block: dict[str, Any], at: str) -> None:
    try:
        parsed = Block.parse(block)
        if parsed is None:
            found.add(at, "a block type slack_sdk does not know", block.get("type"))
            return
        again = parsed.to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        found.add(at, f"slack_sdk refuses it: {exc}", json.dumps(block)[:160])
        return
    dropped = _dropped(block, again)
    if dropped:
        found.add(at, f"keys slack_sdk does not know: {dropped}")


def _dropped(original: Any, parsed: Any, where: str = "") -> list[str]:
    """Paths present in what we sent but gone after slack_sdk read it back."""
    if isinstance(original, Mapping) and isinstance(parsed, Mapping):
        out = []
        for key, value in original.items():
            if key not in parsed:
                out.append(f"{where}.{key}" if where else str(key))
            else:
                out += _dropped(value, parsed[key], f"{where}.{key}" if where else str(key))
        return out
    if isinstance(original, list) and isinstance(parsed, list):
        return [p for i, (a, b) in enumerate(zip(original, parsed, strict=False))
                for p in _dropped(a, b, f"{where}[{i}]")]  # fmt: skip
    return []


def _limits(found: _Found, block: Mapping[str, Any], at: str) -> None:
    kind = block.get("type")
    if kind == "section":
        text = (block.get("text") or {}).get("text")
        fields = block.get("fields")
        if text is None and not fields:
            found.add(at, "a section with neither text nor fields")
        if text is not None and len(text) > MAX_SECTION_TEXT:
            found.add(at, f"section text of {len(text)} (at most {MAX_SECTION_TEXT})")
        if (
            text is not None
            and len(text) > MAX_SECTION_TEXT - CUT_SLACK
            and text.endswith(ELLIPSIS)
        ):
            found.add(at, "section text cut at the limit: the rest is lost", text[-80:])
        if fields is not None and not 0 < len(fields) <= MAX_FIELDS:
            found.add(at, f"{len(fields)} fields (1–{MAX_FIELDS})")
        for j, item in enumerate(fields or []):
            if len(str(item.get("text", ""))) > MAX_FIELD_TEXT:
                found.add(f"{at}.fields[{j}]", f"field text longer than {MAX_FIELD_TEXT}")
    elif kind == "header":
        text = block.get("text") or {}
        if text.get("type") != "plain_text" or len(str(text.get("text", ""))) > MAX_HEADER:
            found.add(at, f"a header must be plain_text of at most {MAX_HEADER}")
    elif kind == "context":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= MAX_CONTEXT_ELEMENTS:
            found.add(at, f"{len(elements)} context elements (1–{MAX_CONTEXT_ELEMENTS})")
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= MAX_ACTIONS:
            found.add(at, f"{len(elements)} actions (1–{MAX_ACTIONS})")
        for j, element in enumerate(elements):
            _button(found, element, f"{at}.elements[{j}]")
    accessory = block.get("accessory")
    if isinstance(accessory, Mapping):
        _button(found, accessory, f"{at}.accessory")


def _button(found: _Found, element: Mapping[str, Any], at: str) -> None:
    if element.get("type") != "button":
        return
    if len(str((element.get("text") or {}).get("text", ""))) > MAX_BUTTON_TEXT:
        found.add(at, f"button text longer than {MAX_BUTTON_TEXT}")
    if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
        found.add(at, f"button value longer than {MAX_BUTTON_VALUE}")
    if len(str(element.get("url", ""))) > MAX_URL:
        found.add(at, f"button url longer than {MAX_URL}")
    if len(str(element.get("action_id", ""))) > MAX_ID:
        found.add(at, f"action_id longer than {MAX_ID}")


def _text_objects(node: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
            yield where, node
        for key, value in node.items():
            yield from _text_objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _text_objects(value, f"{where}[{i}]")


def _stream(found: _Found, body: Mapping[str, Any], allowed: Allowed) -> None:
    markdown = body.get("markdown_text")
    if markdown is not None:
        if len(str(markdown)) > MAX_MARKDOWN:
            found.add("markdown_text", f"{len(str(markdown))} characters (at most {MAX_MARKDOWN})")
        _markdown(found, "markdown_text", str(markdown), allowed)
    for i, chunk in enumerate(body.get("chunks") or []):
        at = f"chunks[{i}]"
        try:
            parsed = Chunk.parse(chunk)
            if parsed is None:
                found.add(at, "a chunk type slack_sdk does not know", chunk.get("type"))
                continue
            again = parsed.to_dict()
        except (SlackObjectFormationError, TypeError) as exc:
            found.add(at, f"slack_sdk refuses it: {exc}")
            continue
        if set(chunk) - set(again):
            found.add(at, f"keys slack_sdk does not know: {sorted(set(chunk) - set(again))}")
        if chunk.get("type") == "markdown_text":
            text = str(chunk.get("text", ""))
            if len(text) > MAX_MARKDOWN:
                found.add(at, f"{len(text)} characters of markdown (at most {MAX_MARKDOWN})")
            _markdown(found, f"{at}.text", text, allowed)
        for key in ("output", "details"):
            if chunk.get(key):
                _mrkdwn(found, f"{at}.{key}", str(chunk[key]), allowed)


def _markdown(found: _Found, where: str, text: str, allowed: Allowed) -> None:
    """Streamed Markdown: the mrkdwn rules, and no link or image the app did not build."""
    _mrkdwn(found, where, text, allowed)
    link = _MARKDOWN_LINK.search(text)
    if link is not None:
        found.add(where, "a live Markdown link or image", text[link.start() : link.start() + 80])


def _mrkdwn(found: _Found, where: str, text: str, allowed: Allowed) -> None:
    """Every `<…>` is a token we build; nothing else could ping, link or break the markup."""
    for match in _TOKEN.finditer(text):
        inner = match.group(1)
        if (
            (inner.startswith("@") and inner[1:] in allowed.users)
            or (inner.startswith("#") and inner[1:] in allowed.channels)
            or (inner.startswith("!subteam^") and inner[9:] in allowed.groups)
            or _LITERAL.fullmatch(inner)
        ):
            continue
        found.add(where, "a live token the app did not build", match.group())
    rest = _TOKEN.sub("", text)
    if "<" in rest or ">" in rest:
        found.add(where, "a bare < or > (Slack wants &lt; and &gt;)", text)
    if "&" in _ENTITY.sub("", rest):
        found.add(where, "an & that starts no entity (Slack wants &amp;)", text)
