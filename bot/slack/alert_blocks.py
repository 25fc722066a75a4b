"""Alert messages: a body per breach (budget or anomaly), then a status line and two buttons.

The body is rendered when the breach is evaluated and stored with the alert, so acknowledging
or snoozing re-renders exactly what was posted with a new status line. Every amount comes from
integer micro-cents; percentages are the exact Decimals of `bot.alerts`; product names go
through the mrkdwn escaper.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.alerts import ANOMALY_RULE, SEVERE_FACTOR, Anomaly, BudgetStatus
from bot.reports.periods import day_label
from bot.slack.blocks import Message, escape_sentence
from bot.slack.blocks.format import usd
from bot.slack.blocks.primitives import Block, actions, button, context, section
from bot.slack.mrkdwn import escape, mention

ACTION_ALERT = "claude_usage_alert"
ACTION_ACK = ACTION_ALERT + ".ack"
ACTION_SNOOZE = ACTION_ALERT + ".snooze"
_NAMES = {"50": "50%", "80": "80%", "100": "100%", "forecast": "forecast over 100%"}
_NAMES |= {"high": "high", "severe": "severe"}


def threshold_names(thresholds: tuple[str, ...]) -> str:
    return " · ".join(_NAMES.get(t, t) for t in thresholds)


def budget_body(status: BudgetStatus) -> dict[str, Any]:
    """The stored body of a budget alert: {"text": fallback, "blocks": [...]}."""
    budget = status.budget
    month = date.fromisoformat(status.month + "-01")
    through = "" if status.through is None else f" through {status.through:%b} {status.through.day}"
    head = (
        f":rotating_light: *Claude budget · {escape(budget.label)} · {month:%B %Y}*\n"
        f"*{status.spent_pct}% of the {usd(budget.amount_microcents)} budget spent*: "
        f"{usd(status.spent_microcents)}{through} (UTC days)."
    )
    blocks: list[Block] = [section(head)]
    if status.forecast is not None and status.forecast_pct is not None:
        blocks.append(
            section(
                f"Forecast to month end: *{usd(status.forecast.month_end_microcents)}* "
                f"({status.forecast_pct}% of the budget), from {escape(status.forecast.basis)}."
            )
        )
    blocks.append(
        context(
            escape(
                f"Crossed: {threshold_names(status.crossed)}. Alerts fire at 50%, 80% and 100% "
                "of the budget and when the forecast reaches 100%; this message is updated as "
                "the month goes on."
            )
        )
    )
    text = (
        f"Claude budget ({budget.label}, {month:%B}): {status.spent_pct}% spent, "
        f"{threshold_names(status.crossed)}."
    )
    return {"text": escape(text), "blocks": blocks}


def anomaly_body(anomaly: Anomaly) -> dict[str, Any]:
    day = anomaly.day
    weekday = f"{day:%A}s"
    dates = ", ".join(f"{d:%b} {d.day}" for d in anomaly.baseline_days)
    severity = " (severe)" if anomaly.level == "severe" else ""
    spent = f"*{usd(anomaly.amount_microcents)}* spent that UTC day"
    previous = f"the previous {len(anomaly.baseline_days)} {weekday}"
    typical = usd(anomaly.typical_microcents)
    if anomaly.ratio is None:  # no multiple of $0 says anything: say what flagged it instead
        how = (
            f"{spent}, where {previous} had a median of {usd(anomaly.baseline_microcents)} "
            f"({dates}): any spend is more than {SEVERE_FACTOR}× a $0 median, so it is flagged "
            f"for being at least half an average day above it (an average day of the 4 weeks "
            f"before is {typical})."
        )
    else:
        how = (
            f"{spent}: {anomaly.ratio}× the median of {previous} "
            f"({usd(anomaly.baseline_microcents)}; {dates}). An average day of the 4 weeks "
            f"before is {typical}."
        )
    blocks: list[Block] = [
        section(
            f":chart_with_upwards_trend: *Claude spend anomaly · {escape(day_label(day))}*"
            f"{severity}\n{how}"
        ),
        context(escape(f"Rule: {ANOMALY_RULE}.")),
    ]
    text = f"Claude spend anomaly on {day_label(day)}: {usd(anomaly.amount_microcents)}."
    return {"text": escape(text), "blocks": blocks}


def status_line(
    acknowledged_by: str | None,
    acknowledged_at: datetime | None,
    snoozed_by: str | None,
    snoozed_until: datetime | None,
    now: datetime,
) -> str:
    if acknowledged_by and acknowledged_at is not None:
        return (
            f":white_check_mark: Acknowledged by {mention(acknowledged_by)} "
            f"({acknowledged_at:%b %-d %H:%M} UTC). A new threshold re-opens it."
        )
    if snoozed_by and snoozed_until is not None and snoozed_until > now:
        return (
            f":zzz: Snoozed by {mention(snoozed_by)} until {snoozed_until:%b %-d %H:%M} UTC: "
            "escalations update this message without a notification."
        )
    return "Open: nobody has acknowledged it yet."


def alert_message(
    body: dict[str, Any], value: str, status: str, *, open_buttons: bool = True
) -> Message:
    """The whole message: the stored body, the status line and (unless acknowledged) buttons."""
    blocks: list[Block] = [*body.get("blocks", []), context(escape_sentence(status))]
    if open_buttons:
        blocks.append(
            actions(
                [
                    button("Acknowledge", ACTION_ACK, value, style="primary"),
                    button("Snooze 24 h", ACTION_SNOOZE, value),
                ],
                block_id="claude_usage_alert",
            )
        )
    return Message(text=str(body.get("text", "")), blocks=blocks)
