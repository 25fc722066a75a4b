"""Slack mrkdwn safety: the ONE escaper for API text in Block Kit, plus mentions and truncation.

Only text that came from the API is escaped, and escaped so it reads — and copies — as the
original:

* `&`, `<` and `>` become `&amp;`, `&lt;`, `&gt;` (the only entities Slack decodes): every
  control sequence (`<!channel>`, `<@U123>`, `<https://x|y>`) becomes inert text.
* `*`, `_`, `~` and a backtick only format at a word boundary (`claude_code` is never italic), so
  a run of them is touched only there: it is wrapped as the fallback text of a deliberately
  invalid date token, `<!date^00000000^{_}|*>`, which Slack always shows as plain text — the
  technique of jsx-slack's `<Escape>`. The person sees, and copies, the original `*`.
* A leading `>` would quote the line; a soft hyphen (invisible) goes in front of it.
* In code (`code=True`: inside a ``` block or an inline code span) nothing formats, so only the
  entities and what would end the code are changed: a run of three backticks in a block, any
  backtick in an inline span (there a look-alike `ˋ` is the only way).
* A `plain_text` object (headers, buttons) is shown verbatim and needs no escaping at all.
* Everywhere, code and `plain_text` included, what a display would act on instead of showing
  goes first (`bot.controls.strip_controls`, the list the terminal uses too): terminal escape
  sequences, control characters other than line feed and tab, and bidi controls, so a
  right-to-left override in a project name cannot turn a ranking's columns backwards.

Our own sentences are written in mrkdwn on purpose and are never escaped wholesale; a sentence
that quotes typed words or API text goes through `escape_sentence`. Mentions are built only from
Slack IDs we resolved ourselves (`mention`), never from API text.
"""

from __future__ import annotations

import re

from bot.controls import strip_controls

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_FORMATTING = re.compile(r"[*_~`]+")
_WORD = re.compile(r"\w")
LITERAL_FORMAT = "<!date^00000000^{{_}}|{}>"
"""An invalid date format: Slack shows the fallback text after `|` as plain, unformatted text."""
SOFT_HYPHEN = "\u00ad"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,20}$")
_SUBTEAM_ID = re.compile(r"^S[A-Z0-9]{2,20}$")
_PARTIAL = re.compile(r"(&[a-z]{0,3}|<[^>]*)$")
ELLIPSIS = "…"


def escape(text: object, *, code: bool = False, inline: bool = False) -> str:
    """API text as inert mrkdwn that displays (and copies) as the original.

    `code=True`: the text sits inside a ``` block (or an inline code span with `inline=True`),
    where Slack formats nothing: entities only, plus breaking what would close the code.
    """
    value = strip_controls(str(text)).translate(_ENTITIES)
    if code:
        return value.replace("`", "\u02cb") if inline else value.replace("```", "``\u02cb")
    value = _FORMATTING.sub(_guard, value)
    return SOFT_HYPHEN + value if value.startswith("&gt;") else value


def _guard(match: re.Match[str]) -> str:
    """A run of formatting characters, wrapped only where it touches a word boundary."""
    text, start, end = match.string, match.start(), match.end()
    inside = (
        start > 0 and end < len(text) and _WORD.match(text[start - 1]) and _WORD.match(text[end])
    )
    if inside:
        return match.group()
    run = match.group()
    if "`" in run:  # one token per backtick: no "```" may appear even inside a fallback
        return "".join(LITERAL_FORMAT.format(char) for char in run)
    return LITERAL_FORMAT.format(run)


def escape_entities(text: object) -> str:
    """Only `&`, `<`, `>` (and controls): for notification text, which Slack shows without
    formatting anyway."""
    return strip_controls(str(text)).translate(_ENTITIES)


def mention(user_id: str) -> str:
    """`<@U123>` for a Slack user ID we resolved; anything else is refused (never API text)."""
    if not _USER_ID.fullmatch(user_id):
        raise ValueError(f"not a Slack user ID: {user_id!r}")
    return f"<@{user_id}>"


def channel_link(channel_id: str) -> str:
    """`<#C123>` for a Slack channel ID from settings or a request."""
    if not _CHANNEL_ID.fullmatch(channel_id):
        raise ValueError(f"not a Slack channel ID: {channel_id!r}")
    return f"<#{channel_id}>"


def is_user_id(value: str) -> bool:
    return bool(_USER_ID.fullmatch(value))


def is_subteam_id(value: str) -> bool:
    return bool(_SUBTEAM_ID.fullmatch(value))


def truncate(text: str, n: int) -> str:
    """At most `n` characters, ending in `…` when cut; never cuts an entity or a date token in
    half (a half token would show as raw `<!date…` text)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if len(text) <= n:
        return text
    head = text[: n - 1]
    partial = _PARTIAL.search(head)
    if partial is not None:
        head = head[: partial.start()]
    return head.rstrip() + ELLIPSIS


def plain(text: object, n: int | None = None) -> str:
    """(Optionally) shorten, then escape: the usual path for one API string into a block.
    Shortening the raw text first counts what a person sees, not the escapes (nor controls,
    which go first: a cut must not leave half an escape sequence behind)."""
    raw = strip_controls(str(text))
    return escape(raw if n is None else truncate(raw, n))


_OUR_TOKENS = re.compile(
    r"(<@[UW][A-Z0-9]{2,20}>|<#[CG][A-Z0-9]{2,20}>|<!subteam\^S[A-Z0-9]{2,20}>"
    r"|^:[a-z0-9_+-]{1,40}:)"
)
"""What stays live in our sentences: mentions of validated IDs, and a leading emoji shortcode."""


def escape_sentence(sentence: str) -> str:
    """A sentence we wrote (error, refusal, note) made safe for mrkdwn.

    It may quote what a person typed inside backticks: the backticks stay (code formatting is
    harmless) and everything else is escaped, including `<!channel>` and links. Mentions of
    validated Slack IDs (`<@U…>`, `<#C…>`, `<!subteam^S…>`) that we built stay live, and so does
    a leading emoji shortcode (`:hourglass_flowing_sand:`).
    """
    pieces = _OUR_TOKENS.split(sentence)
    return "".join(p if i % 2 else _escape_ticks(p) for i, p in enumerate(pieces))


def _escape_ticks(text: str) -> str:
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: treat the whole text as plain
        return escape(text)
    return "`".join(
        escape(p, code=True, inline=True) if i % 2 else escape(p) for i, p in enumerate(parts)
    )
