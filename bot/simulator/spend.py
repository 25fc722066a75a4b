"""Token usage and cost lines: what each seat user (and some automation) consumed on one day.

A `Line` is one (actor, product, model, context window, region, speed) slice of a day with
integer counts. Everything the four cost/usage endpoints return is derived from lines with three
integer-exact operations, so grouped and ungrouped answers agree to the micro-cent:

* revision: a day's counts grow slightly until the day is 30 days old (late events), see `revise`;
* time slicing: `stable.split_counts` over per-minute weights, so minutes sum to hours and hours
  to the day;
* pricing: counts times per-token prices in cents with at most six decimals (`Decimal`, no float).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from bot.simulator import catalog
from bot.simulator.profiles import CHAT, CHROME, CODE, COWORK, DESIGN, OFFICE, SCIENCE, User
from bot.simulator.stable import rng, unit

# Index of each count in Line.counts.
UNCACHED, CACHE_READ, CACHE_5M, CACHE_1H, OUTPUT, REQUESTS, WEB_SEARCH, SPANS = range(8)
N_COUNTS = 8
REVISION_DAYS = 30
NON_SEAT = -1  # Line.user for API-key / automation traffic (bucketed endpoints only)

# Typical daily (uncached, cache read, 5m write, 1h write, output, requests) per product.
_PRODUCT_SCALE = {
    CHAT: ("chat", (60_000, 150_000, 10_000, 0, 20_000, 25)),
    CODE: ("claude_code", (1_500_000, 25_000_000, 800_000, 200_000, 600_000, 600)),
    COWORK: ("cowork", (400_000, 3_000_000, 200_000, 50_000, 150_000, 120)),
    OFFICE: ("office_agent", (200_000, 600_000, 40_000, 0, 60_000, 40)),
    DESIGN: ("claude_design", (300_000, 1_000_000, 80_000, 0, 150_000, 60)),
    SCIENCE: ("chat", (250_000, 800_000, 60_000, 0, 90_000, 45)),
    CHROME: ("claude_in_chrome", (250_000, 1_200_000, 50_000, 0, 40_000, 80)),
}


@dataclass(frozen=True, slots=True)
class Line:
    """Final (fully revised) integer counts of one slice of one actor's day."""

    user: int  # user index, or NON_SEAT
    product: str | None
    model: str | None
    context_window: str | None
    inference_geo: str | None
    speed: str | None
    counts: tuple[int, ...]  # N_COUNTS integers, see the index constants
    late_per_mille: int  # share of each count that arrives late (withheld at age 0)
    hour_profile: int  # index into catalog.MINUTE_CUMULATIVE


def revise(total: int, late_per_mille: int, age_days: int) -> int:
    """The value visible `age_days` after the day: grows linearly to `total` at 30 days."""
    if age_days >= REVISION_DAYS:
        return total
    missing = REVISION_DAYS - max(age_days, 0)
    return total - total * late_per_mille * missing // (REVISION_DAYS * 1000)


def slice_counts(line: Line, age_days: int, minute_from: int, minute_to: int) -> list[int]:
    """Counts of `line` in minutes [minute_from, minute_to) of its day, as visible at that age."""
    cumulative = catalog.MINUTE_CUMULATIVE[line.hour_profile]
    late = line.late_per_mille
    whole = minute_from == 0 and minute_to == 1440
    out = []
    for total in line.counts:
        if total:
            value = revise(total, late, age_days)
            if not whole:
                value = (
                    value * cumulative[minute_to] // cumulative[-1]
                    - value * cumulative[minute_from] // cumulative[-1]
                )
            out.append(value)
        else:
            out.append(0)
    return out


@lru_cache(maxsize=64)
def token_prices(
    model: str | None, context_window: str | None, speed: str | None, multiplier: int
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """(amount, list_amount) prices in cents per token for the five token types."""
    if model is None:
        zero = (Decimal(0),) * 5
        return zero, zero
    base = catalog.TOKEN_PRICES[model]
    factors = [Decimal(1)] * 5
    if context_window == "200k-1M":
        factors = [catalog.LONG_CONTEXT_INPUT] * 4 + [catalog.LONG_CONTEXT_OUTPUT]
    speed_factor = catalog.FAST_SPEED if speed == "fast" else Decimal(1)
    lists = tuple(p * f * speed_factor * multiplier for p, f in zip(base, factors, strict=True))
    return tuple(p * catalog.DISCOUNT for p in lists), lists


def _pick_model(r: random.Random, weights: tuple[float, float, float]) -> str:
    return r.choices(catalog.MODELS, weights=weights)[0]


def _geo(r: random.Random) -> str | None:
    x = r.random()
    return "global" if x < 0.7 else ("us" if x < 0.9 else None)


def _product_lines(
    r: random.Random, user: User, product_bit: int, models: tuple[float, float, float]
) -> list[Line]:
    product, scale = _PRODUCT_SCALE[product_bit]
    volume = user.propensity * r.lognormvariate(0.0, 0.6)
    long_ctx = 0.15 if product_bit in (CODE, COWORK) else 0.03
    lines = []
    shares = (1.0,) if r.random() < 0.6 else (0.7, 0.3)
    for share in shares:
        counts = [int(s * volume * share * r.uniform(0.7, 1.3)) for s in scale]
        counts[REQUESTS] = max(1, counts[REQUESTS])
        web = r.randint(0, 10) if product_bit == CHAT and r.random() < 0.4 else 0
        lines.append(
            Line(
                user=user.index,
                product=product,
                model=_pick_model(r, models),
                context_window="200k-1M" if r.random() < long_ctx else "0-200k",
                inference_geo=_geo(r),
                speed="fast" if product_bit == CODE and r.random() < 0.06 else "standard",
                counts=(*counts, web, 0),
                late_per_mille=r.randint(5, 50),
                hour_profile=user.hour_profile,
            )
        )
    return lines


def _code_execution(r: random.Random, user: int, profile: int) -> Line:
    spans = r.randint(1, 40)
    counts = (0, 0, 0, 0, 0, spans, 0, spans)
    return Line(user, None, None, None, None, None, counts, r.randint(5, 50), profile)


UNIFIED_PRODUCT = "chat_cowork_unified"


def seat_lines(seed: int, user: User, day: int, products: int) -> list[Line]:
    """The lines of one active seat user's day (`products` from the org's activity draw).

    Chat and Cowork usage of a member who has Chat and Cowork unified turned on is reported
    under `chat_cowork_unified` instead (SDK 2.17: "instead of `chat` or `cowork`")."""
    r = rng(seed, "spend", user.index, day)
    lines: list[Line] = []
    unified = day >= user.unified_from
    for bit in _PRODUCT_SCALE:
        if products & bit:
            made = _product_lines(r, user, bit, user.persona.models)
            if unified and bit in (CHAT, COWORK):
                made = [replace(line, product=UNIFIED_PRODUCT) for line in made]
            lines += made
    if products & (CODE | COWORK) and r.random() < 0.3:
        lines.append(_code_execution(r, user.index, user.hour_profile))
    return lines


def automation_lines(seed: int, bots: int, day: int, weekend: bool) -> list[Line]:
    """API-key and automation traffic no seat user owns: `product` "other" or null."""
    lines = []
    for bot in range(bots):
        if unit(seed, "bot", bot, day) > (0.5 if weekend else 0.95):
            continue
        r = rng(seed, "botday", bot, day)
        volume = r.lognormvariate(0.0, 0.4) * (1 + bot % 3)
        scale = (2_000_000, 6_000_000, 300_000, 0, 400_000, 900)
        counts = [int(s * volume * r.uniform(0.8, 1.2)) for s in scale]
        model = catalog.MODELS[1 + bot % 2]
        geo = _geo(r)
        lines.append(
            Line(
                NON_SEAT,
                "other",
                model,
                "0-200k",
                geo,
                "standard",
                (*counts, 0, 0),
                r.randint(5, 50),
                3,
            )
        )
        if r.random() < 0.4:
            lines.append(_code_execution(r, NON_SEAT, 3))
    return lines
