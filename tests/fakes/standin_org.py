"""The stand-in's small organisation: who exists, who was active on which day, what it cost.

Written from the prose of /work/shared/analytics-api.md only (never from the bot's models or its
simulator), so that tests against it can catch assumptions the two of them share by construction.

Every number comes from a `random.Random` seeded with a string naming (seed, what, which day), so
any day can be computed on its own, in any order, and one config always yields the same world.
Money is kept in integer micro-cents (1e-6 ¢) end to end: every aggregate is a sum of the same
atoms, so grouped rows add up to the ungrouped total exactly.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

EARLIEST = date(2026, 1, 1)
"""Nothing before this day exists on any endpoint (reference 1, "earliest data")."""

DEFAULT_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PRODUCTS = ("chat", "claude_code", "cowork", "office_agent", "claude_in_chrome")
MODELS = ("claude-opus-5", "claude-sonnet-5", "claude-haiku-5")
TOKEN_TYPES = (
    "uncached_input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
)
# List prices in cents per million tokens, per model and token type (made up, same ratios as
# public pricing). Tokens × this = micro-cents, an integer.
_PRICES = {
    "claude-opus-5": (500, 2500, 50, 625, 1000),
    "claude-sonnet-5": (300, 1500, 30, 375, 600),
    "claude-haiku-5": (100, 500, 10, 125, 200),
}
_WEB_SEARCH_MICRO = 1_000_000  # 1 ¢ per search: whole cents, so some amounts are integers
_CODE_EXEC_MICRO = 500_000  # 0.5 ¢ per execution span
_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@dataclass(frozen=True)
class StandinConfig:
    """What a test may vary. `now` is the stand-in's whole clock: nothing reads the wall time."""

    users: int = 25
    seed: int = 7
    now: datetime = DEFAULT_NOW
    lag_days: int = 3
    """Engagement days later than today − lag_days are rejected with 400 (reference 0)."""
    page_cap: int = 7
    """The server's own page size: `limit` above it is ignored (rows, or buckets)."""
    api_key: str = "standin-key"
    organization_id: str = "org_01StandinOrg7Kw7fetjn6cF"

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()

    @property
    def latest_engagement_day(self) -> date:
        return self.today - timedelta(days=self.lag_days)

    @property
    def refreshed_at(self) -> datetime:
        """`data_refreshed_at`: now truncated to a 4-hour boundary (the export cadence, 1.2)."""
        now = self.now.astimezone(UTC)
        return now.replace(hour=now.hour - now.hour % 4, minute=0, second=0, microsecond=0)


def rng(seed: int, *parts: object) -> random.Random:
    """A generator private to one question; str seeds hash stably across processes."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def tagged_id(seed: int, prefix: str, *parts: object) -> str:
    r = rng(seed, "id", prefix, *parts)
    return prefix + "01" + "".join(r.choice(_B62) for _ in range(24))


@dataclass(frozen=True)
class Person:
    index: int
    user_id: str
    email: str
    name: str
    deleted_on: date | None
    """Last day is the day before; from then on the actor shows `deleted: true`, email null."""
    email_hidden: bool
    """A live account whose actor email is "unavailable" (null) in cost/usage rows."""
    propensity: float
    products: tuple[str, ...]


@dataclass(frozen=True)
class UsageAtom:
    """Tokens of one actor (None = API-key/automation traffic) × product × model on one day."""

    user_id: str | None
    product: str | None
    model: str | None
    uncached_input_tokens: int
    cache_read_input_tokens: int
    ephemeral_5m_input_tokens: int
    ephemeral_1h_input_tokens: int
    output_tokens: int
    web_search_requests: int
    requests: int

    @property
    def total_tokens(self) -> int:
        return (
            self.uncached_input_tokens
            + self.cache_read_input_tokens
            + self.ephemeral_5m_input_tokens
            + self.ephemeral_1h_input_tokens
            + self.output_tokens
        )

    def token_counts(self) -> tuple[int, int, int, int, int]:
        """In TOKEN_TYPES order."""
        return (
            self.uncached_input_tokens,
            self.output_tokens,
            self.cache_read_input_tokens,
            self.ephemeral_5m_input_tokens,
            self.ephemeral_1h_input_tokens,
        )


@dataclass(frozen=True)
class CostAtom:
    user_id: str | None
    product: str | None
    model: str | None
    cost_type: str
    token_type: str | None
    amount_micro: int
    list_micro: int
    requests: int
    """Carried once per usage atom (on its uncached-input cost), so any sum not split by
    cost_type/token_type equals the usage requests."""


_FIRST = ("Ada", "Alan", "Grace", "Eve <!here>", "Bob *Bold*", "Chloé", "Dmitri", "Femi", "Hana")
_LAST = ("Lovelace", "Turing", "Hopper", "Example", "O'Brien", "Müller", "Ng", "Okafor", "Sato")


def _people(config: StandinConfig) -> tuple[Person, ...]:
    width = max(2, len(str(config.users)))
    people = []
    for index in range(1, config.users + 1):
        r = rng(config.seed, "person", index)
        deleted_on = None
        if index % 8 == 5:  # 5, 13, 21, …: one left days ago, others earlier in the year
            back = 4 + 37 * (index // 8) + r.randint(0, 5)
            deleted_on = max(config.today - timedelta(days=back), EARLIEST + timedelta(days=20))
        products = ["chat"] + [
            p for p, w in zip(PRODUCTS[1:], (0.6, 0.3, 0.25, 0.15), strict=True) if r.random() < w
        ]
        people.append(
            Person(
                index=index,
                user_id=tagged_id(config.seed, "user_", index),
                email=f"person{index:0{width}d}@standin.example",
                name=f"{_FIRST[index % len(_FIRST)]} {_LAST[(index * 5) % len(_LAST)]}",
                deleted_on=deleted_on,
                email_hidden=index % 11 == 9,
                propensity=r.uniform(0.35, 0.95),
                products=tuple(products),
            )
        )
    return tuple(people)


class Org:
    """The org of one config. Day-level results are cached; all of it is pure and thread-safe
    enough (a race computes the same value twice)."""

    def __init__(self, config: StandinConfig, people: tuple[Person, ...] | None = None) -> None:
        self.config = config
        self.seed = config.seed
        # Departures are placed relative to the first `now`; a moved clock keeps them.
        self.people = _people(config) if people is None else people
        self.by_id = {p.user_id: p for p in self.people}
        self._active: dict[date, dict[str, tuple[str, ...]]] = {}
        self._usage: dict[date, tuple[UsageAtom, ...]] = {}
        self._costs: dict[date, tuple[CostAtom, ...]] = {}

    def deleted_now(self, person: Person) -> bool:
        return person.deleted_on is not None and person.deleted_on <= self.config.today

    def active(self, day: date) -> dict[str, tuple[str, ...]]:
        """user_id → products used that day, for users with token consumption only."""
        cached = self._active.get(day)
        if cached is not None:
            return cached
        result: dict[str, tuple[str, ...]] = {}
        weekend = day.weekday() >= 5
        for person in self.people:
            if person.deleted_on is not None and day >= person.deleted_on:
                continue
            r = rng(self.seed, "active", person.index, day)
            if r.random() >= person.propensity * (0.3 if weekend else 1.0):
                continue
            used = tuple(p for p in person.products if r.random() < 0.65)
            result[person.user_id] = used or person.products[:1]
        self._active[day] = result
        return result

    def active_between(self, first: date, last: date) -> set[str]:
        users: set[str] = set()
        day = max(first, EARLIEST)
        while day <= last:
            users.update(self.active(day))
            day += timedelta(days=1)
        return users

    def seats(self, day: date) -> int:
        return sum(1 for p in self.people if p.deleted_on is None or p.deleted_on > day)

    # cost & usage ---------------------------------------------------------------------------
    def fraction(self, day: date) -> Fraction:
        """Share of `day` already in the export: 1 for past days, partial today, 0 after."""
        refreshed = self.config.refreshed_at
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if refreshed >= start + timedelta(days=1):
            return Fraction(1)
        if refreshed <= start:
            return Fraction(0)
        return Fraction(int((refreshed - start).total_seconds()), 86_400)

    def usage_atoms(self, day: date) -> tuple[UsageAtom, ...]:
        full = self._usage.get(day)
        if full is None:
            full = self._full_day_usage(day)
            self._usage[day] = full
        share = self.fraction(day)
        if share == 1:
            return full
        if share == 0:
            return ()
        return tuple(_scaled(a, share) for a in full)

    def _full_day_usage(self, day: date) -> tuple[UsageAtom, ...]:
        atoms: list[UsageAtom] = []
        for user_id, products in self.active(day).items():
            for product in products:
                atoms.extend(self._product_atoms(user_id, product, day))
        r = rng(self.seed, "automation", day)  # API-key traffic: bucketed endpoints only
        atoms.append(_tokens_atom(r, None, "claude_code", "claude-sonnet-5", 4.0))
        if r.random() < 0.5:
            atoms.append(_tokens_atom(r, None, "other", "claude-haiku-5", 0.5))
        return tuple(atoms)

    def _product_atoms(self, user_id: str, product: str, day: date) -> list[UsageAtom]:
        r = rng(self.seed, "usage", user_id, product, day)
        weights = (0.5, 0.35, 0.15) if product == "claude_code" else (0.15, 0.6, 0.25)
        models = sorted(set(r.choices(MODELS, weights=weights, k=r.randint(1, 2))))
        scale = {"claude_code": 3.0, "cowork": 1.5}.get(product, 1.0)
        atoms = [_tokens_atom(r, user_id, product, model, scale) for model in models]
        if product == "claude_code" and r.random() < 0.3:  # sandbox spans: product/model null
            atoms.append(UsageAtom(user_id, None, None, 0, 0, 0, 0, 0, 0, r.randint(1, 12)))
        return atoms

    def cost_atoms(self, day: date) -> tuple[CostAtom, ...]:
        if self.fraction(day) != 1:
            return tuple(c for atom in self.usage_atoms(day) for c in _costs(atom))
        cached = self._costs.get(day)
        if cached is None:
            cached = tuple(c for atom in self.usage_atoms(day) for c in _costs(atom))
            self._costs[day] = cached
        return cached


def _tokens_atom(
    r: random.Random, user_id: str | None, product: str, model: str, scale: float
) -> UsageAtom:
    uncached = int(r.randint(2_000, 300_000) * scale)
    web = r.randint(0, 15) if product == "chat" and r.random() < 0.4 else 0
    return UsageAtom(
        user_id=user_id,
        product=product,
        model=model,
        uncached_input_tokens=uncached,
        cache_read_input_tokens=int(uncached * r.uniform(0.0, 4.0)),
        ephemeral_5m_input_tokens=int(uncached * r.uniform(0.0, 0.3)) if r.random() < 0.6 else 0,
        ephemeral_1h_input_tokens=int(uncached * r.uniform(0.0, 0.1)) if r.random() < 0.2 else 0,
        output_tokens=int(uncached * r.uniform(0.05, 0.5)),
        web_search_requests=web,
        requests=r.randint(1, 60) * (2 if product == "claude_code" else 1),
    )


def _scaled(atom: UsageAtom, share: Fraction) -> UsageAtom:
    def s(value: int) -> int:
        return value * share.numerator // share.denominator

    return UsageAtom(
        atom.user_id,
        atom.product,
        atom.model,
        s(atom.uncached_input_tokens),
        s(atom.cache_read_input_tokens),
        s(atom.ephemeral_5m_input_tokens),
        s(atom.ephemeral_1h_input_tokens),
        s(atom.output_tokens),
        s(atom.web_search_requests),
        s(atom.requests),
    )


def _costs(atom: UsageAtom) -> list[CostAtom]:
    """Cost components of one usage atom: tokens at 20 % off list, web search and code execution
    (whose rows have model/product as the usage had them — null for sandbox spans)."""
    key = (atom.user_id, atom.product, atom.model)
    if atom.model is None:
        list_micro = atom.requests * _CODE_EXEC_MICRO
        return [
            CostAtom(*key, "code_execution", None, list_micro * 9 // 10, list_micro, atom.requests)
        ]
    out = []
    prices = _PRICES[atom.model]
    for position, (token_type, tokens) in enumerate(
        zip(TOKEN_TYPES, atom.token_counts(), strict=True)
    ):
        requests = atom.requests if position == 0 else 0
        if tokens == 0 and requests == 0:
            continue
        list_micro = tokens * prices[position]
        out.append(CostAtom(*key, "tokens", token_type, list_micro * 4 // 5, list_micro, requests))
    if atom.web_search_requests:
        micro = atom.web_search_requests * _WEB_SEARCH_MICRO
        out.append(CostAtom(*key, "web_search", None, micro, micro, 0))
    return out
