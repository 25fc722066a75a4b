"""Speed without a stopwatch: every query a report runs reaches the big tables through an index.

The per-day tables grow with users × days (10k × 365 is millions of rows), so a full scan is
the one mistake that turns a 100 ms answer into seconds. Each report runs with SQLite's trace
hook on, then every statement it ran is explained: none may SCAN a per-day table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.reports.commands import parse_command, run_command
from tests.report_factories import TODAY, StoreBuilder, days

BIG_TABLES = (
    "user_cost",
    "user_usage",
    "user_activity",
    "cost_buckets",
    "usage_buckets",
    "summaries",
)


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder().person("u1", "ada@x.com", "Ada")
    for day in days("2026-10-01", "2026-11-24"):
        s.cost(day, "1").usage(day, uncached=1).summary(day, dau=1, wau=1, mau=1, seats=2)
        s.user_cost(day, "u1", "1").user_usage(day, "u1", uncached=1).activity(day, "u1")
    return s


def plans(db: Any, run: Callable[[], object]) -> list[tuple[str, str]]:
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    out = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql):
            out.append((sql, row[3]))
    return out


@pytest.mark.parametrize(
    "words",
    [
        "top-spenders 30d",
        "top-spenders 30d --product chat --list",
        "compare week",
        "compare month",
        "spend 30d by product",
        "tokens 30d by model",
        "adoption 30d",
        "user ada@x.com 30d",
        "finance",
    ],
)
def test_reports_never_scan_per_day_tables(store: StoreBuilder, words: str) -> None:
    command = parse_command(words, today=TODAY)
    found = plans(store.db, lambda: run_command(command, store.db, today=TODAY, seat_price_cents=1))
    assert found, "the trace hook saw no queries"
    scans = [
        (sql, detail)
        for sql, detail in found
        if detail.startswith("SCAN") and detail.split()[1] in BIG_TABLES
    ]
    assert scans == []


@pytest.mark.parametrize(
    "words",
    [
        "top-spenders 30d",
        "top-spenders 30d --product chat --list",
        "export top-spenders 30d",
        "compare week",
        "compare month",
        "adoption 30d",
        "user ada@x.com 30d",
    ],
)
def test_per_user_reports_do_not_sort_every_row(store: StoreBuilder, words: str) -> None:
    """Summing each of 10k users over a month with GROUP BY / DISTINCT sorts every row of the
    period in a temp B-tree (the cost of `top-spenders` and `compare`); these reports seek each
    user's days through the (user_id, day, …) indexes instead (`bot.reports.sql.per_user`)."""
    command = parse_command(words, today=TODAY)
    found = plans(store.db, lambda: run_command(command, store.db, today=TODAY, seat_price_cents=1))
    sorts = [
        (sql, detail)
        for sql, detail in found
        if any(f"FROM {t}" in sql or f"FROM [{t}]" in sql for t in ("user_cost", "user_activity"))
        and "user_id = '" not in sql  # one person's rows are few; sorting them is fine
        and detail.startswith("USE TEMP B-TREE FOR")
        and "ORDER BY" not in detail
    ]
    assert sorts == []


def test_top_spenders_searches_user_cost_by_day_index(store: StoreBuilder) -> None:
    command = parse_command("top-spenders 30d", today=TODAY)
    found = plans(
        store.db, lambda: run_command(command, store.db, today=TODAY, seat_price_cents=None)
    )
    user_cost = [
        detail for sql, detail in found if "FROM user_cost" in sql and "user_cost" in detail
    ]
    assert any(
        "SEARCH user_cost USING" in d and "INDEX" in d and "day>?" in d for d in user_cost
    ), user_cost


def test_the_check_catches_a_full_scan(store: StoreBuilder) -> None:
    found = plans(
        store.db,
        lambda: store.db.execute(
            "SELECT sum(amount_microcents) FROM user_cost WHERE requests > 0"
        ).fetchall(),
    )
    assert ("SCAN user_cost") in [detail for _, detail in found]
