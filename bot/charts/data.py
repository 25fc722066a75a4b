"""Pure preparation of chart data: no matplotlib here, so it is fast, exact and easy to test.

Money stays integer micro-cents through every step here; only the renderer turns it into float
coordinates. Every decision worth testing lives here: which products get their own colour and
which fold into "Other", the continuous day axis with gaps for days without data, tick days,
shaded runs, and the cleaning of hostile label text before matplotlib ever sees it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from bot.store.money import MICROCENTS_PER_DOLLAR, format_usd

MAX_SERIES = 6
"""Stacked series a phone can tell apart; the smallest products beyond that fold into Other."""
LABEL_CHARS = 24
TITLE_CHARS = 52
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Fixed English abbreviations: `%b` depends on the process locale, and bytes must not."""


@dataclass(frozen=True, slots=True)
class SpendDay:
    """Spend of one day: micro-cents per raw product key (absent key = no spend)."""

    day: date
    parts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ActiveDay:
    """Active users on one day; None means not reported (drawn as a gap, never as 0)."""

    day: date
    dau: int | None
    wau: int | None


@dataclass(frozen=True, slots=True)
class StackSeries:
    """One stacked series: `key` None is the folded remainder of the smaller products."""

    key: str | None
    label: str
    values: tuple[int, ...]
    """Micro-cents per axis day; 0 on days without data (`SpendStack.present` tells them apart)."""


@dataclass(frozen=True, slots=True)
class SpendStack:
    days: tuple[date, ...]
    """Every day from the first to the last input day, so missing days keep their place."""
    present: tuple[bool, ...]
    series: tuple[StackSeries, ...]
    """Largest first (drawn at the bottom); the folded Other, if any, last."""
    totals: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class ActiveAxis:
    days: tuple[date, ...]
    dau: tuple[int | None, ...]
    wau: tuple[int | None, ...]


def clean_label(text: str, max_chars: int = LABEL_CHARS) -> str:
    """API text made safe to draw: one line, bounded length, and no mathtext.

    Control and format characters (newlines, bidi overrides, zero-width joiners) are dropped,
    whitespace runs collapse, long text ends in "…", and every `$` is escaped so matplotlib
    draws it literally instead of parsing `$\\alpha$` as mathtext. The escape is exact:
    matplotlib removes only the backslash it finds before a `$` in non-math text.
    """
    kept = "".join(
        " " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c)[0] != "C"
    )
    line = " ".join(kept.split()) or "(blank)"
    if len(line) > max_chars:
        line = line[: max_chars - 1].rstrip() + "…"
    return line.replace("$", r"\$")


def day_axis(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def prepare_spend(
    days: Sequence[SpendDay], label: Callable[[str], str], max_series: int = MAX_SERIES
) -> SpendStack | None:
    """Stack per-product spend on a continuous day axis; None when there is no day at all.

    The products with the largest period totals keep their own series; when there are more
    than `max_series`, all but the top `max_series - 1` fold into one Other series, summed
    exactly per day, so every day's stacked total equals its input total. Products that spent
    nothing in the period are dropped (an empty legend entry helps no one). Duplicate days
    are summed: money is additive.
    """
    if not days:
        return None
    by_day: dict[date, dict[str, int]] = {}
    for spend in days:
        parts = by_day.setdefault(spend.day, {})
        for key, value in spend.parts.items():
            parts[key] = parts.get(key, 0) + value
    axis = day_axis(min(by_day), max(by_day))
    present = tuple(day in by_day for day in axis)
    totals_by_key: dict[str, int] = {}
    for parts in by_day.values():
        for key, value in parts.items():
            totals_by_key[key] = totals_by_key.get(key, 0) + value
    ranked = sorted(
        (key for key in totals_by_key if _any_nonzero(by_day, key)),
        key=lambda key: (-totals_by_key[key], key),
    )
    shown = ranked if len(ranked) <= max_series else ranked[: max_series - 1]
    folded = ranked[len(shown) :]

    def values(keys: Sequence[str]) -> tuple[int, ...]:
        return tuple(sum(by_day.get(day, {}).get(key, 0) for key in keys) for day in axis)

    series = [StackSeries(key, clean_label(label(key)), values([key])) for key in shown]
    if folded:
        name = f"Other ({len(folded)} products)"
        series.append(StackSeries(None, name, values(folded)))
    totals = tuple(sum(by_day.get(day, {}).values()) for day in axis)
    return SpendStack(axis, present, tuple(series), totals, sum(totals))


def _any_nonzero(by_day: Mapping[date, Mapping[str, int]], key: str) -> bool:
    """A product whose credits cancel its spend still has bars worth a legend entry."""
    return any(parts.get(key, 0) != 0 for parts in by_day.values())


def stack_bottoms(series: Sequence[StackSeries]) -> list[tuple[int, ...]]:
    """Where each series' bar starts per day: positives stack up from 0, negatives down."""
    if not series:
        return []
    up = [0] * len(series[0].values)
    down = [0] * len(series[0].values)
    out: list[tuple[int, ...]] = []
    for one in series:
        out.append(tuple(d if v < 0 else u for v, u, d in zip(one.values, up, down, strict=True)))
        for i, value in enumerate(one.values):
            if value < 0:
                down[i] += value
            else:
                up[i] += value
    return out


def prepare_actives(days: Sequence[ActiveDay]) -> ActiveAxis | None:
    """DAU and WAU on a continuous day axis (None where not reported); None if nothing is.

    Raises ValueError on a duplicate day: counts of distinct users cannot be merged.
    """
    by_day: dict[date, ActiveDay] = {}
    for active in days:
        if active.day in by_day:
            raise ValueError(f"active users given twice for {active.day}")
        by_day[active.day] = active
    if all(a.dau is None and a.wau is None for a in by_day.values()):
        return None
    axis = day_axis(min(by_day), max(by_day))
    dau = tuple(by_day[d].dau if d in by_day else None for d in axis)
    wau = tuple(by_day[d].wau if d in by_day else None for d in axis)
    return ActiveAxis(axis, dau, wau)


def runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """`[start, end)` index ranges of consecutive True flags (weekends, missing days)."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            out.append((start, index))
            start = None
    return out


def short_date(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def date_range_text(first: date, last: date) -> str:
    """ "Nov 3 – Dec 2, 2025"; the year once, or on both ends when the range crosses one."""
    if first == last:
        return f"{short_date(first)}, {first.year}"
    if first.year != last.year:
        return f"{short_date(first)}, {first.year} – {short_date(last)}, {last.year}"
    return f"{short_date(first)} – {short_date(last)}, {last.year}"


def tick_days(axis: Sequence[date], max_ticks: int = 6) -> list[int]:
    """Indexes to label: every day of a week, every k-th day of two, else every k-th Monday.

    At most `max_ticks` (+2 for a week of days) so "Nov 10" labels never touch on a phone.
    """
    if len(axis) <= max_ticks + 2:
        return list(range(len(axis)))
    if len(axis) <= 16:
        return list(range(0, len(axis), math.ceil(len(axis) / max_ticks)))
    mondays = [i for i, day in enumerate(axis) if day.weekday() == 0]
    step = max(1, math.ceil(len(mondays) / max_ticks))
    return mondays[::step]


def usd_tick(dollars: Decimal, step: Decimal, top: Decimal) -> str:
    """A y-axis money label: "$0", "$2,500", "$25k", "$1.5M", "$0.50".

    The unit comes from the largest tick and the decimals from the tick step, so labels on
    one axis share one format. Values are exact Decimals, rounded half-even for display.
    """
    if dollars == 0:
        return "$0"
    top = abs(top)
    unit, suffix = (
        (Decimal(1_000_000), "M")
        if top >= 1_000_000
        else (Decimal(1_000), "k")
        if top >= 10_000
        else (Decimal(1), "")
    )
    exponent = (abs(step) / unit).normalize().as_tuple().exponent
    places = min(max(-exponent, 0), 2) if isinstance(exponent, int) else 0
    if not suffix and places:
        places = 2  # plain dollars show whole cents: "$0.50", never "$0.5"
    value = (dollars / unit).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}{suffix}"


def usd_compact(microcents: int) -> str:
    """A short exact-rounded amount for annotations: "$45.67", "$1,234", "$12.3k", "$2.13M"."""
    dollars = Decimal(microcents) / MICROCENTS_PER_DOLLAR
    size = abs(dollars)
    if size < 100:
        return format_usd(microcents)
    if size < 10_000:
        return format_usd(microcents, cents=False)
    thousands = (dollars / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    if abs(thousands) < 1000:
        return f"{'-' if thousands < 0 else ''}${abs(thousands)}k"
    millions = (dollars / 1_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{'-' if millions < 0 else ''}${abs(millions):,}M"
