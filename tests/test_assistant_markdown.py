"""Claude's answer as Slack Markdown: no link survives (the Slack round trip is in
test_slack_assistant.py)."""

from __future__ import annotations

import pytest

from bot.slack.assistant.markdown import answer_markdown


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
