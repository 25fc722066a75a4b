"""Typed keyword arguments → the API's query string (a list of pairs, lists in bracket notation).

A list of `(name, value)` pairs keeps its order and repeats names, which is exactly the documented
`products[]=chat&products[]=claude_code` form (the transport sends it as given). Values are
rendered the way the API documents them (dates `YYYY-MM-DD`, timestamps RFC 3339 UTC, booleans
`true`/`false`), and the 100-entry limit of array parameters is checked before a request is
spent on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from bot.analytics.errors import InvalidParameterError
from bot.analytics.windows import rfc3339

MAX_ARRAY_ITEMS = 100
Scalar = str | int | bool | dt.date | dt.datetime
Value = Scalar | Sequence[str] | None

ARRAY_NAMES: Mapping[str, str] = {
    "filters": "filter[]",
    "group_by": "group_by[]",
    "products": "products[]",
    "models": "models[]",
    "user_ids": "user_ids[]",
    "context_windows": "context_windows[]",
    "inference_geos": "inference_geos[]",
    "speeds": "speeds[]",
    "rbac_group_ids": "rbac_group_ids[]",
}
"""Python keyword → the API's bracketed array parameter name."""


def render(value: Scalar) -> str:
    """One scalar as the API spells it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def encode(
    values: Mapping[str, Value], extra: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Query pairs for `values` (None omitted); `extra` pairs are passed through unchanged.

    `extra` is the escape hatch for parameters newer than this client (e.g.
    `claude_tag_categories[]`), so a new API option never needs a client release to try out.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if name in ARRAY_NAMES:
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise InvalidParameterError(f"{name} must be a list of strings, not {value!r}.")
            if len(value) > MAX_ARRAY_ITEMS:
                raise InvalidParameterError(
                    f"{ARRAY_NAMES[name]} has {len(value)} entries; the Analytics API accepts at "
                    f"most {MAX_ARRAY_ITEMS}."
                )
            pairs.extend((ARRAY_NAMES[name], str(item)) for item in value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            raise InvalidParameterError(f"{name} takes one value, not a list.")
        else:
            pairs.append((name, render(value)))
    pairs.extend(extra)
    return pairs


def check_limit(limit: int, *, maximum: int, name: str = "limit") -> int:
    """`limit` if within 1…maximum, else a sentence naming the allowed range."""
    if not 1 <= limit <= maximum:
        raise InvalidParameterError(f"{name} must be between 1 and {maximum}, not {limit}.")
    return limit
