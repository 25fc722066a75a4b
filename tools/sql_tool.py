"""The admin-only SQL tool: one read-only SELECT over the store's usage tables.

For questions no report covers ("which connectors do the top 10 spenders use?"). Four locks,
each enough on its own for what it guards:

    read-only file      the store is opened as `file:…?mode=ro`: SQLite refuses any write
    authorizer          only SELECT, reads of `TABLES` and the functions in `FUNCTIONS`;
                        PRAGMA, ATTACH, sqlite_master, writes, everything else is denied
    time limit          a progress handler aborts the query after `TIME_LIMIT` seconds
    row cap             at most `ROW_CAP` rows are read, and the result is bounded to 4 KB

Money columns hold integer micro-cents; a column whose name ends in `microcents` is shown in
dollars, so Claude quotes the same figure a report would.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from bot.errors import InputError
from bot.store.money import format_usd
from tools.compact import Json

TIME_LIMIT = 2.0
ROW_CAP = 200
TABLES = (
    "user_cost", "user_usage", "cost_buckets", "usage_buckets", "user_activity", "summaries",
    "chat_projects", "skills", "connectors", "directory", "sync_ledger",
)  # fmt: skip
"""Usage data only: not the question log, feedback, sync runs or notices."""
FUNCTIONS = frozenset(
    {"count", "sum", "total", "avg", "min", "max", "round", "abs", "coalesce", "ifnull",
     "nullif", "iif", "date", "datetime", "julianday", "strftime", "substr", "substring", "lower",
     "upper", "length", "trim", "ltrim", "rtrim", "replace", "instr", "group_concat", "printf",
     "format", "like", "glob"}
)  # fmt: skip
_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE}
_MONEY = re.compile(r"microcents\W*$", re.IGNORECASE)


class SqlRefused(InputError):
    """The query is not a plain read of the usage tables, or took too long."""


def _authorizer(stored: frozenset[str]) -> Callable[..., int]:
    """Allow SELECT, reads of `TABLES` (and of the query's own CTEs, which are not stored
    tables) and the functions in `FUNCTIONS`; deny every other action."""

    def decide(
        action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
    ) -> int:
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            name = (arg1 or "").lower()
            private = name in stored or name.startswith(("sqlite_", "pragma_"))
            return sqlite3.SQLITE_OK if name in TABLES or not private else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in FUNCTIONS:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return decide


def schema_description(db_path: str | Path) -> str:
    """`table(col, col, …)` for every usage table: what the tool's description shows Claude."""
    with sqlite3.connect(f"file:{quote(str(db_path))}?mode=ro", uri=True) as conn:
        lines = []
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            if columns:
                lines.append(f"{table}({', '.join(_fold(columns))})")
    return "\n".join(lines)


def _fold(columns: list[str]) -> list[str]:
    """Flattened columns folded the way shells write them, to keep the description short:
    `office_metrics__{excel,powerpoint,word,outlook}__message_count`, then
    `chat_metrics__{message_count,thinking_message_count,…}`."""
    apps = "excel|powerpoint|word|outlook"
    per_app: list[str] = []
    for column in columns:
        match = re.fullmatch(rf"office_metrics__({apps})__(\w+)", column)
        name = (
            column if match is None else f"office_metrics__{{{apps.replace('|', ',')}}}__{match[2]}"
        )
        if name not in per_app:
            per_app.append(name)
    groups: dict[str, list[str]] = {}
    for column in per_app:
        prefix, sep, leaf = column.rpartition("__")
        if "{" in column or not sep:
            groups.setdefault(column, [])
        else:
            groups.setdefault(prefix + "__", []).append(leaf)
    return [
        key
        if not leaves
        else key + (leaves[0] if len(leaves) == 1 else "{" + ",".join(leaves) + "}")
        for key, leaves in groups.items()
    ]


def run_select(db_path: str | Path, sql: str, *, time_limit: float = TIME_LIMIT) -> Json:
    """Run one SELECT read-only; the columns, up to `ROW_CAP` rows, and whether it was cut."""
    uri = f"file:{quote(str(db_path))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    deadline = time.monotonic() + time_limit
    stored = frozenset(
        str(row[0]).lower() for row in conn.execute("SELECT name FROM sqlite_master")
    )
    conn.set_authorizer(_authorizer(stored))
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
    try:
        cursor = conn.execute(sql)
        rows = cursor.fetchmany(ROW_CAP + 1)
        columns = [d[0] for d in cursor.description or ()]
    except sqlite3.DatabaseError as exc:
        raise SqlRefused(_sentence(str(exc), time_limit)) from None
    except sqlite3.Warning:
        raise SqlRefused("Send exactly one SELECT statement.") from None
    finally:
        conn.close()
    money = [bool(_MONEY.search(c)) for c in columns]
    shown = [[_cell(v, m) for v, m in zip(row, money, strict=True)] for row in rows[:ROW_CAP]]
    return {
        "columns": [_MONEY.sub("usd", c) if m else c for c, m in zip(columns, money, strict=True)],
        "rows": shown,
        "row_count": len(shown),
        "row_cap_hit": len(rows) > ROW_CAP,
    }


def _cell(value: object, money: bool) -> object:
    if money and isinstance(value, int | float) and not isinstance(value, bool):
        return format_usd(round(value))
    return value


def _sentence(message: str, time_limit: float) -> str:
    lowered = message.lower()
    if "interrupted" in lowered:
        return (
            f"The query ran longer than {time_limit:g} s and was stopped; filter on day "
            "(an indexed column) or aggregate more."
        )
    if "not authorized" in lowered or "prohibited" in lowered:
        return (
            "Only a SELECT over the usage tables is allowed (" + ", ".join(TABLES) + ") with "
            "ordinary functions; PRAGMA, ATTACH, writes and sqlite_master are refused."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return "The store is read-only here; only SELECT is allowed."
    return f"SQLite rejected the query: {message}."
