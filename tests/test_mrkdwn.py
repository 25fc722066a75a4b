"""The one escaper: hostile names can never mention, link or format in Slack."""

from __future__ import annotations

import re

import pytest

from bot.console.render import mrkdwn_to_text
from bot.simulator.catalog import TERMINAL_HOSTILE
from bot.slack.blocks.primitives import button, header
from bot.slack.mrkdwn import (
    ELLIPSIS,
    escape,
    escape_entities,
    escape_sentence,
    mention,
    plain,
    truncate,
)

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
LITERAL = re.compile(r"<!date\^00000000\^\{_\}\|([*_~`]+)>")
"""Our escape of a formatting run: an invalid date token Slack shows as its plain fallback."""


@pytest.mark.parametrize("name", HOSTILE)
def test_escaped_text_has_no_control_sequence_or_live_formatting(name: str) -> None:
    out = escape(name)
    bare = LITERAL.sub("", out)  # what is left outside our literal tokens
    assert "<" not in bare
    assert ">" not in bare
    assert not _CONTROL.search(bare)
    # a formatting character left outside a token sits inside a word, where Slack ignores it
    for match in re.finditer(r"[*_~`]+", bare):
        before, after = bare[match.start() - 1 : match.start()], bare[match.end() : match.end() + 1]
        assert before.isalnum(), (name, out)
        assert after.isalnum(), (name, out)
    # every & left is the start of one of the three entities Slack decodes
    assert re.sub(r"&(amp|lt|gt);", "", bare).count("&") == 0


@pytest.mark.parametrize("name", HOSTILE)
def test_what_slack_shows_and_copies_is_the_original(name: str) -> None:
    assert mrkdwn_to_text(escape(name)) == name


def test_entities_are_slacks_three() -> None:
    assert escape("<!channel>") == "&lt;!channel&gt;"
    assert escape("a & b") == "a &amp; b"
    assert escape("&amp;") == "&amp;amp;"  # shown literally as "&amp;", not decoded to "&"


def test_only_formatting_at_a_word_boundary_is_wrapped_no_lookalikes() -> None:
    assert escape("claude_code") == "claude_code"  # never italic inside a word: untouched
    assert escape("snake_case_name") == "snake_case_name"
    assert escape("*bold*") == "<!date^00000000^{_}|*>bold<!date^00000000^{_}|*>"
    assert escape("_it_") == "<!date^00000000^{_}|_>it<!date^00000000^{_}|_>"
    assert escape("2*3 = 6") == "2*3 = 6"
    for lookalike in "∗ˍ∼ˋ":
        assert lookalike not in escape("*a* _b_ ~c~ `d` x_y")


def test_a_leading_quote_marker_cannot_quote_the_line() -> None:
    assert escape("> Finance") == "\u00ad&gt; Finance"
    assert mrkdwn_to_text(escape("> Finance")) == "> Finance"


def test_unicode_and_emoji_pass_through() -> None:
    assert escape("日本語 🚀 émoji 👩‍💻") == "日本語 🚀 émoji 👩‍💻"


def test_code_mode_keeps_the_text_but_cannot_close_the_code() -> None:
    assert escape("--product claude_code <P>", code=True) == "--product claude_code &lt;P&gt;"
    assert escape("`rm -rf` ok", code=True) == "`rm -rf` ok"  # a single backtick: literal
    assert "```" not in escape("a ```b``` c", code=True)
    assert "`" not in escape("a `b` c", code=True, inline=True)


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


def test_truncate_never_splits_a_literal_token() -> None:
    text = escape("ab *bold* cd")
    for n in range(2, len(text)):
        body = truncate(text, n).removesuffix(ELLIPSIS)
        assert body.count("<") == body.count(">"), body


def test_truncate_rejects_nonsense_width() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        truncate("abc", 0)


BIDI_AND_CONTROLS = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\x00\x07\x08\x0b\x0c\r\x1b\x7f\x85\x9b\x9d"
)


@pytest.mark.parametrize("name", TERMINAL_HOSTILE)
def test_no_control_or_bidi_character_survives_any_slack_path(name: str) -> None:
    """What a display acts on (ANSI, OSC-8, C0/C1, bidi controls) never reaches Slack: not
    in mrkdwn, code, inline code, a sentence, notification text or plain_text."""
    shown = [
        escape(name),
        escape(name, code=True),
        escape(name, code=True, inline=True),
        escape_sentence(f"No project `{name}` here: {name}"),
        escape_entities(name),
        plain(name, 20),
        header(name)["text"]["text"],
        button(name, "a", "v")["text"]["text"],
    ]
    for text in shown:
        assert not set(text) & set(BIDI_AND_CONTROLS), (name, text)


def test_controls_go_but_the_visible_text_and_line_breaks_stay() -> None:
    osc8 = "\x1b]8;;https://evil.example\x1b\\Budget\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m"
    assert escape(osc8) == "Budget red"
    assert escape("invoice\u202egnp.exe") == "invoicegnp.exe"
    assert escape("a\u2067b\u2069 \u200fc\x9b31md") == "ab cd"
    assert escape("two\nlines\tand tab\r", code=True) == "two\nlines\tand tab"
    assert escape_entities("\u202e<!here>") == "&lt;!here&gt;"


def test_a_cut_never_leaves_half_an_escape_sequence() -> None:
    osc8 = "\x1b]8;;https://evil.example/a/very/long/path\x1b\\Budget\x1b]8;;\x1b\\"
    assert plain(osc8, 10) == "Budget"
    assert header(osc8 * 30)["text"]["text"].startswith("BudgetBudget")
