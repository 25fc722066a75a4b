"""API rows (JSON-shaped dicts) → store rows, exactly as `bot.store.schema` lays the tables out.

Pure functions, no I/O: the sync fetches a whole endpoint-day, turns it into rows here, and only
then writes. Input is what `Paged.dict_pages()` yields: validated plain dicts in which an absent
key means "not reported" (it becomes NULL, or no column at all, never 0). These functions run once
per API row (hundreds of thousands per sync), so they avoid per-field function calls. Rules (see
the schema docstring):

* nested objects flatten into `a__b__c` columns; a field the API adds later simply becomes one
  more key, and `insert_all(alter=True)` turns it into a column;
* money (`amount`, `list_amount`, skill spend) becomes `<name>_microcents`, converted exactly;
* grouping keys the table keys on are "" when not in the grouping set and `NONE_KEY` when the API
  sent null inside a grouped row; keys the table does not key on are dropped while null (the API
  sets them only when grouped by them, which we never do);
* the user behind a row is kept apart as a `DirectoryEntry` so `directory` stays current; an
  empty address is no address (today's API types `user.email_address` as a non-null string);
* product values are stored in one spelling (`bot.analytics.products`), whichever the endpoint
  or era sent (`claude-tag`, `claude-in-slack` → `claude_tag`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.analytics.products import canonical_product
from bot.store.money import cents_to_microcents
from bot.store.schema import NONE_KEY

Row = dict[str, Any]
"""One store row: column name → SQLite value."""

MONEY_FIELDS = frozenset(
    {"amount", "list_amount", "estimated_overage_spend", "attributed_list_price"}
)
GROUP_KEYS = (
    "product",
    "model",
    "context_window",
    "inference_geo",
    "speed",
    "rbac_group_id",
    "cost_type",
    "token_type",
    "claude_tag_category",
    "claude_tag_user_id",
    "slack_channel_id",
)
"""Every cost/usage grouping dimension the API may put on a row (the last three: today's
Claude-in-Slack breakdowns, null unless grouped by them)."""

PER_USER_KEYS = ("product", "model")
BUCKET_KEYS = {
    "usage_buckets": ("product", "model"),
    "cost_buckets": GROUP_KEYS[:2] + GROUP_KEYS[6:8],
}
"""The grouping columns each cost/usage table has in its primary key."""

_ACTIVE_SUFFIXES = ("message_count", "session_count", "commit_count")
_ACTIVE_COLUMNS = frozenset({"web_search_count"})


class FlattenError(ValueError):
    """An API row that cannot be stored as the schema says (missing key, foreign currency)."""


@dataclass(frozen=True)
class DirectoryEntry:
    """What one row tells us about a user; merged into `directory` newest-first."""

    user_id: str
    email: str | None
    name: str | None
    deleted: bool | None
    seen_on: date


PLAIN_TYPES = frozenset({int, str, float, type(None)})
"""Value types SQLite stores as they are (everything else goes through `sqlite_value`)."""
MICROCENTS_SUFFIX = "_microcents"


def flatten(obj: Mapping[str, Any], prefix: str = "", *, skip: str | None = None) -> Row:
    """`{"a": {"b": 1}}` → `{"a__b": 1}`; money → micro-cents; lists → JSON text; bools → 0/1;
    dates → ISO text. `skip`: a top-level key the caller stores itself (no copy of the row)."""
    out: Row = {}
    flatten_into(out, obj, prefix, skip=skip)
    return out


def flatten_into(
    out: Row, obj: Mapping[str, Any], prefix: str = "", *, skip: str | None = None
) -> None:
    """`flatten`, adding to a row the caller is building (no intermediate dict per API row)."""
    names = _names_under(prefix)
    for key, value in obj.items():
        if key == skip:
            continue
        if key in MONEY_FIELDS and not prefix:
            out[key + MICROCENTS_SUFFIX] = None if value is None else _microcents(value)
            continue
        name = names.get(key) or names.setdefault(key, prefix + key)
        if value.__class__ is dict:
            _nested(out, value, _child_prefix(name))
        else:
            out[name] = value if value.__class__ in PLAIN_TYPES else sqlite_value(value)


_COLUMN_NAMES: dict[str, dict[str, str]] = {}
"""prefix → {API key → column name}. The hot loop reuses one string per column instead of
concatenating (and hashing) a fresh one for every field of every row: a third faster on /users.
It holds one entry per distinct API field, as the tables hold one column per field."""
_CHILD_PREFIXES: dict[str, str] = {}


def _child_prefix(name: str) -> str:
    prefix = _CHILD_PREFIXES.get(name)
    if prefix is None:
        prefix = _CHILD_PREFIXES.setdefault(name, name + "__")
    return prefix


def _names_under(prefix: str) -> dict[str, str]:
    names = _COLUMN_NAMES.get(prefix)
    if names is None:
        names = _COLUMN_NAMES.setdefault(prefix, {})
    return names


def _nested(out: Row, obj: dict[str, Any], prefix: str) -> None:
    """The hot loop: metric blocks are dicts of ints a few levels deep."""
    names = _names_under(prefix)
    for key, value in obj.items():
        name = names.get(key) or names.setdefault(key, prefix + key)
        if value.__class__ is dict:
            _nested(out, value, _child_prefix(name))
        elif value.__class__ in PLAIN_TYPES:
            out[name] = value
        else:
            out[name] = sqlite_value(value)


def sqlite_value(value: Any) -> Any:
    """A value SQLite cannot store as it is (or should not: bool → 0/1), as the store keeps it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return json.dumps(dict(value), sort_keys=True, default=str)
    return str(value)


def _microcents(value: Any) -> int:
    return cents_to_microcents(value if isinstance(value, Decimal) else str(value))


def api_path(column: str) -> str:
    """The API field a store column came from: `chat_metrics__message_count` →
    `chat_metrics.message_count`, `amount_microcents` → `amount`."""
    return column.removesuffix(MICROCENTS_SUFFIX).replace("__", ".")


def is_active(row: Mapping[str, Any], counters: Iterable[str] | None = None) -> bool:
    """Active = the API says the user had activity that day, or a counter shows it.

    `last_activity_date` equal to the row's day is the API's own word ("token consumption on the
    day", which is what `/summaries` DAU counts): it covers surfaces with no counter in `/users`,
    such as Claude in Chrome. Where an org has that field switched off, any product's message,
    session or commit count, or web searches, above zero is the evidence we have. `counters`:
    the row's `activity_counters`, when the caller already knows them (rows of one layout).
    """
    if row.get("day") is not None and row.get("last_activity_date") == row.get("day"):
        return True
    for column in activity_counters(row) if counters is None else counters:
        value = row[column]
        if value.__class__ is int and value > 0:
            return True
    return False


def activity_counters(columns: Iterable[str]) -> tuple[str, ...]:
    """The columns whose positive value shows a user was active (see `is_active`)."""
    return tuple(c for c in columns if c.endswith(_ACTIVE_SUFFIXES) or c in _ACTIVE_COLUMNS)


def user_activity_row(
    day: date, raw: Mapping[str, Any], seen: set[str] | None = None
) -> tuple[Row, DirectoryEntry]:
    """One `/users` row: keyed by `user.id`, email from `user.email_address`. `seen` collects
    the API fields the row carried that do not become columns of their own."""
    user = raw.get("user")
    if not isinstance(user, Mapping) or not user.get("id"):
        raise FlattenError("a /users row without user.id (grouped rows are not stored)")
    if seen is not None:
        seen.update("user." + key for key in user)
    email = user.get("email_address") or None
    row: Row = {"day": day.isoformat(), "user_id": user["id"], "email": email}
    flatten_into(row, raw, skip="user")  # stored as user_id / email above
    row["is_active"] = int(is_active(row))
    entry = DirectoryEntry(user["id"], email, None, None, day)
    return row, entry


def summary_row(raw: Mapping[str, Any]) -> tuple[date, Row]:
    """One `/summaries` element; its day is the UTC date of `starting_at`."""
    body = dict(raw)
    day = _day_of(body.pop("starting_at"))
    body.pop("ending_at", None)
    row: Row = {"day": day.isoformat()}
    flatten_into(row, body)
    return day, row


def engagement_row(day: date, raw: Mapping[str, Any]) -> Row:
    """Projects, skills, connectors: flattened as they come, with the day in front."""
    row: Row = {"day": day.isoformat()}
    flatten_into(row, raw)
    return row


def per_user_row(
    day: date, raw: Mapping[str, Any], seen: set[str] | None = None
) -> tuple[Row, DirectoryEntry]:
    """A `user_usage_report` / `user_cost_report` row grouped by product and model."""
    body = dict(raw)
    actor = body.pop("actor", None)
    if not isinstance(actor, Mapping) or not actor.get("user_id"):
        raise FlattenError("a per-user cost/usage row without actor.user_id")
    if seen is not None:
        seen.update(body)
        seen.update("actor." + key for key in actor)
    body.pop("starting_at", None)
    body.pop("ending_at", None)
    row: Row = {"day": day.isoformat(), "user_id": actor["user_id"]}
    row.update(_grouped(body, table_keys=PER_USER_KEYS, grouping=PER_USER_KEYS))
    deleted = actor.get("deleted")
    entry = DirectoryEntry(
        actor["user_id"],
        actor.get("email_address") or actor.get("email") or None,  # today's spelling, the guide's
        actor.get("name"),
        None if deleted is None else bool(deleted),
        day,
    )
    return row, entry


def bucket_rows(
    dataset: str, grouping: str, bucket: Mapping[str, Any], seen: set[str] | None = None
) -> list[Row]:
    """One `1d` bucket of `usage_report`/`cost_report` fetched with one grouping set."""
    day = _day_of(bucket["starting_at"])
    keys = tuple(k for k in grouping.split(",") if k)
    rows: list[Row] = []
    for result in bucket.get("results") or ():
        if seen is not None:
            seen.update(result)
        row: Row = {"day": day.isoformat(), "grouping": grouping}
        row.update(_grouped(result, table_keys=BUCKET_KEYS[dataset], grouping=keys))
        rows.append(row)
    return rows


def bucket_day(bucket: Mapping[str, Any]) -> date:
    return _day_of(bucket["starting_at"])


def _grouped(raw: Mapping[str, Any], *, table_keys: Iterable[str], grouping: Iterable[str]) -> Row:
    body = dict(raw)
    table_keys, grouping = tuple(table_keys), frozenset(grouping)
    currency = body.pop("currency", None)
    if currency not in (None, "USD"):
        raise FlattenError(f"currency {currency!r} is not USD; the store holds USD micro-cents")
    row: Row = {}
    for key in GROUP_KEYS:
        value = body.pop(key, None)
        if key == "product" and value is not None:
            value = canonical_product(str(value))
        if key in table_keys:
            row[key] = (NONE_KEY if value is None else str(value)) if key in grouping else ""
        elif value is not None:
            row[key] = value  # not grouped by us, yet set: keep it rather than lose it
    flatten_into(row, body)
    return row


def _day_of(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
