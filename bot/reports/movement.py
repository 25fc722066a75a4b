"""The people behind adoption's new and lapsed counts (`adoption --people new|lapsed`).

Adoption counts who is new (active in the period, not in the one before) and who lapsed
(active before, not now); admins can ask *who*, which is what "who started using Claude Code
last week?" and "who hasn't used Claude in 30 days?" mean. Without a product the list is the
count's own people: `/users` rows marked active (`bot.reports.actives`), over the same synced,
aligned days, so its length is adoption's number. With `--product` a person counts as using
that product on a day they have spend in it (`user_cost`, the only per-user source that names
every product), so "new in Claude Code" reads as "spent in Claude Code in the period and not in
the one before".
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlite_utils import Database

from bot.reports import coverage
from bot.reports.people import identities
from bot.reports.periods import Period
from bot.reports.sql import day_list
from bot.reports.types import MovedPerson, PeopleMovement

Movement = Literal["new", "lapsed"]


def movement(
    db: Database, period: Period, kind: Movement, *, product: str | None = None
) -> tuple[PeopleMovement | None, list[str]]:
    """Who is `kind` in `period` against the period before, and notes; None when either side
    has no synced days to compare."""
    dataset, what = ("users", "Per-user activity") if product is None else ("user_cost", "Spend")
    now = coverage.coverage(db, dataset, period)
    if not now.any:
        return None, [f"{what} is not synced for this period, so I can't list {kind} people."]
    before = coverage.aligned(db, dataset, now, period.previous())
    if before is None:
        return None, [
            f"{what} is not synced for the previous period, so I can't tell who is {kind}."
        ]
    current, previous = sorted(now.days), list(before.days)
    wanted = 0 if kind == "new" else 1  # the side they are active on; the other is empty
    moved: list[tuple[str, tuple[date, date]]] = []
    for uid, sides in _spans(db, current, previous, product).items():
        mine, other = sides[wanted], sides[1 - wanted]
        if mine is not None and other is None:
            moved.append((uid, mine))
    people = identities(db, [uid for uid, _ in moved])
    rows = [
        MovedPerson(
            user_id=uid,
            email=people[uid].email,
            name=people[uid].name,
            first_active=first,
            last_active=last,
        )
        for uid, (first, last) in moved
    ]
    rows.sort(key=lambda r: (r.first_active if kind == "new" else r.last_active, r.name or ""))
    return (
        PeopleMovement(
            kind=kind,
            product=product,
            current=Period.between(current[0], current[-1]),
            previous=Period.between(previous[0], previous[-1]),
            people=tuple(rows),
        ),
        [],
    )


Span = tuple[date, date] | None


def _spans(
    db: Database, current: list[date], previous: list[date], product: str | None
) -> dict[str, tuple[Span, Span]]:
    """Per person: (first, last) day active among `current`, and among `previous`."""
    cur_marks, cur_params = day_list(current)
    prev_marks, prev_params = day_list(previous)
    if product is None:
        table, where, extra = "user_activity", "is_active = 1", []
    else:
        table, where, extra = "user_cost", "product = ? AND amount_microcents > 0", [product]
    rows = db.execute(
        f"""
        SELECT user_id,
            min(CASE WHEN day IN ({cur_marks}) THEN day END),
            max(CASE WHEN day IN ({cur_marks}) THEN day END),
            min(CASE WHEN day IN ({prev_marks}) THEN day END),
            max(CASE WHEN day IN ({prev_marks}) THEN day END)
        FROM [{table}]
        WHERE {where} AND (day IN ({cur_marks}) OR day IN ({prev_marks}))
        GROUP BY user_id
        """,  # noqa: S608 - fixed fragments; values are bound
        (
            *cur_params, *cur_params, *prev_params, *prev_params,
            *extra, *cur_params, *prev_params,
        ),
    ).fetchall()  # fmt: skip

    def span(first: str | None, last: str | None) -> Span:
        return None if first is None or last is None else (_day(first), _day(last))

    return {uid: (span(a, b), span(c, d)) for uid, a, b, c, d in rows}


def _day(text: str) -> date:
    return date.fromisoformat(text)
