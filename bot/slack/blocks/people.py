"""One person's usage: spend, tokens, activity per product."""

from __future__ import annotations

from datetime import date

from bot.reports.types import UserProfile
from bot.slack.blocks.format import Row, number, percent_of, table_lines, usd
from bot.slack.blocks.message import Message, frame, period_buttons, span
from bot.slack.blocks.primitives import Block, code_sections, field, fields, section
from bot.slack.blocks.spend import delta_text, person
from bot.slack.mrkdwn import escape


def _opt(value: int | float | None) -> str:
    return "—" if value is None else number(value)


def _line(label: str, pairs: list[tuple[str, int | float | None]]) -> str | None:
    shown = [f"{name} {number(v)}" for name, v in pairs if v]
    return f"*{label}*: " + " · ".join(shown) if shown else None


def render_user(result: UserProfile, *, today: date | None = None) -> Message:
    who = person(result.user.name, result.user.email, result.user.user_id)
    spend = "—" if result.spend_microcents is None else usd(result.spend_microcents)
    rank = "—"
    if result.spend_rank is not None:
        rank = f"#{result.spend_rank}" + (f" of {result.spenders:,}" if result.spenders else "")
    items = [
        field("Spend", f"{spend} ({delta_text(result.spend_change, money=True)})"),
        field("Spend rank", rank),
        field("Tokens", f"{_opt(result.tokens)} ({delta_text(result.tokens_change)})"),
        field("Requests", _opt(result.requests)),
        field(
            "Active days", f"{_opt(result.active_days)} ({delta_text(result.active_days_change)})"
        ),
        field(
            "First · last seen",
            " · ".join(
                f"{d:%b %-d, %Y}" if d else "—" for d in (result.first_seen, result.last_seen)
            ),
        ),
    ]
    body: list[Block] = fields(items)
    if result.user.email and result.user.name:
        body.insert(0, section(escape(result.user.email)))
    code = result.claude_code
    lines = [
        _line(
            "Chat",
            [
                ("messages", result.chat.messages),
                ("conversations", result.chat.conversations),
                ("projects", result.chat.projects_used),
                ("files", result.chat.files_uploaded),
                ("artifacts", result.chat.artifacts_created),
                ("unified-mode messages", result.chat.unified_messages),
            ],
        ),
        _line(
            "Claude Code",
            [
                ("sessions", code.sessions),
                ("commits", code.commits),
                ("PRs", code.pull_requests),
                ("lines +", code.lines_added),
                ("lines −", code.lines_removed),
                ("artifacts", code.artifacts_created),
            ],
        ),
        _line(
            "Cowork",
            [
                ("messages", result.cowork.messages),
                ("sessions", result.cowork.sessions),
                ("actions", result.cowork.actions),
                ("file edits", result.cowork.file_edits),
                ("artifacts", result.cowork.artifacts_created),
            ],
        ),
        *(
            _line(
                f"Office · {escape(o.app.title())}",
                [("messages", o.messages), ("sessions", o.sessions)],
            )
            for o in result.office
        ),
        _line(
            "Design",
            [
                ("messages", result.design.messages),
                ("sessions", result.design.sessions),
                ("projects", result.design.projects_created),
            ],
        ),
        _line(
            "Claude in Slack",
            [
                ("active days", result.slack.active_days if result.slack else None),
                ("messages", result.slack.messages if result.slack else None),
            ],
        ),
        _line("Web", [("searches", result.web_searches)]),
    ]
    if code.acceptance_rate_pct is not None and lines[1] is not None:
        lines[1] += f" · edits accepted {percent_of(code.acceptance_rate_pct)}"
    activity = [line for line in lines if line]
    body.append(section("\n".join(activity) if activity else "No activity in this period."))
    if result.spend_by_product:
        body.append(section("*Spend by product*"))
        body += code_sections(
            table_lines([Row(r.label or r.key, usd(r.value)) for r in result.spend_by_product])
        )
    if result.spend_by_model:
        body.append(section("*Spend by model*"))
        body += code_sections(
            table_lines([Row(r.label or r.key, usd(r.value)) for r in result.spend_by_model])
        )
    target = result.user.email or result.user.user_id
    return frame(
        title=f"{who} · {result.period.label}",
        subtitle=span(result.period),
        body=body,
        notes=result.notes,
        freshness=result.freshness,
        buttons=period_buttons(f"user {target}", result.period, today=today),
        fallback=f"{who}, {result.period.label}: {spend} spend, {_opt(result.tokens)} tokens",
    )
