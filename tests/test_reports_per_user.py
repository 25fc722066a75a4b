"""Per-user sums and active sets read each user's days from an index (`bot.reports.sql`).

They must give exactly what the plain `GROUP BY user_id` / `DISTINCT user_id` queries give, on
contiguous days, on days with gaps, and with filters; and a store created before migration m002
gets its indexes when opened again.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.reports.actives import active_sets
from bot.reports.sql import day_list, per_user
from bot.store.schema import migrations, open_store
from tests.report_factories import d

START = d("2026-10-01")
SUMS = ("sum(amount_microcents)", "sum(list_amount_microcents)", "sum(requests)")


@pytest.fixture(scope="module")
def db() -> Database:
    rnd = random.Random(7)
    store = open_store(":memory:")
    cost, activity = [], []
    for offset in range(40):
        day = (START + timedelta(days=offset)).isoformat()
        for user in range(60):
            uid = f"user_{user:03d}"
            if rnd.random() < 0.6:
                activity.append({"day": day, "user_id": uid, "is_active": int(rnd.random() < 0.7)})
            for product in ("chat", "claude_code"):
                if rnd.random() < 0.4:
                    cost.append(
                        {
                            "day": day,
                            "user_id": uid,
                            "product": product,
                            "model": "claude-opus-5",
                            "amount_microcents": rnd.randint(-5, 10**9),
                            "list_amount_microcents": rnd.randint(0, 10**9),
                            "requests": rnd.choice([None, rnd.randint(0, 50)]),
                        }
                    )
    store.table("user_cost").insert_all(cost)
    store.table("user_activity").insert_all(activity)
    return store


def _days(*ranges: tuple[int, int]) -> list[date]:
    return [START + timedelta(days=i) for first, last in ranges for i in range(first, last + 1)]


@pytest.mark.parametrize(
    ("days", "where", "params"),
    [
        (_days((0, 29)), "", []),
        (_days((3, 5), (9, 20), (33, 33)), "", []),
        (_days((0, 39)), " AND product = ?", ["claude_code"]),
        (_days((40, 45)), "", []),
    ],
)
def test_per_user_sums_equal_group_by(
    db: Database, days: list[date], where: str, params: list[str]
) -> None:
    marks, day_params = day_list(days)
    expected = {
        uid: tuple(sums)
        for uid, *sums in db.execute(
            f"SELECT user_id, {', '.join(SUMS)} FROM user_cost "  # noqa: S608
            f"WHERE day IN ({marks}){where} GROUP BY user_id",
            (*day_params, *params),
        )
    }
    got = per_user(db, SUMS, days, where=where, where_params=params)
    assert {uid: sums for uid, sums in got if sums[0] is not None} == expected
    assert len(got) == len({uid for (uid,) in db.execute("SELECT DISTINCT user_id FROM user_cost")})


def _active(db: Database, days: list[date]) -> set[str]:
    marks, params = day_list(days)
    return {
        uid
        for (uid,) in db.execute(
            f"SELECT DISTINCT user_id FROM user_activity WHERE day IN ({marks}) AND is_active = 1",  # noqa: S608
            params,
        )
    }


@pytest.mark.parametrize(
    ("now", "before"),
    [
        (_days((20, 39)), _days((0, 19))),
        (_days((30, 31), (35, 39)), _days((10, 11), (15, 19))),
        (_days((20, 39)), None),
    ],
)
def test_active_sets_equal_distinct_users(
    db: Database, now: list[date], before: list[date] | None
) -> None:
    found = active_sets(db, now, before)
    current = _active(db, now)
    assert found.current == len(current)
    if before is None:
        assert (found.previous, found.new, found.returning, found.lapsed) == (None,) * 4
        return
    previous = _active(db, before)
    assert (found.previous, found.new, found.returning, found.lapsed) == (
        len(previous),
        len(current - previous),
        len(current & previous),
        len(previous - current),
    )


def test_a_store_from_before_m002_gets_the_per_user_indexes(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    old = Database(path)
    migrations.apply(old, stop_before="m002_per_user_indexes")
    assert "idx_user_cost_by_user" not in {i.name for i in old.table("user_cost").indexes}
    old.close()
    store = open_store(path)
    cost = {i.name: i.columns for i in store.table("user_cost").indexes}
    activity = {i.name: i.columns for i in store.table("user_activity").indexes}
    assert cost["idx_user_cost_by_user"][:2] == ["user_id", "day"]
    assert activity["idx_user_activity_by_user"] == ["user_id", "day", "is_active"]
    assert "idx_user_cost_user_id_day" not in cost
    assert "idx_user_activity_user_id_day" not in activity
