"""Small SQL helpers shared by the report modules (placeholders for day lists)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def day_list(days: Iterable[date]) -> tuple[str, list[str]]:
    """`?,?,?` and the ISO days to bind, for `day IN (…)` (never empty: `''` matches no day)."""
    params = [day.isoformat() for day in days]
    if not params:
        return "?", [""]
    return ",".join("?" * len(params)), params
