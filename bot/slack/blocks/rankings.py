"""Projects, skills and connectors rankings; status; help; export receipts."""

from __future__ import annotations

from datetime import date

from bot.reports.command_models import MAX_LIMIT
from bot.reports.types import Export, HelpResult, Ranking, StatusReport
from bot.slack.blocks.format import Row, number, table_lines, usd
from bot.slack.blocks.message import (
    ACTION_MORE,
    Message,
    frame,
    more_line,
    period_arg,
    period_buttons,
    span,
)
from bot.slack.blocks.primitives import Block, button, code_sections, context, header, section
from bot.slack.blocks.spend import MORE_STEP, delta_text
from bot.slack.mrkdwn import escape, escape_entities, escape_sentence

_TITLES = {"projects": "Top projects", "skills": "Top skills", "connectors": "Top connectors"}


_SURFACES = (("chat", "chat"), ("claude_code", "Claude Code"), ("cowork", "Cowork"))


def render_ranking(result: Ranking, *, today: date | None = None) -> Message:
    rows = []
    has_spend = any(r.spend_microcents for r in result.rows)
    # Projects of both experiences in one list: the classic ones say so (the new are plain),
    # in a column of their own so no name is cut shorter.
    mixed = len({r.source for r in result.rows if r.source}) > 1
    for r in result.rows:
        peak = "" if r.peak_daily_users is None else f"peak {number(r.peak_daily_users)}/day"
        spend = usd(r.spend_microcents) if r.spend_microcents else ""
        change = delta_text(r.delta) if r.delta is not None and r.delta.previous is not None else ""
        extras = (peak, spend, change) if has_spend else (peak, change)
        if mixed:
            extras = ("chat project" if r.source == "chat_projects" else "", *extras)
        rows.append(
            Row(r.name or r.key, f"{number(r.score)} {result.ranked_by.replace('_', '-')}", extras)
        )
    body: list[Block] = (
        code_sections(table_lines(rows))
        if rows
        else [section(f"No {result.kind} used in this period.")]
    )
    if result.artifacts is not None:
        parts = [f"{name} {number(n)}" for key, name in _SURFACES
                 if (n := getattr(result.artifacts, key))]  # fmt: skip
        detail = f" ({' · '.join(parts)})" if parts else ""
        body.append(section(f"Artifacts created: {number(result.artifacts.total)}{detail}"))
    words = result.kind
    buttons = period_buttons(words, result.period, today=today, rest=f"--limit {result.limit}")
    if result.more_count and result.limit < MAX_LIMIT:
        bigger = min(result.limit + MORE_STEP, MAX_LIMIT)
        buttons.append(
            button(
                "Show more", ACTION_MORE, f"{words} {period_arg(result.period)} --limit {bigger}"
            )
        )
    title = _TITLES.get(result.kind, result.kind.title())
    top = ", ".join(f"{row.label} ({row.value})" for row in rows[:3])
    return frame(
        title=f"{title} · {result.period.label}",
        subtitle=" · ".join(
            x for x in (span(result.period), f"ranked by {result.ranked_by.replace('_', '-')}") if x
        ),
        body=body,
        notes=result.notes,
        more=more_line(len(result.rows), result.total_count),
        freshness=result.freshness,
        buttons=buttons,
        fallback=f"{title}, {result.period.label}: {top or 'none'}",
    )


def render_status(result: StatusReport) -> Message:
    rows = []
    for d in result.datasets:
        days = "no data" if d.first_day is None else f"{d.first_day} … {d.last_day}"
        counts = (
            f"{d.final_days} final",
            f"{d.revisable_days} revisable",
            f"{number(d.rows)} rows",
        )
        rows.append(Row(d.dataset, days, counts))
    body = (
        code_sections(table_lines(rows, own_labels=True))
        if rows
        else [section("Nothing synced yet.")]
    )
    body = [*body, *_drift_blocks(result)]
    health = result.sync
    if health.consecutive_failures and health.last_attempt_at is not None:
        failed = (
            f":warning: *Syncing is failing* ({health.consecutive_failures} in a row, last "
            f"attempt {health.last_attempt_at:%b %-d %H:%M} UTC). "
        )
        body = [section(failed + escape_sentence(health.error or "")), *body]
    if result.asking is not None:  # admins only: `for_everyone` drops it
        body = [*body, context(escape(result.asking.sentence()))]
    return frame(
        title="Data status",
        subtitle="",
        body=body,
        notes=result.notes,
        freshness=result.freshness,
        fallback=result.freshness.sentence(),
    )


def _drift_blocks(result: StatusReport) -> list[Block]:
    """What this organisation's API does not send, or sends beyond the reference."""
    lines = []
    for item in result.drift:
        if item.not_sent:
            fields_ = _some(item.not_sent)
            lines.append(
                f"• *{escape(item.dataset)}*: not reported by the API (shown as —): {fields_}"
            )
        if item.undocumented:
            lines.append(
                f"• *{escape(item.dataset)}*: extra fields received: {_some(item.undocumented)}"
            )
    if not lines:
        return []
    return [section("*Fields this organisation's API differs on*\n" + "\n".join(lines))]


def _some(paths: tuple[str, ...], shown: int = 8) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(f"`{escape(p, code=True, inline=True)}`" for p in paths[:shown]) + more


SLACK_HELP = (
    "In Slack, `user me` shows your own usage; answers are visible only to you unless you add "
    "`--share`."
)
"""Our own mrkdwn (no API text), shown under the usage lines."""


def render_help(result: HelpResult) -> Message:
    """Usage text (ours) in a code block: escaped for code so `claude_code` stays copyable."""
    lines = [escape(line, code=True) for line in result.text.splitlines()]
    blocks = [
        header("/claude-usage"),
        *code_sections(lines),
        context(SLACK_HELP),
    ]
    return Message(
        text=escape_entities(result.text.splitlines()[0] if result.text else "help"),
        blocks=blocks,
    )


def render_export(result: Export) -> Message:
    """The receipt posted with (or instead of) the CSV file."""
    text = f"{result.filename}: {len(result.rows):,} rows ({result.report}, {result.period.label})"
    blocks = [
        section(f"*CSV export* · {escape(text)}"),
        context(escape_sentence(result.freshness.sentence())),
    ]
    return Message(text=f"CSV export {escape_entities(text)}", blocks=blocks)
