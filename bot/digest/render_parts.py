"""Block Kit sections of a digest, one function per section. Pure: a digest part in, blocks out.

Every API string (names, products, models, projects) goes through `escape` (via `table_lines`
or directly); sentences we write go through `escape_sentence`. Money is formatted from integer
micro-cents; "–" stands for "not available", never for zero.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.digest.model import (
    AdoptionSnapshot,
    MonthToDate,
    MoverGroup,
    Movers,
    Newcomers,
    ProductMove,
    Restatement,
    SpendHeadline,
    WeekPoint,
)
from bot.reports.periods import range_label
from bot.reports.privacy import MIN_GROUP
from bot.reports.types import BreakdownRow, Mover, Ranking, TopSpenders
from bot.slack.blocks import escape_sentence
from bot.slack.blocks.format import MINUS, Row, delta, number, percent_of, sparkline, table_lines
from bot.slack.blocks.format import usd as money
from bot.slack.blocks.primitives import Block, code_sections, context, field, fields, section
from bot.slack.blocks.spend import delta_text, percent_note, person
from bot.slack.mrkdwn import escape

NAMES_SHOWN = 8
RESTATEMENTS_SHOWN = 3
_RANKED = {"projects": "Projects", "skills": "Skills", "connectors": "Connectors"}


def opt_usd(value: int | None) -> str:
    return "–" if value is None else money(value)


def opt_number(value: int | float | None) -> str:
    return "–" if value is None else number(value)


def signed_usd(microcents: int) -> str:
    return f"{'+' if microcents >= 0 else MINUS}{money(abs(microcents))}"


def spend_blocks(spend: SpendHeadline, title: str) -> list[Block]:
    so_far = " so far" if spend.so_far else ""
    line = f"*{title}{so_far}: {opt_usd(spend.amount_microcents)}*"
    parts = []
    if spend.previous is not None and spend.previous.previous is not None:
        parts.append(f"{delta_text(spend.previous, money=True)} {spend.previous_label}")
    if spend.vs_average is not None and spend.average_microcents is not None:
        parts.append(
            f"{delta_text(spend.vs_average, money=True)} vs the 7-day average "
            f"({money(spend.average_microcents)})"
        )
    if parts:
        line += "\n" + escape(" · ".join(parts))
    blocks = [section(line)]
    if spend.so_far:
        blocks.append(context(escape(_not_complete(spend))))
    elif spend.revisable_until is not None:
        blocks.append(
            context(
                escape(
                    f"Revisable until {spend.revisable_until:%b} {spend.revisable_until.day}: "
                    "the API adds late usage for 30 days, so this can still grow."
                )
            )
        )
    return blocks


def _not_complete(spend: SpendHeadline) -> str:
    """Why a day's spend is shown without comparisons."""
    text = "Not complete yet"
    mark = spend.reported_until
    if mark is not None:
        text += (
            f": the API had reported spend up to {mark:%b} {mark.day} {mark:%H:%M} UTC when the "
            "store last synced"
        )
    return text + (
        ", so this is spend so far, compared with nothing until the day is complete "
        "(the API reports spend up to a day late)."
    )


def month_blocks(month: MonthToDate) -> list[Block]:
    mtd = month.mtd
    compared = ""
    if month.previous_period is not None:
        p = month.previous_period
        compared = f"vs {range_label(p.start, p.end)}"
    items = [
        field("Month to date", "–" if mtd is None else money(int(mtd.current))),
        field(escape(compared or "vs last month"), delta_text(mtd, money=True)),
        field("Projected month", opt_usd(month.projected_microcents)),
    ]
    blocks = fields(items)
    if month.projection_basis:
        blocks.append(context(escape(month.projection_basis)))
    return blocks


def adoption_blocks(snap: AdoptionSnapshot) -> list[Block]:
    """Headlined by the average daily actives of the window (comparable whatever the weekday),
    with the latest day against the same weekday a week before."""
    who = f" of {snap.product_label}" if snap.product_label else ""
    title = (
        f"*Active users{escape(who)}* · {escape(_short_range(snap.window.start, snap.window.end))}"
    )
    if snap.not_reported is not None:
        late = snap.not_reported
        title += escape(
            f" ({_short_range(late.start, late.end)} not reported yet: activity arrives about "
            "a day late)"
        )
    headline = f"*Average daily actives: {opt_number(snap.dau_avg)}*"
    change = snap.dau_avg_change
    if change is not None and change.previous is not None:
        headline += escape(f", {delta_text(change)} vs the same days a week before")
    day = snap.day
    latest = opt_number(snap.dau)
    if snap.dau_change is not None and snap.dau_change.previous is not None:
        before = day - timedelta(days=7)
        latest += f", {delta_text(snap.dau_change)} vs {before:%a %b} {before.day}"
    items = [
        field(f"Daily actives on {day:%a %b} {day.day}", escape(latest)),
        field(
            f"Weekly · monthly on {day:%a %b} {day.day}",
            " · ".join(map(opt_number, (snap.wau, snap.mau))),
        ),
    ]
    if snap.product_label is None:
        items.append(field("Seats", opt_number(snap.seats)))
        items.append(field("Seat utilisation (MAU)", percent_of(snap.utilisation_pct)))
    return [section(f"{title}\n{headline}"), *fields(items)]


def _short_range(start: date, end: date) -> str:
    """`Mon Nov 30 – Sat Dec 5`, or one day: `Sat Dec 5`."""
    first = f"{start:%a %b} {start.day}"
    return first if start == end else f"{first} – {end:%a %b} {end.day}"


def breakdown_blocks(title: str, rows: tuple[BreakdownRow, ...]) -> list[Block]:
    if not rows:
        return []
    table = []
    for r in rows:
        change = "" if r.previous is None else delta(r.value, r.previous, money=True)
        table.append(Row(r.label or r.key, money(r.value), (percent_note(r.share_pct), change)))
    return [section(f"*{title}*"), *code_sections(table_lines(table))]


def ranking_blocks(rankings: tuple[Ranking, ...], span: str) -> list[Block]:
    if not rankings:
        return []
    lines: list[str] = []
    for result in rankings:
        rows = [
            Row(
                r.name or r.key,
                f"{number(r.score)} {result.ranked_by}",
                (delta_text(r.delta) if r.delta is not None and r.delta.previous else "",),
            )
            for r in result.rows
        ]
        lines.append(escape(f"{_RANKED.get(result.kind, result.kind)}", code=True))
        lines += table_lines(rows)
    return [
        section(f"*Top projects, skills and connectors* · {escape(span)}"),
        *code_sections(lines),
    ]


def newcomer_blocks(new: Newcomers) -> list[Block]:
    when = escape(range_label(new.window.start, new.window.end))
    if not any(group.people for group in new.groups):
        what = " or ".join(group.label for group in new.groups)
        text = f"*New people* ({when}): nobody used {escape(what)} for the first time."
    else:
        parts = [f"first time with {group.label}: {_people(group.people)}" for group in new.groups]
        text = f"*New people* ({when}): {escape('; '.join(parts))}."
    blocks = [section(text)]
    for group in new.groups:
        if group.names:
            shown = ", ".join(escape(n) for n in group.names[:NAMES_SHOWN])
            more = len(group.names) - NAMES_SHOWN
            tail = f" and {more} more" if more > 0 else ""
            blocks.append(context(f"{escape(group.label)}: {shown}{tail}"))
    return blocks


def _people(count: int | None) -> str:
    if count is None:
        return "–"
    return "nobody" if count == 0 else "1 person" if count == 1 else f"{count:,} people"


def spender_blocks(result: TopSpenders) -> list[Block]:
    if not result.rows:
        return []
    rows = []
    for r in result.rows:
        change = ""
        if r.delta is not None and r.delta.previous is not None:
            change = delta(r.delta.current, r.delta.previous, money=True)
        rows.append(Row(person(r.name, r.email, r.user_id), money(r.amount_microcents), (change,)))
    return [section("*Top spenders*"), *code_sections(table_lines(rows))]


def moves_sentence(moved: Movers) -> str:
    """`+$452.86 net: 14 people up $2,310.40, 11 down $1,857.54` (raw text; escape before use)."""
    net = moved.change_microcents
    parts = [_group_words(g, word) for g, word in ((moved.up, "up"), (moved.down, "down")) if g]
    text = "" if net is None else f"{signed_usd(net)} net"
    if parts:
        text += (": " if text else "") + ", ".join(parts)
    return text


def _group_words(group: MoverGroup, word: str) -> str:
    if group.change_microcents is None:
        return f"fewer than {MIN_GROUP} people {word}"
    who = "1 person" if group.people == 1 else f"{group.people:,} people"
    return f"{who} {word} {money(abs(group.change_microcents))}"


def _group_rows(moved: Movers) -> list[Row]:
    rows = []
    for group, word in ((moved.up, "Up"), (moved.down, "Down")):
        if group is None:
            continue
        who = "1 person" if group.people == 1 else f"{group.people:,} people"
        if group.change_microcents is None:
            rows.append(Row(f"{word}: fewer than {MIN_GROUP} people", "–", ("not shown alone",)))
            continue
        extra = ""
        if group.top_people is not None and group.top_change_microcents is not None:
            extra = f"{group.top_people} biggest {signed_usd(group.top_change_microcents)}"
        rows.append(Row(f"{word}: {who}", signed_usd(group.change_microcents), (extra,)))
    if moved.not_seat_microcents is not None and (moved.up or moved.down):
        rows.append(Row("Not tied to a seat", signed_usd(moved.not_seat_microcents), ("",)))
    return rows


def _product_rows(moves: tuple[ProductMove, ...]) -> list[Row]:
    return [
        Row(m.label, money(m.current_microcents), (signed_usd(m.change_microcents),)) for m in moves
    ]


def _people_rows(people: tuple[Mover, ...]) -> list[Row]:
    return [
        Row(
            person(m.name, m.email, m.user_id),
            money(m.current_microcents),
            (signed_usd(m.change_microcents),),
        )
        for m in people
    ]


def mover_blocks(moved: Movers) -> list[Block]:
    """The net change, then the moves both ways that make it up (people, products, names)."""
    blocks: list[Block] = []
    net = moved.change_microcents
    if net is not None and moved.material:
        line = f"*What moved it:* {escape(signed_usd(net))} net, from moves both ways:"
        blocks.append(section(line))
    elif moved.up or moved.down or moved.products_up or moved.products_down:
        blocks.append(
            section("*What moved:* the net change is small (under 5%); the moves both ways:")
        )
    people = _group_rows(moved)
    if people:
        blocks += code_sections(table_lines(people, label_width=28, own_labels=True))
    for title, rows in (
        ("Products up", _product_rows(moved.products_up)),
        ("Products down", _product_rows(moved.products_down)),
        ("People up", _people_rows(moved.people_up)),
        ("People down", _people_rows(moved.people_down)),
    ):
        if rows:
            blocks += [section(f"*{title}*"), *code_sections(table_lines(rows))]
    return blocks


def trend_blocks(trend: tuple[WeekPoint, ...]) -> list[Block]:
    if not trend:
        return []
    rows = [
        Row(
            range_label(w.start, w.end),
            opt_usd(w.spend_microcents),
            (_dau(w.dau_avg),),
        )
        for w in trend
    ]
    spend = [w.spend_microcents for w in trend if w.spend_microcents is not None]
    spark = f" {escape(sparkline(spend))}" if len(spend) > 1 else ""
    return [
        section(f"*Last {len(trend)} weeks*{spark}"),
        *code_sections(table_lines(rows, label_width=26)),
    ]


def _dau(value: float | None) -> str:
    return "avg DAU      –" if value is None else f"avg DAU {value:>6,.1f}"


def restatement_blocks(found: tuple[Restatement, ...]) -> list[Block]:
    if not found:
        return []
    parts = [
        f"{r.day:%b} {r.day.day} restated from {money(r.reported_microcents)} to "
        f"{money(r.now_microcents)}"
        for r in found[:RESTATEMENTS_SHOWN]
    ]
    more = len(found) - RESTATEMENTS_SHOWN
    tail = f"; {more} more days revised" if more > 0 else ""
    text = (
        ":memo: Revised since we reported them: " + "; ".join(parts) + tail + " (the API revises "
        "spend for 30 days; changes of 2% and $1 or more are shown)."
    )
    return [context(escape_sentence(text))]
