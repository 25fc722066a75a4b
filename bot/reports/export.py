"""Reports flattened to CSV-ready rows (`export_rows`): a header and rows of strings.

Money format: **US cents with exactly six decimals** (`"41280.000000"` = $412.80), in columns
named `*_cents`. That is the API's own representation and holds micro-cents exactly, so an
export sums to the same total as the report, to the micro-cent. Other values: integers as
digits, percentages with four decimals, dates ISO, "not available" as an empty cell.

Text from the API (names, emails, project names) that a spreadsheet would run as a formula
(starting with = + - @ or a tab/CR) is prefixed with a single quote, the usual CSV-injection
guard; numbers are never altered.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from bot.reports.types import (
    Adoption,
    Comparison,
    Delta,
    Export,
    FinanceComparisons,
    Ranking,
    ReportResult,
    SpendSeries,
    StatusReport,
    TokenSeries,
    TopSpenders,
    UserProfile,
)
from bot.store.money import microcents_to_cents

Rows = tuple[tuple[str, ...], list[tuple[str, ...]]]
_SIX = Decimal("0.000001")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STATUS_HEADER = (
    "dataset",
    "first_day",
    "last_day",
    "days",
    "final_days",
    "revisable_days",
    "rows",
    "last_fetched_at",
)


def cents(microcents: int | None) -> str:
    """Exact cents with six decimals (`41280500000` → `"41280.500000"`); "" when unavailable."""
    if microcents is None:
        return ""
    return str(microcents_to_cents(microcents).quantize(_SIX))


def value(item: object) -> str:
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float):
        return f"{item:.4f}"
    if isinstance(item, date | datetime):
        return item.isoformat()
    return str(item)


def text(item: str | None) -> str:
    """API-provided text, defused for spreadsheets."""
    if item is None:
        return ""
    return "'" + item if item.startswith(_FORMULA_START) else item


def export_rows(result: ReportResult) -> Rows:
    if isinstance(result, TopSpenders):
        return _top_spenders(result)
    if isinstance(result, SpendSeries | TokenSeries):
        return _series(result)
    if isinstance(result, Adoption) and result.people is not None:
        return ("user_id", "email", "name", "first_active", "last_active"), [
            (text(p.user_id), text(p.email), text(p.name), value(p.first_active),
             value(p.last_active))
            for p in result.people.people
        ]  # fmt: skip
    if isinstance(result, Adoption):
        return ("day", "daily_active_users"), [
            (p.day.isoformat(), str(p.value)) for p in result.points
        ]
    if isinstance(result, Ranking):
        return _ranking(result)
    if isinstance(result, StatusReport):
        return _STATUS_HEADER, [
            (
                d.dataset,
                value(d.first_day),
                value(d.last_day),
                value(d.days),
                value(d.final_days),
                value(d.revisable_days),
                value(d.rows),
                value(d.last_fetched_at),
            )
            for d in result.datasets
        ]
    return ("metric", "current", "previous", "change", "percent_change"), _metrics(result)


def _top_spenders(result: TopSpenders) -> Rows:
    header: tuple[str, ...] = (
        "rank",
        "user_id",
        "email",
        "name",
        "amount_cents",
        "list_amount_cents",
        "share_pct",
        "requests",
        "previous_cents",
        "change_cents",
    )
    rows: list[tuple[str, ...]] = [
        (
            str(r.rank),
            text(r.user_id),
            text(r.email),
            text(r.name),
            cents(r.amount_microcents),
            cents(r.list_amount_microcents),
            value(r.share_pct),
            value(r.requests),
            cents(_int(r.delta.previous)) if r.delta else "",
            cents(_int(r.delta.change)) if r.delta else "",
        )
        for r in result.rows
    ]
    return header, rows


def _series(result: SpendSeries | TokenSeries) -> Rows:
    money = isinstance(result, SpendSeries)
    fmt = cents if money else value
    keys = [row.key for row in result.breakdown]
    unit = "cents" if money else "tokens"
    header = ("day", f"total_{unit}", *(f"{text(key)}_{unit}" for key in keys))
    rows = [
        (p.day.isoformat(), fmt(p.value), *(fmt(p.parts.get(key, 0)) for key in keys))
        for p in result.points
    ]
    return header, rows


def _ranking(result: Ranking) -> Rows:
    """One row per project/skill/connector. `score` is the value ranked on and `ranked_by`
    names it (messages, invocations or sessions), so the header is the same for every kind and
    never repeats a column; `previous_score` is that value in the previous period."""
    header: tuple[str, ...] = (
        "rank",
        "key",
        "name",
        "ranked_by",
        "score",
        "peak_daily_users",
        "user_days",
        "messages",
        "sessions",
        "invocations",
        "spend_cents",
        "list_spend_cents",
        "previous_score",
        "source",
    )
    rows: list[tuple[str, ...]] = [
        (
            str(r.rank),
            text(r.key),
            text(r.name),
            result.ranked_by,
            str(r.score),
            value(r.peak_daily_users),
            value(r.user_days),
            value(r.messages),
            value(r.sessions),
            value(r.invocations),
            cents(r.spend_microcents),
            cents(r.list_spend_microcents),
            value(r.delta.previous) if r.delta else "",
            r.source or "",
        )
        for r in result.rows
    ]
    return header, rows


def _metrics(result: UserProfile | Comparison | FinanceComparisons) -> list[tuple[str, ...]]:
    """Long format (metric, current, previous, change, percent) for the one-entity reports."""
    out: list[tuple[str, ...]] = []

    def add(name: str, current: object, delta: Delta | None = None, money: bool = False) -> None:
        fmt = (lambda v: cents(_int(v))) if money else value
        if delta is None:
            out.append((name, fmt(current), "", "", ""))
        else:
            out.append(
                (
                    name,
                    fmt(delta.current),
                    fmt(delta.previous),
                    fmt(delta.change),
                    value(delta.percent),
                )
            )

    if isinstance(result, UserProfile):
        add("user_id", text(result.user.user_id))
        add("email", text(result.user.email))
        add("spend_cents", result.spend_microcents, result.spend_change, money=True)
        add("list_spend_cents", result.list_spend_microcents, money=True)
        add("tokens", result.tokens, result.tokens_change)
        add("requests", result.requests)
        add("active_days", result.active_days, result.active_days_change)
        for row in result.spend_by_product:
            add(f"spend_cents:product:{text(row.key)}", row.value, money=True)
        for row in result.spend_by_model:
            add(f"spend_cents:model:{text(row.key)}", row.value, money=True)
        for section in (result.chat, result.claude_code, result.cowork, result.design):
            prefix = type(section).__name__.removesuffix("Activity").lower()
            for field, item in section.model_dump().items():
                add(f"{prefix}:{field}", item)
        for app in result.office:
            add(f"office:{app.app}:messages", app.messages)
            add(f"office:{app.app}:sessions", app.sessions)
    elif isinstance(result, Comparison):
        add("spend_cents", None, result.spend, money=True)
        add("tokens", None, result.tokens)
        add("dau_avg", None, result.dau_avg)
        add("wau", None, result.wau)
        add("mau", None, result.mau)
        add("active_users", None, result.active_users)
        add("new_users", result.new_users)
        add("returning_users", result.returning_users)
        add("lapsed_users", result.lapsed_users)
        for m in (*result.movers_up, *result.movers_down):
            who = text(m.email or m.name or m.user_id)
            add(
                f"mover_cents:{who}",
                None,
                Delta.of(m.current_microcents, m.previous_microcents),
                money=True,
            )
    else:
        add("mtd_spend_cents", None, result.mtd, money=True)
        add("projected_month_cents", result.projected_month_microcents, money=True)
        add("yesterday_cents", None, result.yesterday_vs_avg, money=True)
        add("seats", result.seats)
        add("mau", result.mau)
        add("idle_seats", result.idle_seats)
        add("idle_seat_cost_cents", result.idle_seat_cost_microcents, money=True)
    return out


def _int(item: object) -> int | None:
    return item if isinstance(item, int) else None


def csv_bytes(export: Export) -> bytes:
    """The export as a UTF-8 CSV file (CRLF rows, as spreadsheets expect). Cells are already
    defused by `text()`: API text that starts like a formula carries a leading `'`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export.header)
    writer.writerows(export.rows)
    return buffer.getvalue().encode("utf-8")
