"""Block Kit answers: `render(result)` turns any report result into a `Message`.

Builders are pure functions of the result (plus `today`, which decides whether a "Next" button
makes sense). Every API-provided string goes through `bot.slack.mrkdwn.escape`; money comes from
integer micro-cents through `bot.store.money.format_usd`.
"""

from __future__ import annotations

from datetime import date

from bot.reports.types import (
    Adoption,
    CommandResult,
    Comparison,
    Export,
    FinanceComparisons,
    HelpResult,
    Ranking,
    SpendSeries,
    StatusReport,
    TokenSeries,
    TopSpenders,
    UserProfile,
)
from bot.slack.blocks.adoption import render_adoption, render_compare
from bot.slack.blocks.message import ACTION_PREFIX, Message
from bot.slack.blocks.people import render_user
from bot.slack.blocks.primitives import Block, code_sections, context, section
from bot.slack.blocks.rankings import render_export, render_help, render_ranking, render_status
from bot.slack.blocks.spend import render_finance, render_spend, render_tokens, render_top_spenders
from bot.slack.mrkdwn import escape, escape_entities, escape_sentence

__all__ = [
    "ACTION_PREFIX",
    "Block",
    "Message",
    "error_message",
    "escape_sentence",
    "render",
    "text_message",
]


def render(result: CommandResult, *, today: date | None = None) -> Message:
    """The Slack answer for one report result."""
    match result:
        case TopSpenders():
            return render_top_spenders(result, today=today)
        case SpendSeries():
            return render_spend(result, today=today)
        case TokenSeries():
            return render_tokens(result, today=today)
        case Adoption():
            return render_adoption(result, today=today)
        case UserProfile():
            return render_user(result, today=today)
        case Ranking():
            return render_ranking(result, today=today)
        case Comparison():
            return render_compare(result)
        case FinanceComparisons():
            return render_finance(result)
        case StatusReport():
            return render_status(result)
        case HelpResult():
            return render_help(result)
        case Export():
            return render_export(result)
    raise TypeError(f"no renderer for {type(result).__name__}")


def text_message(sentence: str) -> Message:
    """A one-sentence answer written by us (refusals, progress). Escaped: it may quote input."""
    return Message(text=escape_entities(sentence), blocks=[section(escape_sentence(sentence))])


def error_message(sentence: str, usage: str | None = None) -> Message:
    """An error sentence (from `ClaudeUsageError`), with the usage that fits the mistake when
    there is one: the same text the terminal prints, so Slack is never the less helpful one."""
    blocks: list[Block] = [section(f":warning: {escape_sentence(sentence)}")]
    if usage:
        blocks += code_sections([escape(line, code=True) for line in usage.splitlines()])
        blocks.append(context(escape_sentence("`/claude-usage help` lists every subcommand.")))
    return Message(text=escape_entities(sentence), blocks=blocks)
