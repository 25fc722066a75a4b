"""Small, bounded tool results: what Claude reads instead of raw pages.

Every tool result is one compact JSON object of at most `MAX_RESULT_BYTES` (4 KB) of UTF-8.
A raw page of 1000 rows would cost Claude tens of thousands of input tokens per call and bury
the figures that matter, so handlers send totals, the top rows and "N more", and `bounded()`
enforces the size whatever a handler built: it halves the longest list (saying how many rows it
left out) and shortens the longest string until the JSON fits. Nothing is dropped silently.

Money reaches Claude as dollar strings from integer micro-cents (`usd`), the same `format_usd`
Slack shows, so the figure an answer quotes can be found again in the result it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bot.reports.periods import Period
from bot.reports.types import Delta
from bot.store.money import cents_to_microcents, format_usd

MAX_RESULT_BYTES = 4096
MIN_STRING = 24
NOT_REPORTED = "not reported"
"""What a None becomes: the API did not send it (never the same as zero)."""

Json = dict[str, Any]


def dumps(payload: object) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)


def size(payload: object) -> int:
    return len(dumps(payload).encode("utf-8"))


def usd(microcents: int | None) -> str:
    return NOT_REPORTED if microcents is None else format_usd(microcents)


def usd_cents(cents: Decimal | None) -> str:
    """API money (Decimal cents) as dollars; exact through micro-cents."""
    return NOT_REPORTED if cents is None else format_usd(cents_to_microcents(cents))


def pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def period_json(period: Period) -> Json:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}


def delta_json(delta: Delta | None, *, money: bool = False) -> Json | str:
    """Now, before, change and change % (one decimal); money deltas as dollar strings."""
    if delta is None:
        return NOT_REPORTED

    def show(value: int | float | None) -> object:
        if value is None:
            return NOT_REPORTED
        if money:
            return format_usd(int(value))
        return round(value, 1) if isinstance(value, float) else value

    return {
        "now": show(delta.current),
        "before": show(delta.previous),
        "change": show(delta.change),
        "change_pct": NOT_REPORTED if delta.percent is None else round(delta.percent, 1),
    }


MAX_NAME = 80
"""Longest name sent: names are API text (a 300-character one exists), tokens are not free."""


def name(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_NAME:
        return text
    return text[: MAX_NAME - 1] + "…"


def drop_none(row: Json) -> Json:
    """A row without the keys whose value is None, so rows stay short; the result says once,
    in `not_reported`, which fields the API did not send."""
    return {key: value for key, value in row.items() if value is not None}


def top(rows: Iterable[Json], limit: int) -> tuple[list[Json], int]:
    """The first `limit` rows and how many more there were."""
    listed = list(rows)
    return listed[:limit], max(len(listed) - limit, 0)


def bounded(payload: Json, limit: int = MAX_RESULT_BYTES) -> str:
    """`payload` as compact JSON of at most `limit` bytes (see the module docstring)."""
    data = json.loads(dumps(payload))  # a private copy of plain JSON values
    while size(data) > limit:
        if _halve_longest_list(data):
            continue
        if _shorten_longest_string(data):
            continue
        keep = {k: data[k] for k in ("tool", "period", "summary", "freshness") if k in data}
        keep["note"] = "The full result was too large to send; ask for a narrower period."
        data = keep
        if size(data) > limit:  # pragma: no cover - only with absurd summary strings
            return dumps({"note": keep["note"]})
        break
    return dumps(data)


def _lists(
    node: Any, parent: Json | None, key: str | None
) -> Iterable[tuple[Json, str, list[Any]]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _lists(v, node, k)
    elif isinstance(node, list):
        if parent is not None and key is not None and len(node) > 1:
            yield parent, key, node
        for item in node:
            yield from _lists(item, None, None)


def _halve_longest_list(data: Json) -> bool:
    found = max(_lists(data, None, None), key=lambda item: size(item[2]), default=None)
    if found is None:
        return False
    parent, key, items = found
    keep = max(1, len(items) // 2)
    parent[key] = items[:keep]
    counter = f"{key}_not_shown"
    parent[counter] = int(parent.get(counter, 0)) + len(items) - keep
    return True


def _strings(node: Any) -> Iterable[tuple[Any, Any, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                yield node, k, v
            else:
                yield from _strings(v)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str):
                yield node, i, v
            else:
                yield from _strings(v)


def _shorten_longest_string(data: Json) -> bool:
    found = max(_strings(data), key=lambda item: len(item[2]), default=None)
    if found is None or len(found[2]) <= MIN_STRING:
        return False
    container, key, text = found
    container[key] = text[: max(MIN_STRING, len(text) // 2) - 1] + "…"
    return True
