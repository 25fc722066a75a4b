"""Claude's answer as Slack Markdown: inert, and cut into pieces Slack accepts.

The streamed answer (`markdown_text` of chat.startStream / appendStream / stopStream) and its
fallback post (`markdown` blocks) are standard Markdown, not mrkdwn. Claude writes the
formatting (bold, bullets); the names it quotes came from the API, and a name can be Markdown
too: `[Re-authenticate to see this report](https://evil.example/login)` quoted verbatim is a
live link whose text hides where it goes. Which characters of an answer are Claude's and which
a quoted name's cannot be told apart afterwards, and escaping names in the tool results would
neither survive a paraphrase nor stop an injected instruction from making Claude write the
link itself. But no answer of ours ever links anywhere (the prompt asks for no links, and our
own sentences have none), so `answer_markdown` neutralises every link in the text, whoever
wrote it:

    &  <  >           entities, as in mrkdwn: no autolink `<https://…>`, no HTML, no
                      `<!channel>` or `<@U…>`
    ](   ]:           `]\\(` and `]\\:` (backslash escapes): no inline link, no image, no
                      reference definition (so no reference link either). A renderer without
                      backslash escapes shows the backslash and still finds no `](`. Applied
                      in code spans too, where it shows: code-span detection is approximate
                      and a link must never depend on it.
    https://…  www.…  a bare URL, which a renderer or Slack itself would link, is put in a
                      code span: shown as it is, copyable, not clickable (outside code spans)

None of these patterns holds whitespace, and a streamed piece always ends in whitespace, so
neutralising piece by piece gives what neutralising the whole answer would. `split_markdown`
cuts text for Slack's 12,000-character limits: at a paragraph break, else a line break, else a
space, and never inside an entity, a surrogate pair or before a combining mark.
"""

from __future__ import annotations

import re
import unicodedata

from bot.slack.mrkdwn import escape

_LINK_SYNTAX = re.compile(r"\](?=[(:])")
_BARE_URL = re.compile(r"(?<![\w@/`])(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s`<>]*[^\s`<>.,;:!?)\]'\"*_~]",
                       re.IGNORECASE)  # fmt: skip
_ENTITY_START = re.compile(r"&[#a-zA-Z0-9]{0,8}$")
_JOINERS = {"\u200d", "\u200c"}


def answer_markdown(text: str) -> str:
    """Claude's text made inert for Slack Markdown (see the module docstring)."""
    text = _LINK_SYNTAX.sub("]\\\\", text)
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: no code spans at all
        return escape(_code_urls(text), code=True)
    return "`".join(
        escape(part if i % 2 else _code_urls(part), code=True) for i, part in enumerate(parts)
    )


def _code_urls(text: str) -> str:
    return _BARE_URL.sub(lambda m: f"`{m[0]}`", text)


def units(text: str) -> int:
    """Length as Slack may count it (UTF-16 code units): an emoji outside the BMP counts 2."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def split_markdown(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` units (`units`), joined they are `text` again."""
    if limit < 16:
        raise ValueError("limit must be at least 16")
    pieces: list[str] = []
    while units(text) > limit:
        cut = _cut(text, limit)
        pieces.append(text[:cut])
        text = text[cut:]
    if text:
        pieces.append(text)
    return pieces


def _cut(text: str, limit: int) -> int:
    """Where to cut `text` so the head fits `limit`: the last paragraph break, line break or
    space in its second half, else as late as fits; never inside an entity or a character."""
    end, used = 0, 0
    while end < len(text) and used + units(text[end]) <= limit:
        used += units(text[end])
        end += 1
    head = text[:end]
    for gap in ("\n\n", "\n", " "):
        at = head.rfind(gap)
        if at >= end // 2:
            return at + len(gap)
    partial = _ENTITY_START.search(head)
    if partial is not None and partial.start() > 0:
        end = partial.start()
    while end > 1 and _clings(text[end - 1], text[end]):
        end -= 1
    return end


def _clings(before: str, after: str) -> bool:
    """Whether `after` belongs with `before`: a surrogate pair, a combining mark, a variation
    selector, a skin tone or a joiner, or an escaping backslash."""
    return (
        "\udc00" <= after <= "\udfff"
        or unicodedata.combining(after) > 0
        or "\ufe00" <= after <= "\ufe0f"
        or "\U0001f3fb" <= after <= "\U0001f3ff"
        or after in _JOINERS
        or before in _JOINERS
        or before == "\\"
    )
