"""A digest as a Slack message (`render_digest`) and as text (`digest_text`).

The message uses the frame every answer shares (header, body, notes, freshness, buttons), so a
digest reads like the rest of the bot. Its buttons run ordinary `/claude-usage` words and go
through the same authorization as typed ones: clicking them in a channel answers only the
person who clicked. The text rendering is the console's Block Kit → text, exactly what
`claude-usage digest preview` writes next to the JSON.
"""

from __future__ import annotations

from bot.digest.model import Digest
from bot.digest.render_parts import (
    adoption_blocks,
    breakdown_blocks,
    month_blocks,
    mover_blocks,
    moves_sentence,
    newcomer_blocks,
    opt_usd,
    ranking_blocks,
    restatement_blocks,
    spend_blocks,
    spender_blocks,
    trend_blocks,
)
from bot.reports.periods import range_label
from bot.slack.blocks.format import number
from bot.slack.blocks.message import ACTION_RUN, Message, frame
from bot.slack.blocks.primitives import Block, button, divider
from bot.slack.blocks.spend import delta_text

_BUTTONS = (("Spend 30 days", "spend 30d by product"), ("Adoption 30 days", "adoption 30d"))


def title_of(digest: Digest) -> str:
    who = digest.product_label or "Claude"
    if digest.kind == "daily":
        day = digest.period.end
        return f"{who} daily digest · {day:%a %b} {day.day}"
    return f"{who} weekly digest · {range_label(digest.period.start, digest.period.end)}"


def render_digest(digest: Digest) -> Message:
    body: list[Block] = []
    daily = digest.kind == "daily"
    day = digest.period.end
    body += spend_blocks(digest.spend, f"Spend on {day:%a %b} {day.day}" if daily else "Spend")
    if digest.month is not None:
        body += month_blocks(digest.month)
    if digest.movers is not None:
        body += mover_blocks(digest.movers)
    body += restatement_blocks(digest.restatements)
    body.append(divider())
    if digest.adoption is not None:
        body += adoption_blocks(digest.adoption)
    if digest.newcomers is not None:
        body += newcomer_blocks(digest.newcomers)
    scope = "that day" if daily else "last week"
    body += breakdown_blocks(f"Top products {scope}", digest.products)
    body += breakdown_blocks(f"Top models {scope}", digest.models)
    if digest.rankings:
        window = digest.rankings[0].period
        body += ranking_blocks(digest.rankings, range_label(window.start, window.end))
    if digest.spenders is not None:
        body += spender_blocks(digest.spenders)
    body += trend_blocks(digest.trend)
    buttons = [
        button(label, f"{ACTION_RUN}.digest.{n}", words)
        for n, (label, words) in enumerate((*_BUTTONS, ("Finance", "finance")))
    ]
    return frame(
        title=title_of(digest),
        subtitle=_subtitle(digest),
        body=body,
        notes=digest.notes,
        freshness=digest.freshness,
        buttons=buttons,
        fallback=_fallback(digest),
    )


def _subtitle(digest: Digest) -> str:
    days = range_label(digest.period.start, digest.period.end)
    unit = "UTC day" if digest.kind == "daily" else "UTC days, Monday to Sunday"
    scope = f" · {digest.product_label} only" if digest.product_label else ""
    people = " · with names (set by an admin)" if digest.with_people else ""
    return f"{days} ({unit}){scope}{people}"


def _fallback(digest: Digest) -> str:
    """The notification text: the headline numbers in one line."""
    text = f"{title_of(digest)}: spend {opt_usd(digest.spend.amount_microcents)}"
    if digest.spend.so_far:
        text += " so far (not complete yet)"
    change = digest.spend.previous
    if change is not None and change.previous is not None:
        text += f" ({delta_text(change, money=True)} {digest.spend.previous_label})"
    if digest.movers is not None and digest.movers.material:
        text += f"; {moves_sentence(digest.movers)}"
    snap = digest.adoption
    if snap is not None and snap.dau_avg is not None:
        span = range_label(snap.window.start, snap.window.end)
        text += f"; {number(snap.dau_avg)} daily actives on average ({span})"
    return text + "."


def digest_text(digest: Digest) -> str:
    """The digest as the console shows it (Block Kit rendered as text)."""
    from bot.console.render import blocks_to_text

    return blocks_to_text(render_digest(digest).blocks)
