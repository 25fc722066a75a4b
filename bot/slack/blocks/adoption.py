"""Answers about people using Claude: adoption and period comparisons."""

from __future__ import annotations

from datetime import date

from bot.reports.labels import PRODUCTS
from bot.reports.types import Adoption, Comparison, Delta, Mover, PeopleMovement
from bot.slack.blocks.format import Row, number, percent_of, sparkline, table_lines, usd
from bot.slack.blocks.message import Message, frame, more_line, period_buttons, span
from bot.slack.blocks.primitives import Block, code_sections, field, fields, section
from bot.slack.blocks.spend import delta_text, person
from bot.slack.mrkdwn import escape


def _opt(value: int | float | None) -> str:
    return "—" if value is None else number(value)


def render_adoption(result: Adoption, *, today: date | None = None) -> Message:
    latest = f" ({result.latest_day:%b %-d})" if result.latest_day else ""
    items = [
        field(f"Daily actives{latest}", _opt(result.dau)),
        field("Weekly actives", _opt(result.wau)),
        field("Monthly actives", _opt(result.mau)),
        field("Seats", _opt(result.seats)),
        field("Seat utilisation (MAU)", percent_of(result.utilisation_pct)),
        field("Average DAU vs previous", _avg_delta(result.dau_avg, result.dau_change)),
        field("Active in period", _opt(result.active_users)),
        field(
            "New · returning · lapsed",
            " · ".join(
                _opt(v) for v in (result.new_users, result.returning_users, result.lapsed_users)
            ),
        ),
        field("Pending invites", _opt(result.pending_invites)),
        field("DAU trend", escape(sparkline(result.sparkline)) or "—"),
    ]
    body: list[Block] = fields(items)
    rows = [
        Row(p.label or p.product, _opt(p.daily), (_opt(p.weekly), _opt(p.monthly)))
        for p in result.products
    ]
    if rows:
        body.append(section("*By product* (daily / weekly / monthly actives)"))
        body += code_sections(table_lines(rows))
    more = ""
    if result.people is not None:
        listed, more = _people(result.people)
        body += listed
    rest = people_words(result.people)
    fallback = (
        f"Adoption, {result.period.label}: {_opt(result.dau)} daily, "
        f"{_opt(result.wau)} weekly, {_opt(result.mau)} monthly actives"
    )
    if result.seats is not None:
        fallback += f" of {number(result.seats)} seats"
    return frame(
        title=f"Adoption · {result.period.label}",
        subtitle=span(result.period),
        body=body,
        notes=result.notes,
        more=more,
        freshness=result.freshness,
        buttons=period_buttons("adoption", result.period, today=today, rest=rest),
        fallback=fallback,
    )


PEOPLE_SHOWN = 25
"""Names a message lists; `export adoption … --people …` has every one."""


def people_words(people: PeopleMovement | None) -> str:
    """`--people new --product claude_code`: what asks for this list again (buttons, export)."""
    if people is None:
        return ""
    product = f" --product {people.product}" if people.product else ""
    return f"--people {people.kind}{product}"


def _people(people: PeopleMovement) -> tuple[list[Block], str]:
    """The list under the counts, and "…and N more" when it is longer than a message holds."""
    where = f" {PRODUCTS.get(people.product, people.product)}" if people.product else ""
    active = "spent in" + where if people.product else "active"
    now, before = span(people.current) or people.current.label, span(people.previous)
    if people.kind == "new":
        head = f"*New{' to' + where if where else ''}: {number(len(people.people))}*"
        rule = f"{active} {now}, not {before or people.previous.label}"
    else:
        head = f"*Lapsed{' from' + where if where else ''}: {number(len(people.people))}*"
        rule = f"{active} {before or people.previous.label}, not {now}"
    rows = [
        Row(
            person(p.name, p.email, p.user_id),
            p.email or "",
            (
                f"first {p.first_active:%b %-d}"
                if people.kind == "new"
                else f"last {p.last_active:%b %-d}",
            ),
        )
        for p in people.people[:PEOPLE_SHOWN]
    ]
    blocks: list[Block] = [section(f"{head} ({escape(rule)})")]
    blocks += code_sections(table_lines(rows)) if rows else [section("Nobody.")]
    return blocks, more_line(len(rows), len(people.people))


def _avg_delta(avg: float | None, change: Delta | None) -> str:
    if avg is None:
        return "—"
    return f"{number(avg)} ({delta_text(change)})" if change is not None else number(avg)


def _mover_lines(movers: tuple[Mover, ...]) -> list[str]:
    rows = [
        Row(
            person(m.name, m.email, m.user_id),
            usd(m.current_microcents),
            (f"{'+' if m.change_microcents >= 0 else '−'}{usd(abs(m.change_microcents))}",),
        )
        for m in movers
    ]
    return table_lines(rows)


_TITLES = {"week": "Last week vs the week before", "month": "Last month vs the month before"}


def render_compare(result: Comparison) -> Message:
    title = _TITLES.get(result.mode, f"{result.period.label} vs {result.previous.label}")
    title = title[:1].upper() + title[1:]  # "this week vs …" is a title, and reads like one
    items = [
        field("Spend", _money_delta(result.spend)),
        field("Tokens", _count_delta(result.tokens)),
        field("Average DAU", _count_delta(result.dau_avg)),
        field("Weekly actives", _count_delta(result.wau)),
        field("Monthly actives", _count_delta(result.mau)),
        field("Active users", _count_delta(result.active_users)),
        field(
            "New · returning · lapsed",
            " · ".join(
                _opt(v) for v in (result.new_users, result.returning_users, result.lapsed_users)
            ),
        ),
        field(
            "Spend trend (now / before)",
            _spark_pair(result.spend_sparkline, result.previous_spend_sparkline),
        ),
        field(
            "DAU trend (now / before)",
            _spark_pair(result.dau_sparkline, result.previous_dau_sparkline),
        ),
    ]
    body: list[Block] = fields(items)
    if result.movers_up:
        body.append(section("*Biggest increases in spend*"))
        body += code_sections(_mover_lines(result.movers_up))
    if result.movers_down:
        body.append(section("*Biggest decreases in spend*"))
        body += code_sections(_mover_lines(result.movers_down))
    now = span(result.period) or result.period.label
    dates = f"{now} vs {span(result.previous) or result.previous.label}"
    return frame(
        title=title,
        subtitle=dates,
        body=body,
        notes=result.notes,
        freshness=result.freshness,
        fallback=f"{title}: spend {_money_delta(result.spend)}",
    )


def _money_delta(value: Delta | None) -> str:
    if value is None:
        return "—"
    return f"{usd(int(value.current))} ({delta_text(value, money=True)})"


def _count_delta(value: Delta | None) -> str:
    if value is None:
        return "—"
    return f"{number(value.current)} ({delta_text(value)})"


def _spark_pair(now: tuple[int, ...], before: tuple[int, ...]) -> str:
    if not now:
        return "—"
    joint = sparkline([*before, *now]) if before else sparkline(now)
    if before:
        return escape(f"{joint[len(before) :]} / {joint[: len(before)]}")
    return escape(joint)
