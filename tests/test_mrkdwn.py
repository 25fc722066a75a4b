"""The one escaper: hostile names can never mention, link or format in Slack."""

from __future__ import annotations

import re

import pytest

from bot.slack.mrkdwn import ELLIPSIS, escape, mention, truncate

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123ABC>",
    "<#C0123|general>",
    "<!subteam^S123>",
    "<https://evil.example|click>",
    "*bold*",
    "_italic_",
    "~strike~",
    "`code`",
    "```block```",
    "&amp;",
    "Tom & Jerry <tj@example.com>",
    "日本語 🚀 émoji 👩‍💻",
    "x" * 300,
]
_CONTROL = re.compile(r"<[@#!]|<https?:|<mailto:")
_FORMAT = re.compile(r"[*_~`]")


@pytest.mark.parametrize("name", HOSTILE)
def test_escaped_text_has_no_control_sequence_or_formatting(name: str) -> None:
    out = escape(name)
    assert "<" not in out
    assert ">" not in out
    assert not _CONTROL.search(out)
    assert not _FORMAT.search(out)
    # every & left is the start of one of the three entities Slack decodes
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0


def test_entities_are_slacks_three() -> None:
    assert escape("<!channel>") == "&lt;!channel&gt;"
    assert escape("a & b") == "a &amp; b"
    assert escape("&amp;") == "&amp;amp;"  # shown literally as "&amp;", not decoded to "&"


def test_formatting_characters_become_lookalikes() -> None:
    assert escape("*bold*") == "∗bold∗"
    assert escape("snake_case") == "snakeˍcase"
    assert escape("~x~") == "∼x∼"
    assert escape("`x`") == "ˋxˋ"


def test_unicode_and_emoji_pass_through() -> None:
    assert escape("日本語 🚀 émoji 👩‍💻") == "日本語 🚀 émoji 👩‍💻"


def test_code_mode_keeps_copyable_text_but_cannot_close_a_block() -> None:
    assert escape("--product claude_code <P>", code=True) == "--product claude_code &lt;P&gt;"
    assert "`" not in escape("```", code=True)


def test_mention_accepts_only_slack_user_ids() -> None:
    assert mention("U123ABC") == "<@U123ABC>"
    assert mention("W0ENTERPRISE") == "<@W0ENTERPRISE>"
    for bad in ("<!channel>", "u123", "U12>", "ada@example.com", "U123|x", "", "C123ABC"):
        with pytest.raises(ValueError, match="not a Slack user ID"):
            mention(bad)


def test_truncate_adds_ellipsis_only_when_cut() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 300, 50)
    assert len(cut) == 50
    assert cut.endswith(ELLIPSIS)


def test_truncate_never_splits_an_entity() -> None:
    text = escape("a" * 8 + "<b>")  # aaaaaaaa&lt;b&gt;
    for n in range(2, len(text)):
        out = truncate(text, n)
        assert len(out) <= n
        body = out.removesuffix(ELLIPSIS)
        assert re.sub(r"&(amp|lt|gt);", "", body).count("&") == 0, out


def test_truncate_rejects_nonsense_width() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        truncate("abc", 0)
