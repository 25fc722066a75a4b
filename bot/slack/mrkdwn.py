"""Slack mrkdwn safety: the ONE escaper every Block Kit builder uses, plus mentions and truncation.

Slack decodes only three entities (`&amp;`, `&lt;`, `&gt;`) and treats `<…>` as control sequences
(mentions `<@U123>`, broadcasts `<!channel>`, links `<https://x|y>`). Escaping `&`, `<` and `>`
makes every such sequence inert. Slack has no backslash escape for formatting, so `*`, `_`, `~`
and a backtick are replaced by look-alike characters: a name can never turn bold, italic, struck,
or open or close a code block (which also makes the same escaped text safe inside a ``` block).

Mentions are built only from Slack IDs we resolved ourselves (`mention`), never from API text.
"""

from __future__ import annotations

import re

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LOOKALIKES = {
    "*": "\u2217",  # ∗ asterisk operator
    "_": "\u02cd",  # ˍ modifier letter low macron
    "~": "\u223c",  # ∼ tilde operator
    "`": "\u02cb",  # ˋ modifier letter grave accent
}
_TABLE = str.maketrans({**_ENTITIES, **_LOOKALIKES})
_CODE_TABLE = str.maketrans({**_ENTITIES, "`": _LOOKALIKES["`"]})
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,20}$")
_SUBTEAM_ID = re.compile(r"^S[A-Z0-9]{2,20}$")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
ELLIPSIS = "…"


def escape(text: object, *, code: bool = False) -> str:
    """`text` as inert mrkdwn: no mention, broadcast, link or formatting can survive.

    `code=True` is for our OWN text shown inside a ``` block (usage lines with `claude_code`):
    Slack does not format inside code blocks, so only `&`, `<`, `>` and the backtick (which could
    close the block) are replaced and the text stays copyable. API strings always use the default.
    """
    return str(text).translate(_CODE_TABLE if code else _TABLE)


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
    """At most `n` characters, ending in `…` when cut; never cuts an escaped entity in half."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if len(text) <= n:
        return text
    head = text[: n - 1]
    partial = _PARTIAL_ENTITY.search(head)
    if partial is not None:
        head = head[: partial.start()]
    return head.rstrip() + ELLIPSIS


def plain(text: object, n: int | None = None) -> str:
    """Escape then (optionally) truncate: the usual path for one API string into a block."""
    escaped = escape(text)
    return escaped if n is None else truncate(escaped, n)


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
    return "`".join(escape(p, code=True) if i % 2 else escape(p) for i, p in enumerate(parts))
