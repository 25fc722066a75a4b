"""The SQL tool reads the usage tables and nothing else: read-only, authorized, timed, capped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store.schema import open_store
from tools.sql_tool import ROW_CAP, TABLES, SqlRefused, run_select, schema_description


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    db = open_store(str(path))
    db.table("user_cost").insert_all(
        {"day": f"2026-11-{d:02d}", "user_id": f"u{u}", "product": "chat", "model": "m",
         "amount_microcents": 123_456_789 * u, "list_amount_microcents": 1, "requests": 1}
        for d in range(1, 11) for u in range(1, 31)
    )  # fmt: skip
    db.table("ask_turns").insert(
        {"thread": "t", "role": "user", "text": "secret", "tokens": 1, "at": "x"}
    )
    db.close()
    return path


def test_a_select_over_usage_tables_shows_money_in_dollars(store: Path) -> None:
    result = run_select(
        store,
        "SELECT user_id, sum(amount_microcents) AS spend_microcents FROM user_cost "
        "WHERE day >= '2026-11-01' GROUP BY user_id ORDER BY 2 DESC LIMIT 2",
    )
    assert result["columns"] == ["user_id", "spend_usd"]
    assert result["rows"] == [["u30", "$370.37"], ["u29", "$358.02"]]
    with_cte = run_select(store, "WITH t AS (SELECT user_id FROM user_cost) SELECT count(*) FROM t")
    assert with_cte["rows"] == [[300]]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM user_cost",
        "UPDATE user_cost SET requests = 0",
        "INSERT INTO directory (user_id) VALUES ('x')",
        "DROP TABLE user_cost",
        "CREATE TABLE x (a)",
        "SELECT * FROM ask_turns",
        "SELECT (SELECT text FROM ask_turns) FROM user_cost",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM pragma_table_info('user_cost')",
        "PRAGMA journal_mode = DELETE",
        "ATTACH DATABASE ':memory:' AS other",
        "SELECT load_extension('evil')",
        "SELECT 1; DELETE FROM user_cost",
    ],
)
def test_anything_but_a_read_of_the_usage_tables_is_refused(store: Path, sql: str) -> None:
    with pytest.raises(SqlRefused):
        run_select(store, sql)
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM user_cost").fetchone()[0] == 300


def test_the_store_is_opened_read_only(store: Path) -> None:
    """Even a statement the authorizer allowed could not write: the file is opened mode=ro."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM user_cost")
    conn.close()


def test_a_long_query_is_stopped_by_the_time_limit(store: Path) -> None:
    forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"
    with pytest.raises(SqlRefused, match=r"longer than 0\.2 s"):
        run_select(store, forever, time_limit=0.2)


def test_rows_are_capped(store: Path) -> None:
    result = run_select(store, "SELECT day, user_id FROM user_cost")
    assert result["row_count"] == ROW_CAP
    assert result["row_cap_hit"] is True


def test_the_description_lists_each_usage_table_and_no_other(store: Path) -> None:
    described = schema_description(store)
    assert described.splitlines()[0].startswith("user_cost(day, user_id, product, model")
    assert {line.split("(")[0] for line in described.splitlines()} == set(TABLES)
    assert "ask_turns" not in described
    assert "office_metrics__{excel,powerpoint,word,outlook}__message_count" in described
