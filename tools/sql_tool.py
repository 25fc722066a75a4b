"""The admin-only SQL tool: one read-only SELECT over the store's usage tables.

For questions no report covers ("which connectors do the top 10 spenders use?"). Five locks,
each enough on its own for what it guards:

    read-only file      the store is opened as `file:…?mode=ro`: SQLite refuses any write
    authorizer          only SELECT, reads of `TABLES` and the functions in `FUNCTIONS`;
                        PRAGMA, ATTACH, sqlite_master, writes, everything else is denied
    time limit          a progress handler aborts the query after `TIME_LIMIT` seconds
    size limits         no value (string, blob, row) longer than `MAX_VALUE_BYTES`, at most
                        `MAX_COLUMNS` columns, LIKE/GLOB patterns of `MAX_PATTERN` characters
                        (`Connection.setlimit`); functions whose one step costs more than its
                        output (printf's `%.*c`, two-argument trim) are not offered
    row cap             at most `ROW_CAP` rows and `READ_BUDGET` characters are read, a cell
                        is cut at `MAX_CELL`, and the result is bounded to 4 KB

The time limit alone cannot stop one long VM step (`printf('%.*c', 900000000, 'x')` builds
900 MB in a single step, then the compaction re-serialised it), so every step is kept small:
the size limits make each function's work proportional to at most 64 KB, and the progress
handler runs every `PROGRESS_STEPS` steps.

Money columns hold integer micro-cents; a column whose name ends in `microcents` is shown in
dollars, so Claude quotes the same figure a report would. A result SQLite can compute but no
report could (an infinite amount, a lone surrogate in the SQL) comes back as a sentence.
"""

from __future__ import annotations

import math
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
PROGRESS_STEPS = 100
"""VM steps between two looks at the clock (each step is small: see the size limits)."""
ROW_CAP = 200
MAX_VALUE_BYTES = 65_536
"""SQLITE_LIMIT_LENGTH: the longest string, blob or row a query may build or read (the
store's longest value is a 300-character name); quadratic functions (instr, replace) stay
within milliseconds at this size."""
MAX_COLUMNS = 200
"""SQLITE_LIMIT_COLUMN: the widest join of two usage tables fits; a row stays a few MB."""
MAX_PATTERN = 100
"""SQLITE_LIMIT_LIKE_PATTERN_LENGTH: `LIKE '%claude%'`, not a pattern with 1,000 wildcards."""
MAX_SQL = 20_000
"""SQLITE_LIMIT_SQL_LENGTH: one statement Claude wrote, never a generated one."""
MAX_CELL = 500
"""Characters of one cell that are kept; the whole result is at most 4 KB anyway."""
READ_BUDGET = 65_536
"""Characters of cells read before no more rows are read (16× what the result can hold)."""
TABLES = (
    "user_cost", "user_usage", "cost_buckets", "usage_buckets", "user_activity", "summaries",
    "chat_projects", "skills", "connectors", "directory", "sync_ledger",
)  # fmt: skip
"""Usage data only: not the question log, feedback, sync runs or notices."""
FUNCTIONS = frozenset(
    {"count", "sum", "total", "avg", "min", "max", "round", "abs", "coalesce", "ifnull",
     "nullif", "iif", "date", "datetime", "julianday", "strftime", "substr", "substring", "lower",
     "upper", "length", "replace", "instr", "group_concat", "like", "glob"}
)  # fmt: skip
"""Not printf/format (`%.*c` with a huge width costs seconds in one step even when its
output is refused), nor trim/ltrim/rtrim (with a character set, quadratic in one step)."""
_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE}
_MONEY = re.compile(r"microcents\W*$", re.IGNORECASE)


NOT_TEXT = (
    "The query contains a character that is not valid Unicode text (a lone surrogate such as "
    "\\ud800); send it again without that character."
)
NOT_FINITE = (
    "The result holds a number too large to be a real figure (infinity or an overflow, e.g. "
    "from multiplying by 1e999); compute it without the overflow."
)
_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: MAX_PATTERN,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL,
}
_LARGEST_AMOUNT = 2**63
"""Micro-cents beyond SQLite's integer range are an overflow, not an amount."""


class SqlRefused(InputError):
    """The query is not a plain read of the usage tables, took too long or built too much."""


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
    """Run one SELECT read-only; the columns, the rows read (see the module docstring) and
    whether more rows were left unread."""
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError:
        raise SqlRefused(NOT_TEXT) from None
    uri = f"file:{quote(str(db_path))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    deadline = time.monotonic() + time_limit
    try:
        stored = frozenset(
            str(row[0]).lower() for row in conn.execute("SELECT name FROM sqlite_master")
        )
        for limit, value in _LIMITS.items():
            conn.setlimit(limit, value)
        conn.set_authorizer(_authorizer(stored))
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description or ()]
        money = [bool(_MONEY.search(c)) for c in columns]
        shown, more, full = _read(cursor, money)
    except sqlite3.DatabaseError as exc:
        raise SqlRefused(_sentence(str(exc), time_limit)) from None
    except sqlite3.Warning:
        raise SqlRefused("Send exactly one SELECT statement.") from None
    finally:
        conn.close()
    result: Json = {
        "columns": [_MONEY.sub("usd", c) if m else c for c, m in zip(columns, money, strict=True)],
        "rows": shown,
        "row_count": len(shown),
        "row_cap_hit": more,
    }
    if full and more:
        result["note"] = (
            f"Stopped reading after {len(shown)} rows: they hold over {READ_BUDGET:,} "
            "characters. Select fewer or shorter columns, or aggregate."
        )
    return result


def _read(cursor: sqlite3.Cursor, money: list[bool]) -> tuple[list[list[object]], bool, bool]:
    """Up to `ROW_CAP` rows, each cell made JSON-ready and cut to `MAX_CELL`, until the cells
    read hold `READ_BUDGET` characters; then whether another row exists, and whether the
    budget was what stopped the reading."""
    rows: list[list[object]] = []
    budget = READ_BUDGET
    while len(rows) < ROW_CAP and budget > 0:
        row = cursor.fetchone()
        if row is None:
            return rows, False, False
        cells = [_cell(value, m) for value, m in zip(row, money, strict=True)]
        budget -= sum(len(c) if isinstance(c, str) else 8 for c in cells)
        rows.append(cells)
    return rows, cursor.fetchone() is not None, budget <= 0


def _cell(value: object, money: bool) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        raise SqlRefused(NOT_FINITE)
    if money and isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= _LARGEST_AMOUNT:
            raise SqlRefused(NOT_FINITE)
        return format_usd(round(value))
    if isinstance(value, bytes):
        return f"({len(value)}-byte blob)"
    if isinstance(value, str) and len(value) > MAX_CELL:
        return value[: MAX_CELL - 1] + "…"
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
            "these functions: " + ", ".join(sorted(FUNCTIONS)) + "; PRAGMA, ATTACH, writes "
            "and sqlite_master are refused."
        )
    if "too big" in lowered:
        return (
            f"A value grew past {MAX_VALUE_BYTES:,} bytes, the most a query may build or read "
            "here; aggregate (count, sum) or shorten with substr instead of building long text."
        )
    if "too many columns" in lowered:
        return f"A query may have at most {MAX_COLUMNS} columns; select the ones you need."
    if "pattern too complex" in lowered:
        return f"A LIKE or GLOB pattern may be at most {MAX_PATTERN} characters."
    if "readonly" in lowered or "read-only" in lowered:
        return "The store is read-only here; only SELECT is allowed."
    return f"SQLite rejected the query: {message[:300]}."
