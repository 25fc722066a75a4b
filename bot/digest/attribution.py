"""Movers: what changed between two sets of days, both ways, and never pinned on one person.

A net change is the sum of many moves: "+$452.86" may be $2,310 more from 14 people and $1,857
less from 11 others. Naming the one person whose rise equals most of the net would read as "they
caused it" while others moved as much the other way. So a digest shows both ways:

    Up      14 people  +$2,310.40   5 biggest +$1,530.10
    Down    11 people  −$1,857.54   5 biggest −$1,080.00
    Not tied to a seat   +$0.00     (API keys, automation: the rest of the net change)

People are seat users with a change in their own spend (`user_cost`, in the product for a
product digest); the net change is the headline's (organisation or product, API keys included).
A net change under `MATERIAL_PERCENT` % of the days before is called small.

Names appear only with `with_people` (the biggest three each way). Without names a digest is
what any member may see (`bot.reports.privacy`): a group of fewer than five people is counted
but its amount is not shown, the "5 biggest" are summed only when the rest of their group is
five people or more too, and products of fewer than five people are folded in the product moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from bot.digest.model import MoverGroup, Movers, ProductMove, min_group
from bot.reports import privacy
from bot.reports.labels import label_for
from bot.reports.people import identities
from bot.reports.periods import Period
from bot.reports.series import sum_parts
from bot.reports.spend import spend_series
from bot.reports.sql import day_list, per_user
from bot.reports.types import Delta, Mover

SHOWN = 3
MATERIAL_PERCENT = 5


def movers(
    db: Database,
    current: Sequence[date],
    previous: Sequence[date],
    *,
    change: Delta | None,
    product: str | None = None,
    with_people: bool = False,
) -> Movers | None:
    """Movers between `current` and `previous` (synced days of each); None without both.
    `change` is the headline spend now vs before (org or product)."""
    if not current or not previous:
        return None
    changes = _user_changes(db, current, previous, product)
    rising = sorted((c for c in changes if c[3] > 0), key=lambda c: (-c[3], c[0]))
    falling = sorted((c for c in changes if c[3] < 0), key=lambda c: (c[3], c[0]))
    smallest = min_group(with_people)
    net = None
    if change is not None and change.previous is not None:
        net = int(change.current) - int(change.previous)
    seats = sum(c[3] for c in changes)
    products_up: tuple[ProductMove, ...] = ()
    products_down: tuple[ProductMove, ...] = ()
    if product is None:
        products_up, products_down = _product_moves(db, current, previous, smallest)
    people_up: tuple[Mover, ...] = ()
    people_down: tuple[Mover, ...] = ()
    if with_people:
        people_up = _named(db, rising[:SHOWN])
        people_down = _named(db, falling[:SHOWN])
    return Movers(
        change_microcents=net,
        material=_material(change),
        up=_group(rising, smallest),
        down=_group(falling, smallest),
        not_seat_microcents=None if net is None else net - seats,
        products_up=products_up,
        products_down=products_down,
        people_up=people_up,
        people_down=people_down,
    )


def _material(change: Delta | None) -> bool:
    if change is None or change.previous is None or not change.previous:
        return False
    net = int(change.current) - int(change.previous)
    return net != 0 and abs(net) * 100 >= abs(int(change.previous)) * MATERIAL_PERCENT


Change = tuple[str, int, int, int]
"""(user id, current, previous, change) in micro-cents."""


def _group(ranked: Sequence[Change], smallest: int | None) -> MoverGroup | None:
    """One direction's movers together (see the module docstring for what a group without
    names may show); None when nobody moved that way."""
    if not ranked:
        return None
    total = sum(c[3] for c in ranked)
    if smallest is None:
        return MoverGroup(people=len(ranked), change_microcents=total)
    if len(ranked) < smallest:
        return MoverGroup(people=len(ranked), change_microcents=None)
    top = None
    if len(ranked) >= 2 * smallest:
        top = sum(c[3] for c in ranked[:smallest])
    return MoverGroup(
        people=len(ranked),
        change_microcents=total,
        top_people=None if top is None else smallest,
        top_change_microcents=top,
    )


def _user_changes(
    db: Database, current: Sequence[date], previous: Sequence[date], product: str | None
) -> list[Change]:
    marks, params = day_list(current)
    where, where_params = ("", []) if product is None else (" AND product = ?", [product])
    rows = per_user(
        db,
        (
            f"sum(CASE WHEN day IN ({marks}) THEN amount_microcents ELSE 0 END)",
            f"sum(CASE WHEN day IN ({marks}) THEN 0 ELSE amount_microcents END)",
        ),
        [*previous, *current],
        sum_params=(*params, *params),
        where=where,
        where_params=where_params,
    )
    return [
        (uid, int(now), int(before), int(now) - int(before))
        for uid, (now, before) in rows
        if now is not None and before is not None and now != before
    ]


def _product_moves(
    db: Database, current: Sequence[date], previous: Sequence[date], smallest: int | None
) -> tuple[tuple[ProductMove, ...], tuple[ProductMove, ...]]:
    """Products by their change. Products used by fewer than `smallest` people on the current
    days are folded in both periods, as `spend_series` folds a member's breakdown and its
    comparison; that includes a product only the previous days had (nobody uses it now)."""

    def parts(days: Sequence[date]) -> privacy.Parts:
        series = spend_series(db, Period.between(min(days), max(days)), by="product")
        wanted = set(days)
        return {p.day: dict(p.parts) for p in series.points if p.day in wanted}

    now_parts, before_parts = parts(current), parts(previous)
    if smallest is not None:
        keys = set(sum_parts(now_parts)) | set(sum_parts(before_parts))
        people = privacy.people_per_key(db, "user_cost", "product", current)
        small = privacy.small_keys(people, keys, smallest)
        now_parts, before_parts = privacy.fold(now_parts, small), privacy.fold(before_parts, small)
    now, before = sum_parts(now_parts), sum_parts(before_parts)
    moves = [
        ProductMove(
            key=key,
            label=label_for("product", key),
            current_microcents=now.get(key, 0),
            previous_microcents=before.get(key, 0),
        )
        for key in sorted(set(now) | set(before))
    ]
    up = sorted((m for m in moves if m.change_microcents > 0), key=lambda m: -m.change_microcents)
    down = sorted((m for m in moves if m.change_microcents < 0), key=lambda m: m.change_microcents)
    return tuple(up[:SHOWN]), tuple(down[:SHOWN])


def _named(db: Database, changes: Sequence[Change]) -> tuple[Mover, ...]:
    people = identities(db, [c[0] for c in changes])
    return tuple(
        Mover(
            user_id=uid,
            email=people[uid].email,
            name=people[uid].name,
            current_microcents=now,
            previous_microcents=before,
            change_microcents=change,
        )
        for uid, now, before, change in changes
    )
