"""Rendering of raw endpoint rows for the terminal: one JSON array, or a readable rich table.

JSON is what the API sent (unset optional keys stay absent, money stays the exact decimal string)
so it can be piped into other tools. The table flattens nested metrics into dotted columns and
hides columns that are empty on every row, because the raw rows are far wider than a terminal.
Every cell and column name is API text, so it is cleaned and given to rich as `Text`, never as
markup (see `bot.console.sanitize`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.console.sanitize import clean

MAX_COLUMNS = 10


def rows_as_json(pages: Sequence[Any]) -> list[Any]:
    """Every row of every page as JSON-ready data (summaries: days; bucketed: buckets)."""
    return [
        row.model_dump(mode="json", exclude_unset=True) if isinstance(row, BaseModel) else row
        for page in pages
        for row in page.rows
    ]


def dotted(value: Any, prefix: str = "") -> dict[str, Any]:
    """A JSON row with nested objects as dotted paths: `{"a": {"b": 1}}` → `{"a.b": 1}`."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(dotted(inner, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): value}


def _display_rows(rows: list[Any]) -> list[dict[str, Any]]:
    """Flattened rows; a bucket becomes one row per result, labelled with the bucket start."""
    flat: list[dict[str, Any]] = []
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("results"), list):
            for result in row["results"]:
                flat.append({"bucket": row.get("starting_at"), **dotted(result)})
            if not row["results"]:
                flat.append({"bucket": row.get("starting_at")})
        else:
            flat.append(dotted(row))
    return flat


def print_table(endpoint: str, pages: Sequence[Any], *, complete: bool) -> None:
    """A table of the rows plus one line on freshness and completeness."""
    console = Console(soft_wrap=False)
    if not console.is_terminal:  # piped output: do not squeeze columns into 80 characters
        console = Console(soft_wrap=False, width=200)
    rows = _display_rows(rows_as_json(pages))
    if not rows:
        console.print(f"{endpoint}: no rows", markup=False, highlight=False)
    columns: list[str] = []
    for row in rows:
        for key, value in row.items():
            if value is not None and key not in columns:
                columns.append(key)
    shown = columns[:MAX_COLUMNS]
    table = Table(title=Text(f"{endpoint}: {len(rows)} rows"), show_lines=False)
    for column in shown:
        table.add_column(Text(clean(column)), overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if row.get(c) is None else clean(row.get(c))) for c in shown))
    if rows:
        console.print(table)
    notes: list[str] = []
    if any(c.endswith(("amount", "spend", "list_price")) for c in shown):
        notes.append("money columns are US cents, exactly as the API sent them")
    if len(columns) > len(shown):
        notes.append(f"{len(columns) - len(shown)} more columns: use --json to see every field")
    refreshed = [getattr(p, "data_refreshed_at", None) for p in pages]
    if refreshed and refreshed[-1] is not None:
        notes.append(f"data refreshed at {refreshed[-1].isoformat()}")
    if not complete and pages and getattr(pages[-1], "next_page", None):
        notes.append("more pages exist: add --all to fetch them")
    for note in notes:
        console.print(note, highlight=False, markup=False)
