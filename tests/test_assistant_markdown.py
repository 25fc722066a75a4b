"""Claude's answer as Slack Markdown: no link survives, and long text is cut where Slack can
take it (the Slack round trip is in test_slack_assistant.py)."""

from __future__ import annotations

import re

import pytest

from bot.slack.assistant.markdown import answer_markdown, split_markdown, units

MARKS = re.compile(r"[\u0300-\u036f\ufe00-\ufe0f\u200d\udc00-\udfff\U0001f3fb-\U0001f3ff]")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**[Log in](https://evil.example/x)**", "**[Log in]\\(`https://evil.example/x`)**"),
        ("![logo](https://evil.example/l.png)", "![logo]\\(`https://evil.example/l.png`)"),
        ("[a]: https://evil.example and [a]", "[a]\\: `https://evil.example` and [a]"),
        ("<https://evil.example>", "&lt;`https://evil.example`&gt;"),
        ("see www.evil.example/a, then", "see `www.evil.example/a`, then"),
        ("`[a](b) https://x.example` ok", "`[a]\\(b) https://x.example` ok"),
        ("**Ada**: $5.00 (7.9%) on claude_code", "**Ada**: $5.00 (7.9%) on claude_code"),
    ],
)
def test_links_images_and_autolinks_are_neutralised(text: str, shown: str) -> None:
    assert answer_markdown(text) == shown


@pytest.mark.parametrize("offset", range(8))
@pytest.mark.parametrize(
    "unit", ["\N{GRINNING FACE}\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-3}",
             "e\N{COMBINING ACUTE ACCENT}\N{COMBINING CEDILLA}", "&amp;", "\\(",
             "\N{WOMAN}\N{ZERO WIDTH JOINER}\N{PERSONAL COMPUTER}\N{VARIATION SELECTOR-16}"]
)  # fmt: skip
def test_a_hard_cut_never_splits_a_character_or_an_entity(offset: int, unit: str) -> None:
    text = "x" * offset + unit * 400
    pieces = split_markdown(text, 100)
    assert "".join(pieces) == text
    for piece in pieces:
        assert 0 < units(piece) <= 100
        assert not MARKS.match(piece)
        assert not piece.endswith(("\\", "\N{ZERO WIDTH JOINER}"))
        assert not re.search(r"&[a-z]*$", piece)


def test_cuts_prefer_paragraphs_then_lines_then_spaces() -> None:
    paragraph = "word " * 15 + "end.\n\n"
    assert split_markdown(paragraph * 3, 200) == [paragraph * 2, paragraph]
    line = "word " * 15 + "end.\n"
    assert split_markdown(line * 3, 200) == [line * 2, line]
    assert split_markdown("word " * 50, 100)[0] == "word " * 20
