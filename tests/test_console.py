"""`blocks_to_text`: the terminal shows what Slack shows."""

from __future__ import annotations

from bot.console.render import blocks_to_text, mrkdwn_to_text
from bot.slack.blocks.primitives import actions, button, context, divider, fields, header, section
from bot.slack.mrkdwn import escape


def test_mrkdwn_becomes_what_slack_displays() -> None:
    assert mrkdwn_to_text("*Spend*: `7d`") == "Spend: 7d"
    assert mrkdwn_to_text("<@U1ABC> and <#C1ABC|general>") == "@U1ABC and #general"
    assert mrkdwn_to_text("<https://x.example|docs>") == "docs (https://x.example)"
    assert mrkdwn_to_text("<!here>") == "@here"
    assert mrkdwn_to_text(escape("<!channel> & *bold* _it_")) == "<!channel> & *bold* _it_"


def test_code_blocks_are_indented_and_decoded() -> None:
    assert mrkdwn_to_text("Top\n```\n1. &lt;b&gt;  $1.00\n```") == "Top\n  1. <b>  $1.00"


def test_a_whole_message() -> None:
    blocks = [
        header("Spend · last 7 days"),
        context("Nov 13 – Nov 19, 2026"),
        *fields(["*Spend*\n$1.00", "*vs previous*\n▲ +$0.50 (+100.0%)", "*Trend*\n▁▂█"]),
        divider(),
        section("*By product*"),
        actions([button("◀ Previous", "a", "v"), button("Next ▶", "b", "v")]),
    ]
    assert blocks_to_text(blocks) == (
        "Spend · last 7 days\n"
        "═══════════════════\n"
        "Nov 13 – Nov 19, 2026\n"
        "Spend: $1.00    vs previous: ▲ +$0.50 (+100.0%)\n"
        "Trend: ▁▂█\n"
        "\n" + "─" * 72 + "\n"
        "By product\n"
        "[◀ Previous]  [Next ▶]\n"
    )


def test_plain_text_entities_are_decoded() -> None:
    assert blocks_to_text([header("<!channel> & co")]).startswith("<!channel> & co\n")


def test_unknown_blocks_are_skipped() -> None:
    assert blocks_to_text([{"type": "video"}, section("ok")]) == "ok\n"


def test_answer_text_is_render_then_blocks_to_text() -> None:
    from bot.console.render import answer_text
    from bot.reports.types import HelpResult

    text = answer_text(HelpResult(text="Usage: /claude-usage <subcommand>\n  help   this list"))
    assert text.startswith("/claude-usage\n═")
    assert "  Usage: /claude-usage <subcommand>" in text
    assert "In Slack, user me shows your own usage" in text
