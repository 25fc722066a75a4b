"""Number formatting for answers: money from micro-cents, deltas with arrows, sparklines, tables.

No floats on the money path: amounts stay integer micro-cents until `format_usd`, and percentages
are computed with `Decimal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal

from bot.controls import strip_controls
from bot.slack.mrkdwn import escape, truncate
from bot.store.money import format_usd

SPARK_BARS = "▁▂▃▄▅▆▇█"
UP, DOWN, FLAT = "▲", "▼", "▬"
MINUS = "−"


def usd(microcents: int, *, cents: bool = True) -> str:
    return format_usd(microcents, cents=cents)


def count(value: int) -> str:
    return f"{value:,}"


def percent(value: Decimal | float | None, *, places: int = 1) -> str:
    """`42.5%` from a ratio (0.425); `–` when unknown."""
    if value is None:
        return "—"
    pct = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    return f"{pct}%"


Number = int | float | Decimal


def _dec(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def change_percent(current: Number, previous: Number) -> Decimal | None:
    """Change from `previous` to `current` in percent, or None when there is no base."""
    if previous == 0:
        return None
    return ((_dec(current) - _dec(previous)) * 100 / abs(_dec(previous))).quantize(
        Decimal("0.1"), ROUND_HALF_EVEN
    )


def number(value: Number) -> str:
    """Counts with thousands separators; averages with one decimal."""
    if isinstance(value, int):
        return count(value)
    rounded = _dec(value).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    return f"{rounded:,}".removesuffix(".0")


def delta(current: Number, previous: Number, *, money: bool = False) -> str:
    """`▲ +$120.00 (+12.5%)`, `▼ −340 (−8.0%)`, `new` from nothing, `▬ no change`.

    With `money=True` both values are integer micro-cents.
    """
    if previous == 0:
        if current == 0:
            return f"{FLAT} no change"
        return "new"
    diff = _dec(current) - _dec(previous)
    if diff == 0:
        return f"{FLAT} no change"
    arrow = UP if diff > 0 else DOWN
    sign = "+" if diff > 0 else MINUS
    amount = usd(int(abs(diff))) if money else number(abs(diff) if diff % 1 else int(abs(diff)))
    pct = change_percent(current, previous)
    pct = Decimal(0) if pct is None else pct
    return f"{arrow} {sign}{amount} ({sign}{abs(pct)}%)"


def sparkline(values: Sequence[Number]) -> str:
    """One bar per value (`▁▂▃▄▅▆▇█`), scaled between the series' min and max."""
    if not values:
        return ""
    numbers = [_dec(v) for v in values]
    low, high = min(numbers), max(numbers)
    if high == low:
        return (SPARK_BARS[0] if high == 0 else SPARK_BARS[3]) * len(numbers)
    top = len(SPARK_BARS) - 1
    return "".join(
        SPARK_BARS[int(((n - low) * top / (high - low)).to_integral_value(ROUND_HALF_EVEN))]
        for n in numbers
    )


@dataclass(frozen=True)
class Row:
    """One line of an aligned ranking: a raw (unescaped) label, a value and extra columns."""

    label: str
    value: str
    extras: tuple[str, ...] = ()


def table_lines(
    rows: Sequence[Row], *, start: int = 1, label_width: int = 28, own_labels: bool = False
) -> list[str]:
    """Aligned monospace lines: rank, label (raw → truncated → padded → escaped), value, extras.

    Padding is computed on the raw text and escaping happens last, so `&lt;` counts as one column
    just as Slack displays it; controls (`bot.controls`) go before anything is counted, so an
    invisible bidi override or escape sequence takes no column either. `own_labels=True` is for
    labels we wrote (dataset names): they are escaped for a code block only, so `chat_projects`
    stays as typed.
    """
    if not rows:
        return []
    rows = [replace(r, label=strip_controls(r.label)) for r in rows]
    width = min(label_width, max(len(r.label) for r in rows))
    value_width = max(len(r.value) for r in rows)
    columns = max(len(r.extras) for r in rows)
    extra_widths = [
        max((len(r.extras[i]) for r in rows if len(r.extras) > i), default=0)
        for i in range(columns)
    ]
    rank_width = len(str(start + len(rows) - 1))
    lines = []
    for offset, row in enumerate(rows):
        label = truncate(row.label, width).ljust(width)
        line = f"{start + offset:>{rank_width}}. {label}  {row.value:>{value_width}}"
        for i, extra in enumerate(row.extras):
            left = extra.startswith((UP, DOWN, FLAT, "new"))
            line += f"  {extra:<{extra_widths[i]}}" if left else f"  {extra:>{extra_widths[i]}}"
        lines.append(escape(line.rstrip(), code=True))
    return lines


def percent_of(pct: float | None) -> str:
    """`42.5%` from a value already in percent; `–` when unknown."""
    if pct is None:
        return "—"
    return f"{_dec(pct).quantize(Decimal('0.1'), ROUND_HALF_EVEN)}%"
