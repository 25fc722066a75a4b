"""The SQL tool reads the usage tables and nothing else: read-only, authorized, timed, capped."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store.schema import open_store
from tools.handlers import GENERIC_FAILURE, ToolContext, run_tool
from tools.report_tools import Asker
from tools.sql_tool import (
    MAX_CELL,
    NOT_FINITE,
    NOT_TEXT,
    ROW_CAP,
    TABLES,
    SqlRefused,
    run_select,
    schema_description,
)


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


GROW = (  # one string that doubles up to 32,768 characters, then stays, for many rows
    "WITH RECURSIVE c(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, CASE WHEN length(s) "
    "< 32768 THEN s || s ELSE s END FROM c WHERE n < 1000000)"
)
HEAVY = {
    "printf": "SELECT printf('%.*c', 900000000, 'x')",
    "zeroblob": "SELECT zeroblob(1000000000)",
    "randomblob": "SELECT hex(randomblob(500000000))",
    "doubling": "WITH RECURSIVE c(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM c "
    "WHERE n < 40) SELECT n, length(s) FROM c",
    "replace": "WITH RECURSIVE c(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM c "
    "WHERE n < 16) SELECT length(replace(s, 'x', 'xxxxxxxxxx')) FROM c",
    "wide rows": GROW + " SELECT " + ", ".join(f"s AS c{i}" for i in range(150)) + " FROM c",  # noqa: S608
    "instr": "WITH RECURSIVE c(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM c "  # noqa: S608
    "WHERE n < 16), b(s) AS (SELECT max(s) FROM c), k(n) AS (SELECT 1 UNION ALL SELECT n + 1 "
    "FROM k WHERE n < 100000) SELECT "
    + ", ".join(f"instr(s || s, substr(s, 1, 16384) || 'y') AS i{i}" for i in range(30))
    + " FROM b, k",
}
MEASURE = """
import json, resource, sys, time
from tools.compact import bounded
from tools.sql_tool import SqlRefused, run_select
path, queries = sys.argv[1], json.loads(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for name, sql in queries.items():
    start = time.monotonic()
    try:
        outcome = bounded({"tool": "sql", **run_select(path, sql)})
    except SqlRefused as exc:
        outcome = str(exc)
    seconds = time.monotonic() - start
    extra_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    print(json.dumps({"name": name, "seconds": seconds, "extra_mb": extra_mb, "outcome": outcome}))
"""


def test_a_query_cannot_build_or_return_more_than_it_may(store: Path) -> None:
    """Each query in its own measured process step: it ends within the time limit (plus the
    slack of a busy machine) and the process's peak memory grows by less than 100 MB, the
    compaction of the result included. Before, printf built 900 MB in one SQLite step."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(store), json.dumps(HEAVY)],
        capture_output=True, text=True, timeout=90, check=True,
    )  # fmt: skip
    measured = [json.loads(line) for line in done.stdout.splitlines()]
    assert [m["name"] for m in measured] == list(HEAVY)
    for m in measured:
        assert m["seconds"] < 3.5, m
        assert m["extra_mb"] < 100, m
    outcomes = {m["name"]: m["outcome"] for m in measured}
    assert "these functions: abs, avg" in outcomes["printf"]
    assert "grew past 65,536 bytes" in outcomes["doubling"]
    assert "longer than 2 s" in outcomes["instr"]
    wide = json.loads(outcomes["wide rows"])
    assert wide["row_cap_hit"] is True
    assert len(wide["rows"]) < ROW_CAP


def test_long_cells_are_cut_and_reading_stops_at_a_budget(store: Path) -> None:
    result = run_select(store, GROW + " SELECT n, s, s AS t FROM c")  # noqa: S608
    assert len(result["rows"][0][1]) == 1
    longest = max(len(row[1]) for row in result["rows"])
    assert longest == MAX_CELL
    assert result["rows"][-1][1].endswith("…")
    assert result["row_cap_hit"] is True
    assert "Stopped reading after" in result["note"]


@pytest.fixture
def sql_ctx(store: Path) -> Iterator[ToolContext]:
    db = open_store(str(store))
    yield ToolContext(
        db=db, today=date(2026, 11, 20), now=datetime(2026, 11, 20, 12, tzinfo=UTC),
        asker=Asker("UADMIN0001", is_admin=True), settings=Settings(), db_path=str(store),
    )  # fmt: skip
    db.close()


@pytest.mark.parametrize(
    ("sql", "sentence"),
    [
        ("SELECT max(amount_microcents) * 1e999 AS total_microcents FROM user_cost", NOT_FINITE),
        ("SELECT sum(amount_microcents) * 1e300 AS total_microcents FROM user_cost", NOT_FINITE),
        ("SELECT 1e999 AS ratio FROM user_cost", NOT_FINITE),
        ("SELECT '\ud800' AS name FROM user_cost", NOT_TEXT),
    ],
)
def test_an_overflow_or_a_lone_surrogate_is_a_sentence_not_a_traceback(
    sql_ctx: ToolContext, caplog: pytest.LogCaptureFixture, sql: str, sentence: str
) -> None:
    with caplog.at_level(logging.WARNING):
        outcome = run_tool("sql", {"sql": sql}, sql_ctx)
    assert outcome.is_error
    assert json.loads(outcome.content)["error"] == sentence
    assert sentence != GENERIC_FAILURE
    assert not [r for r in caplog.records if r.exc_info]
