"""Small SQL helpers shared by the report modules: placeholders for day lists, per-user sums.

Per-user questions over a period ("each user's spend", "who was active") are answered without
`GROUP BY user_id` / `DISTINCT user_id`, which sort every row of the period in a temp B-tree
(10k users × 30 days is ~400k rows). Instead `users_cte` walks the distinct user ids of a table
through its `(user_id, day, …)` index (one seek per user, a hand-made skip-scan), and a
correlated subquery reads each user's day range straight from that covering index (migration
m002). The answer is the same; the cost is a seek per user instead of a sort of every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlite_utils import Database


def day_list(days: Iterable[date]) -> tuple[str, list[str]]:
    """`?,?,?` and the ISO days to bind, for `day IN (…)` (never empty: `''` matches no day)."""
    params = [day.isoformat() for day in days]
    if not params:
        return "?", [""]
    return ",".join("?" * len(params)), params


def day_range(days: Iterable[date]) -> tuple[str, list[str]]:
    """`day BETWEEN ? AND ?` over `days` (non-empty), plus a row filter when they have gaps.

    A range lets the index seek once per user; `+day IN (…)` (the `+` keeps SQLite from seeking
    each day instead) drops rows of days in between that are not asked for.
    """
    chosen = sorted(set(days))
    first, last = chosen[0].isoformat(), chosen[-1].isoformat()
    if (chosen[-1] - chosen[0]).days + 1 == len(chosen):
        return "day BETWEEN ? AND ?", [first, last]
    marks, params = day_list(chosen)
    return f"day BETWEEN ? AND ? AND +day IN ({marks})", [first, last, *params]


def users_cte(table: str) -> str:
    """`users(id)`: the distinct user ids of `table`, one index seek each (a RECURSIVE CTE)."""
    return f"""users(id) AS (
            SELECT min(user_id) FROM [{table}]
            UNION ALL
            SELECT (SELECT min(user_id) FROM [{table}] WHERE user_id > users.id)
            FROM users WHERE id IS NOT NULL
        )"""  # noqa: S608 - a table name chosen by the caller


def per_user(
    db: Database,
    sums: Sequence[str],
    days: Iterable[date],
    *,
    sum_params: Sequence[object] = (),
    where: str = "",
    where_params: Sequence[object] = (),
) -> list[tuple[str, tuple[int | None, ...]]]:
    """`sums` (SQL aggregates over `user_cost`) for every seat user, over `days` and `where`.

    The same answer as `SELECT user_id, <sums> FROM user_cost WHERE day IN (…) GROUP BY user_id`
    (see the module docstring for why it is not written so). Users without rows on `days` get
    all-None sums. `where` starts with ` AND` and may only name user_cost columns; `sum_params`
    bind the placeholders inside `sums`.
    """
    chosen = list(days)
    if not sums or not chosen:
        return []
    in_range, range_params = day_range(chosen)
    picked = ", ".join(f"json_extract(sums, '$[{i}]')" for i in range(len(sums)))
    rows = db.execute(
        f"""
        WITH RECURSIVE {users_cte("user_cost")}, per AS MATERIALIZED (
            SELECT id, (
                SELECT json_array({", ".join(sums)}) FROM user_cost
                WHERE user_id = users.id AND {in_range}{where}
            ) AS sums
            FROM users WHERE id IS NOT NULL
        )
        SELECT id, {picked} FROM per
        """,  # noqa: S608 - callers pass fixed SQL fragments; values are bound
        (*sum_params, *range_params, *where_params),
    ).fetchall()
    return [(row[0], tuple(row[1:])) for row in rows]
