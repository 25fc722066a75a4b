"""`/users` pages from JSON bytes straight to store rows, when the bytes prove nothing is lost.

`/users` is the largest dataset (one row of ~80 counters per user per day). The general path
validates a page into nested dicts and walks them in Python (`flatten.user_activity_row`); for a
2 MB page that is two thirds of a sync's own CPU. Here pydantic-core does both in Rust: a flat
`TypedDict` generated from `UserActivity`, one key per leaf with an `AliasPath` to it, yields the
store row itself (`chat_metrics__message_count`, ...), absent keys absent, as the general path.

A flat shape can only see the fields it names, and the store keeps fields the API adds (they
become columns, and `status` reports them). So the fast path proves it saw every key of the page:
JSON keys are exactly the `":` pairs of the raw bytes, and a page whose count differs from the
keys the flat rows account for (their leaves plus the objects above them) is handed back (None)
to the general path. Keys it accounts for are keys the page has, so equal counts mean none was
missed. A new nested field or block, a list value, an escaped `":` inside a string, a validation
error or a row without `user.id` all take the general path, which then stores, reports or
rejects them exactly as before; missing fields and blocks, null blocks and new top-level
counters stay fast. The two paths agree row for row (`tests/test_store_flat_json.py`): the fast
one is only ever skipped, never different.
"""

from __future__ import annotations

import threading
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, NotRequired, Union

from pydantic import (
    AfterValidator,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from typing_extensions import TypedDict

from bot.analytics.models import UserActivity
from bot.store.flatten import (
    PLAIN_TYPES,
    DirectoryEntry,
    Row,
    activity_counters,
    is_active,
    sqlite_value,
)

_USER_COLUMNS: dict[tuple[str, ...], str] = {
    ("user", "id"): "user_id",
    ("user", "email_address"): "email",
}
"""Leaves stored under names of their own (as `user_activity_row` does); other `user.*` leaves
are read (so their keys are accounted for) but not stored."""
_USER_FIELDS = {column: path[-1] for path, column in _USER_COLUMNS.items()}
_SEPARATOR = "__"
_OURS = frozenset({"day", "is_active"})
"""Columns this path fills in itself (`user_id` and `email` are leaves of the shape)."""


@dataclass(frozen=True)
class FlatUsers:
    """One `/users` page as store rows (what `fetch` buffers per page)."""

    rows: list[Row]
    directory: list[DirectoryEntry]
    seen: set[str]
    """`user.*` fields the rows carried (they have no column of their own)."""
    next_page: str | None
    has_more: bool | None


@dataclass(frozen=True)
class _Shape:
    adapter: TypeAdapter[Any]
    ancestors: dict[str, tuple[str, ...]]
    """Column → the objects above its leaf (`a__b__c` → `a`, `a__b`), for counting keys."""
    dropped: tuple[str, ...]
    """Columns read only to account for their keys (`user.type`)."""


def users_page(body: bytes, day: date) -> FlatUsers | None:
    """The page's store rows, or None when the general path must decide (see module doc)."""
    shape = _users_shape()
    try:
        page = shape.adapter.validate_json(body)
    except ValidationError:
        return None
    data = page.pop("data")
    keys = 1 + len(page)  # "data" and the page's other keys (next_page, has_more, ...)
    if any(value.__class__ in (dict, list) for value in page.values()):
        return None  # keys inside would go uncounted
    day_text = day.isoformat()
    directory: list[DirectoryEntry] = []
    seen: set[str] = set()
    layouts: dict[tuple[str, ...], _Layout] = {}
    for row in data:
        layout = tuple(row)
        known = layouts.get(layout) or layouts.setdefault(layout, _Layout.of(layout, shape))
        keys += known.keys
        user_id = row.get("user_id")
        if not user_id or known.clashes or not all(_plain(row[c]) for c in known.extras):
            return None
        for column in known.dropped:
            del row[column]
        row["day"] = day_text
        email = row.setdefault("email", None)
        if email == "":  # today's API types the address as a string: empty is no address
            row["email"] = email = None
        row["is_active"] = int(is_active(row, known.counters))
        directory.append(DirectoryEntry(user_id, email, None, None, day))
    if keys != body.count(b'":'):
        return None
    for known in layouts.values():
        seen |= known.user_fields
    return FlatUsers(data, directory, seen, page.get("next_page"), page.get("has_more"))


@dataclass(frozen=True)
class _Layout:
    """What every row with the same columns shares, worked out once per page."""

    keys: int
    """JSON keys behind such a row: its leaves and the objects above them."""
    extras: tuple[str, ...]
    """Columns the model does not name (top-level fields the API added), kept as they are."""
    clashes: bool
    """An added field has the name of a column we fill ourselves (`day`): the general path
    decides what it means."""
    dropped: tuple[str, ...]
    counters: tuple[str, ...]
    """Columns whose positive value means the user was active (`flatten.is_active`)."""
    user_fields: frozenset[str]

    @classmethod
    def of(cls, layout: tuple[str, ...], shape: _Shape) -> _Layout:
        objects = set().union(*(shape.ancestors.get(column, ()) for column in layout))
        dropped = tuple(column for column in layout if column in shape.dropped)
        extras = tuple(column for column in layout if column not in shape.ancestors)
        return cls(
            keys=len(layout) + len(objects),
            extras=extras,
            clashes=not _OURS.isdisjoint(extras),
            dropped=dropped,
            counters=activity_counters(layout),
            user_fields=frozenset(
                "user." + _USER_FIELDS.get(column, column.removeprefix("user" + _SEPARATOR))
                for column in layout
                if column in _USER_FIELDS or column in dropped
            ),
        )


def _plain(value: Any) -> bool:
    return value.__class__ in PLAIN_TYPES


def _users_shape() -> _Shape:
    """Built once (~30 ms of schema building), by whichever fetch thread needs it first."""
    with _BUILDING:
        return _build_users_shape()


_BUILDING = threading.Lock()


@cache
def _build_users_shape() -> _Shape:
    fields: dict[str, Any] = {}
    ancestors: dict[str, tuple[str, ...]] = {}
    dropped: list[str] = []
    for path, annotation, metadata in _leaves(UserActivity):
        column = _USER_COLUMNS.get(path) or _SEPARATOR.join(path)
        if path[0] == "user" and path not in _USER_COLUMNS:
            dropped.append(column)
        alias = Field(validation_alias=AliasPath(*path))
        fields[column] = NotRequired[Annotated[(_sqlite_ready(annotation), *metadata, alias)]]
        ancestors[column] = tuple(_SEPARATOR.join(path[:i]) for i in range(1, len(path)))
    row = TypedDict("FlatUserActivity", fields)  # type: ignore[misc]
    row.__pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[attr-defined]
    page_fields = {"data": list[row], "next_page": NotRequired[str | None]}
    page = TypedDict("FlatUsersPage", page_fields)  # type: ignore[misc]
    page.__pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[attr-defined]
    return _Shape(TypeAdapter(page), ancestors, tuple(dropped))


def _leaves(
    model: type[BaseModel], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any, list[Any]]]:
    """(path, annotation, constraints) of every scalar field under `model`, nested models
    walked."""
    for name, info in model.model_fields.items():
        key = (*path, info.alias or name)
        inner = _model_in(info.annotation)
        if inner is None:
            yield key, info.annotation, info.metadata
        else:
            yield from _leaves(inner, key)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside `Model | None`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in _UNIONS:
        models = [m for m in map(_model_in, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def _sqlite_ready(annotation: Any) -> Any:
    """A leaf type whose values SQLite cannot store as validated (dates) converted on the way
    out of validation, as the general path's `flatten.sqlite_value` stores them."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in _UNIONS else ()
    if not args:
        return annotation if annotation in PLAIN_TYPES else Annotated[annotation, _STORABLE]
    return Union[tuple(_sqlite_ready(arg) for arg in args)]  # noqa: UP007 - a runtime tuple


_UNIONS = (Union, types.UnionType)
_STORABLE = AfterValidator(sqlite_value)
