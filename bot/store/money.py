"""Exact money conversions: API decimal-string cents ⇄ integer micro-cents ⇄ display dollars.

The API sends cents as decimal strings with up to six decimals, so micro-cents (1e-6 cent) hold
every value exactly in an int. Floats never appear on this path.
"""

from __future__ import annotations

from decimal import Decimal

MICROCENTS_PER_CENT = 1_000_000
MICROCENTS_PER_DOLLAR = 100 * MICROCENTS_PER_CENT


class MoneyPrecisionError(ValueError):
    """The API sent more than six decimals of a cent; storing it would lose money."""


def cents_to_microcents(cents: Decimal | str) -> int:
    value = Decimal(cents) * MICROCENTS_PER_CENT
    integral = value.to_integral_value()
    if value != integral:
        raise MoneyPrecisionError(f"{cents} cents has more than six decimals")
    return int(integral)


def microcents_to_cents(microcents: int) -> Decimal:
    return Decimal(microcents) / MICROCENTS_PER_CENT


def microcents_to_dollars(microcents: int) -> Decimal:
    return Decimal(microcents) / MICROCENTS_PER_DOLLAR


def format_usd(microcents: int, *, cents: bool = True) -> str:
    """`$1,234.56` (rounded half-even to the cent), or whole dollars with `cents=False`."""
    dollars = microcents_to_dollars(microcents)
    quantum = Decimal("0.01") if cents else Decimal("1")
    rounded = dollars.quantize(quantum)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.{2 if cents else 0}f}"
