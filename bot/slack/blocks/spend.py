"""Answers about money and tokens: top spenders, spend, tokens, finance."""

from __future__ import annotations

from datetime import date

from bot.reports.command_models import MAX_LIMIT
from bot.reports.types import (
    BreakdownRow,
    Delta,
    FinanceComparisons,
    SpendSeries,
    TokenSeries,
    TopSpenders,
)
from bot.slack.blocks.format import Row, count, delta, sparkline, table_lines, usd
from bot.slack.blocks.message import (
    ACTION_EXPORT,
    ACTION_MORE,
    ACTION_PERIOD,
    Message,
    frame,
    more_line,
    period_arg,
    period_buttons,
    span,
)
from bot.slack.blocks.primitives import Block, button, code_sections, field, fields, section
from bot.slack.mrkdwn import escape

MORE_STEP = 25


def person(name: str | None, email: str | None, user_id: str) -> str:
    """The raw display label for a person: name, else email, else the Analytics user id."""
    return name or email or user_id


def delta_text(value: Delta | None, *, money: bool = False) -> str:
    if value is None or value.previous is None:
        return "no previous data"
    return delta(value.current, value.previous, money=money)


def render_top_spenders(result: TopSpenders, *, today: date | None = None) -> Message:
    price = "list price" if result.by_list_price else "billed spend"
    filters = [f"ranked by {price}"]
    if result.product:
        filters.append(f"product {result.product}")
    if result.model:
        filters.append(f"model {result.model}")
    total = result.list_total_microcents if result.by_list_price else result.total_microcents
    summary = f"*{_opt_usd(total)}* across *{count(result.total_count)}* people with spend"
    org_total = (
        result.org_list_total_microcents if result.by_list_price else result.org_total_microcents
    )
    if org_total is not None:
        summary += f"\nOrganisation total incl. API keys: {usd(org_total)}"
    rows = []
    for r in result.rows:
        amount = r.list_amount_microcents if result.by_list_price else r.amount_microcents
        change = ""
        if r.delta is not None and r.delta.previous is not None:
            change = delta(r.delta.current, r.delta.previous, money=True)
        extras = (percent_note(r.share_pct), change)
        rows.append(Row(person(r.name, r.email, r.user_id), _opt_usd(amount), extras))
    body: list[Block] = [section(summary)]
    empty = "No spend is reported yet." if result.so_far else "No spend in this period."
    body += code_sections(table_lines(rows)) if rows else [section(empty)]
    words = "top-spenders"
    rest = " ".join(
        part
        for part in (
            "--list" if result.by_list_price else "",
            f"--product {result.product}" if result.product else "",
            f"--model {result.model}" if result.model else "",
        )
        if part
    )
    limit_rest = f"{rest} --limit {result.limit}".strip()
    buttons = period_buttons(words, result.period, today=today, rest=limit_rest)
    if result.more_count and result.limit < MAX_LIMIT:
        bigger = min(result.limit + MORE_STEP, MAX_LIMIT)
        value = f"{words} {period_arg(result.period)} {rest} --limit {bigger}".replace("  ", " ")
        buttons.append(button("Show more", ACTION_MORE, value))
    export = f"export {words} {period_arg(result.period)} {rest}".strip()  # filters, no limit
    buttons.append(button("Export CSV", ACTION_EXPORT, export))
    top = ", ".join(f"{row.label} {row.value}" for row in rows[:3])
    return frame(
        title=f"Top spenders · {result.period.label}",
        subtitle=" · ".join(x for x in (_span(result), *filters) if x),
        body=body,
        notes=result.notes,
        more=more_line(len(result.rows), result.total_count),
        freshness=result.freshness,
        buttons=buttons,
        fallback=f"Top spenders, {result.period.label}: {_opt_usd(total)} in total. {top}",
    )


def percent_note(share_pct: float | None) -> str:
    return "" if share_pct is None else f"{share_pct:.1f}%"


def _span(result: SpendSeries | TokenSeries | TopSpenders | FinanceComparisons) -> str:
    return span(result.period)


def _breakdown_lines(rows: tuple[BreakdownRow, ...], *, money: bool) -> list[str]:
    table = []
    for r in rows:
        value = usd(r.value) if money else count(r.value)
        change = "" if r.previous is None else delta(r.value, r.previous, money=money)
        table.append(Row(r.label or r.key, value, (percent_note(r.share_pct), change)))
    return table_lines(table)


def _by_buttons(
    words: str, result: SpendSeries | TokenSeries, options: tuple[str, ...]
) -> list[Block]:
    arg = period_arg(result.period)
    return [
        button(f"By {o}", f"{ACTION_PERIOD}.by.{o}", f"{words} {arg} by {o}")
        for o in options
        if o != result.by
    ]


def _change_text(result: SpendSeries | TokenSeries, *, money: bool) -> str:
    """The change vs the previous period; spend so far is compared with nothing."""
    if result.so_far:
        return "not complete yet"
    return delta_text(result.change, money=money)


def render_spend(result: SpendSeries, *, today: date | None = None) -> Message:
    headline = usd(result.total_microcents)
    change = _change_text(result, money=True)
    items = [
        field("Spend so far" if result.so_far else "Spend", headline),
        field("vs previous period", change),
        field("At list price", _opt_usd(result.list_total_microcents)),
        field("Trend", escape(sparkline(result.sparkline)) or "—"),
    ]
    if len(result.points) > 1 and result.total_microcents > 0:  # which day a spike was
        top = max(result.points, key=lambda p: (p.value, p.day))
        items.append(field("Highest day", f"{top.day:%a %b %-d} ({usd(top.value)})"))
    return _series(
        "spend", result, items, ("product", "model", "cost-type"), f"{headline} ({change})", today
    )


def render_tokens(result: TokenSeries, *, today: date | None = None) -> Message:
    headline = count(result.total_tokens)
    change = _change_text(result, money=False)
    items = [
        field("Tokens so far" if result.so_far else "Tokens", headline),
        field("vs previous period", change),
        field("Requests", _opt_count(result.requests)),
        field("Trend", escape(sparkline(result.sparkline)) or "—"),
    ]
    return _series(
        "tokens", result, items, ("product", "model", "token-type"), f"{headline} ({change})", today
    )


def _series(
    kind: str,
    result: SpendSeries | TokenSeries,
    items: list[str],
    by_choices: tuple[str, ...],
    summary: str,
    today: date | None,
) -> Message:
    """Spend and tokens share one shape: headline fields, an optional breakdown, buttons."""
    body: list[Block] = fields(items)
    if result.breakdown:
        body.append(section(f"*By {escape(result.by or '')}*"))
        body += code_sections(_breakdown_lines(result.breakdown, money=kind == "spend"))
    rest = f"by {result.by}" if result.by else ""
    buttons = period_buttons(kind, result.period, today=today, rest=rest)
    buttons += _by_buttons(kind, result, by_choices)
    return frame(
        title=f"{kind.capitalize()} · {result.period.label}",
        subtitle=_span(result),
        body=body,
        notes=result.notes,
        freshness=result.freshness,
        buttons=buttons,
        fallback=f"{kind.capitalize()}, {result.period.label}: {summary}",
    )


def _opt_usd(value: int | None) -> str:
    return "—" if value is None else usd(value)


def _opt_count(value: int | None) -> str:
    return "—" if value is None else count(value)


def render_finance(result: FinanceComparisons) -> Message:
    mtd = result.mtd
    items = [
        field("Month to date", "—" if mtd is None else usd(int(mtd.current))),
        field("vs same days last month", delta_text(mtd, money=True)),
        field("Projected month", _opt_usd(result.projected_month_microcents)),
        field(
            "Yesterday" + (f" ({result.yesterday_day:%b %-d})" if result.yesterday_day else ""),
            _opt_usd(result.yesterday_microcents),
        ),
        field("7-day daily average", _opt_usd(result.trailing_avg_microcents)),
        field("Yesterday vs average", delta_text(result.yesterday_vs_avg, money=True)),
        field("Seats", _opt_count(result.seats)),
        field("Monthly actives", _opt_count(result.mau)),
        field("Idle seats", _opt_count(result.idle_seats)),
        field("Idle seat cost / month", _opt_usd(result.idle_seat_cost_microcents)),
    ]
    fallback = "Finance, month to date: " + ("—" if mtd is None else usd(int(mtd.current)))
    if mtd is not None:
        fallback += f" ({delta_text(mtd, money=True)})"
    return frame(
        title="Finance · month to date",
        subtitle=_span(result),
        body=fields(items),
        notes=result.notes,
        freshness=result.freshness,
        buttons=[],
        fallback=fallback,
    )
