"""A rendered answer (`Message`: blocks + notification text) and the frame every answer shares.

The frame is: header, the report's own blocks, notes, "…and N more", the freshness line, then the
buttons. Buttons carry the `/claude-usage` words they run in their `value`; the action listener
parses and authorizes those words exactly like typed ones, so a button can never do more than
typing would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.reports.periods import Period, month_period, parse_period, range_label
from bot.slack.blocks.primitives import (
    MAX_BLOCKS,
    MAX_FALLBACK_TEXT,
    Block,
    actions,
    button,
    context,
    fit_blocks,
    header,
)
from bot.slack.mrkdwn import escape, escape_entities, escape_sentence, truncate
from bot.store.freshness import Freshness

ACTION_PREFIX = "claude_usage."
"""Every button's action_id starts with this; one action listener handles them all."""
ACTION_MORE = ACTION_PREFIX + "more"
ACTION_PREVIOUS = ACTION_PREFIX + "previous"
ACTION_NEXT = ACTION_PREFIX + "next"
ACTION_PERIOD = ACTION_PREFIX + "period"
ACTION_RUN = ACTION_PREFIX + "run"
ACTION_EXPORT = ACTION_PREFIX + "export"


@dataclass(frozen=True, init=False)
class Message:
    """What Slack receives: `blocks` plus `text`, the plain fallback used in notifications.

    Kept in two parts so that Slack's cap is applied once, last, whoever adds to the message:
    `body` (the blocks it is built with) is the answer, `tail` the blocks about it that must
    survive: its notes, freshness line and buttons, and a share note or the router's
    explanation added later with `noted`. `blocks` fits both into `limit` (`fit_blocks`): a long
    body is cut with "…and N more blocks", never a note.
    """

    text: str
    body: tuple[Block, ...]
    tail: tuple[Block, ...]
    limit: int

    def __init__(
        self,
        text: str,
        blocks: Sequence[Block] = (),
        *,
        tail: Sequence[Block] = (),
        limit: int = MAX_BLOCKS,
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "body", tuple(blocks))
        object.__setattr__(self, "tail", tuple(tail))
        object.__setattr__(self, "limit", limit)

    @property
    def blocks(self) -> list[Block]:
        return fit_blocks(self.body, self.tail, self.limit)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}

    def noted(self, *notes: Block, first: bool = False) -> Message:
        """This message with `notes` about it: last (after the buttons), or `first` (before the
        header); either way they are kept when the message is cut to the cap."""
        if first:  # the body is cut from its end, so its first blocks always stay
            return Message(self.text, [*notes, *self.body], tail=self.tail, limit=self.limit)
        return Message(self.text, self.body, tail=[*self.tail, *notes], limit=self.limit)


def period_arg(period: Period) -> str:
    """The period as words `parse_period` reads back exactly, unit included (a calendar month
    is `2026-10`, so paging from it keeps moving by months)."""
    if (
        period.unit == "month"
        and period.start.day == 1
        and (period.whole_month or period.label == "month to date")
    ):
        return f"{period.start:%Y-%m}"
    if period.start == period.end:
        return period.start.isoformat()
    return f"{period.start.isoformat()}..{period.end.isoformat()}"


QUICK_PERIODS = (("7d", "7 days"), ("30d", "30 days"), ("last-month", "Last month"))


def period_buttons(
    words: str, period: Period, *, today: date | None, rest: str = ""
) -> list[Block]:
    """◀ Previous / Next ▶ and the usual periods, for a report run as `words <period> rest`."""
    tail = f" {rest}" if rest else ""
    prev = period.shifted(-1)
    buttons = [button("◀ Previous", ACTION_PREVIOUS, f"{words} {period_arg(prev)}{tail}")]
    nxt = period.shifted(1)
    if today is not None and nxt.unit == "month" and nxt.start <= today < nxt.end:
        nxt = month_period(nxt.start, today=today)  # the running month, so far
    if today is not None and nxt.end <= today:
        if period.unit == "month":
            label = "Next month ▶"
        elif period.unit == "week" or period.days == 7:
            label = "Next week ▶"
        else:
            label = "Next ▶"
        buttons.append(button(label, ACTION_NEXT, f"{words} {period_arg(nxt)}{tail}"))
    for word, label in QUICK_PERIODS:
        if today is not None:
            quick = parse_period(word, today=today)
            if (quick.start, quick.end) == (period.start, period.end):
                continue
        buttons.append(button(label, f"{ACTION_PERIOD}.{word}", f"{words} {word}{tail}"))
    return buttons


def span(period: Period) -> str:
    """The period's dates, unless its label already is exactly that."""
    dates = range_label(period.start, period.end)
    return "" if dates == period.label else dates


def more_line(shown: int, total: int) -> str:
    left = max(total - shown, 0)
    return f"…and {left:,} more" if left else ""


def frame(
    *,
    title: str,
    subtitle: str,
    body: Sequence[Block],
    notes: Sequence[str] = (),
    more: str = "",
    freshness: Freshness | None,
    buttons: Sequence[Block] = (),
    fallback: str,
) -> Message:
    """Assemble one answer. `title`/`subtitle`/`notes` are raw text (escaped here)."""
    blocks: list[Block] = [header(title)]
    if subtitle:
        blocks.append(context(escape(subtitle)))
    blocks.extend(body)
    tail: list[Block] = []
    if more:
        tail.append(context(escape_sentence(more)))
    if notes:
        tail.append(context(*(escape_sentence(n) for n in notes)))
    if freshness is not None:
        tail.append(context(escape_sentence(freshness.sentence())))
    if buttons:
        tail.append(actions(buttons, block_id="claude_usage_buttons"))
    text = truncate(escape_entities(fallback), MAX_FALLBACK_TEXT)
    return Message(text, blocks, tail=tail)
