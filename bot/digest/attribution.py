"""Movers and attribution: what changed between two sets of days, and who carried the change.

"+$1,240: 70 % from 3 people, mostly Claude Code" is computed as follows. The change is the
organisation's (or the product's) spend change, API keys included. People are seat users
ranked by their own change in that direction (`user_cost`); we take the fewest of them, at most
`MAX_PEOPLE`, whose changes add up to half the change or more, and say what part of it they
account for (more than all of it when others moved the other way). "Mostly X" names the product
that carried the largest part of those people's change, when it carried more than half of it.
A change under `MATERIAL_PERCENT` % of the period before is not attributed: when spend is flat,
"who moved it" has no answer, only people who rose and people who fell (both are listed).

Names of people appear only with `with_people`; the counts and products never name anyone.
Without names, products of fewer than five people are folded in the product moves and never
named as "mostly X" (`bot.digest.model.min_group`): a product one person uses names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from bot.digest.model import Attribution, Movers, ProductMove, min_group
from bot.reports import privacy
from bot.reports.labels import label_for
from bot.reports.people import identities
from bot.reports.periods import Period
from bot.reports.series import sum_parts
from bot.reports.spend import spend_series
from bot.reports.sql import day_list, per_user
from bot.reports.types import Delta, Mover

MAX_PEOPLE = 5
SHOWN = 3
MATERIAL_PERCENT = 5
_HALF = 50


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
    attribution = None
    if _material(change):
        assert change is not None
        net = int(change.current) - int(change.previous or 0)
        ranked = rising if net > 0 else falling
        attribution = _attribute(db, ranked, net, current, previous, product, smallest)
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
        attribution=attribution,
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


def _attribute(
    db: Database,
    ranked: Sequence[Change],
    change: int,
    current: Sequence[date],
    previous: Sequence[date],
    product: str | None,
    smallest: int | None,
) -> Attribution | None:
    chosen: list[Change] = []
    carried = 0
    for item in ranked[:MAX_PEOPLE]:
        chosen.append(item)
        carried += item[3]
        if abs(carried) * 100 >= abs(change) * _HALF:
            break
    if not chosen:
        return None
    share = round(carried * 100 / change)
    top, top_share = _main_product(db, [c[0] for c in chosen], current, previous, carried)
    if product is not None or (top is not None and _small(db, top, current, smallest)):
        top, top_share = None, None
    return Attribution(
        change_microcents=change,
        carried_microcents=carried,
        people=len(chosen),
        share_pct=share,
        product=top,
        product_label=None if top is None else label_for("product", top),
        product_share_pct=top_share,
    )


def _main_product(
    db: Database, users: list[str], current: Sequence[date], previous: Sequence[date], total: int
) -> tuple[str | None, int | None]:
    """The product carrying more than half of these people's change, if one does."""
    if total == 0:
        return None, None
    now_marks, now_params = day_list(current)
    all_marks, all_params = day_list([*current, *previous])
    user_marks = ",".join("?" * len(users))
    rows = db.execute(
        f"SELECT product, sum(CASE WHEN day IN ({now_marks}) THEN amount_microcents "  # noqa: S608
        "ELSE -amount_microcents END) FROM user_cost "
        f"WHERE user_id IN ({user_marks}) AND day IN ({all_marks}) GROUP BY product",
        (*now_params, *users, *all_params),
    ).fetchall()
    by_product = {str(p): int(v) for p, v in rows}
    best = max(by_product.items(), key=lambda item: (item[1] * (1 if total > 0 else -1), item[0]))
    share = round(best[1] * 100 / total)
    return (best[0], share) if share > _HALF else (None, None)


def _small(db: Database, product: str, days: Sequence[date], smallest: int | None) -> bool:
    """Whether fewer than `smallest` people used `product` on `days` (never, without a limit)."""
    if smallest is None:
        return False
    people = privacy.people_per_key(db, "user_cost", "product", days)
    return bool(privacy.small_keys(people, [product], smallest))


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
