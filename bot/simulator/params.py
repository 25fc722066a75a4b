"""Query-string parsing and the validation rules shared by every endpoint.

Each endpoint declares its scalar and array parameters; anything else is a 400, as is a scalar
given twice or an array longer than 100 entries. Messages name the parameter and the rule so a
client developer can fix the request from the message alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.simulator.errors import invalid

EARLIEST = date(2026, 1, 1)
EARLIEST_TS = datetime(2026, 1, 1, tzinfo=UTC)
MAX_ARRAY = 100
LOOKBACK_DAYS = 365
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|z|[+-]\d{2}:\d{2})$")


@dataclass
class Params:
    """The parsed query: scalars by name, arrays (bracketed names) as lists in request order."""

    items: list[tuple[str, str]]
    scalars: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.scalars.get(name)

    def values(self, name: str) -> list[str]:
        return self.arrays.get(name, [])


def parse(items: list[tuple[str, str]], scalars: Iterable[str], arrays: Iterable[str]) -> Params:
    allowed_scalars, allowed_arrays = set(scalars), set(arrays)
    params = Params(items)
    for key, value in items:
        if key in allowed_scalars:
            if key in params.scalars:
                raise invalid(f"{key}: given more than once; send it at most once")
            params.scalars[key] = value
        elif key in allowed_arrays:
            params.arrays.setdefault(key, []).append(value)
        else:
            accepted = ", ".join(sorted(allowed_scalars | allowed_arrays))
            hint = ""
            if f"{key}[]" in allowed_arrays:
                hint = f" (array parameters use brackets: {key}[])"
            raise invalid(f"{key}: unknown query parameter{hint}; accepted: {accepted}")
    for key, values in params.arrays.items():
        if len(values) > MAX_ARRAY:
            raise invalid(f"{key}: at most {MAX_ARRAY} entries are allowed, got {len(values)}")
    return params


def parse_date(name: str, value: str) -> date:
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise invalid(f"{name}: must be a date in YYYY-MM-DD format, got {value!r}")


def parse_timestamp(name: str, value: str) -> datetime:
    if _TIMESTAMP.match(value):
        try:
            return datetime.fromisoformat(value.replace("z", "Z")).astimezone(UTC)
        except ValueError:
            pass
    raise invalid(
        f"{name}: must be an RFC 3339 timestamp with a time zone, e.g. 2026-03-01T00:00:00Z, "
        f"got {value!r}"
    )


def parse_limit(value: str | None, default: int, maximum: int, unit: str = "rows") -> int:
    if value is None:
        return default
    if re.fullmatch(r"\d{1,7}", value) and 1 <= int(value) <= maximum:
        return int(value)
    raise invalid(f"limit: must be an integer between 1 and {maximum} ({unit}), got {value!r}")


def parse_bool(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(f"{name}: must be true or false, got {value!r}")


def parse_choice(name: str, value: str | None, choices: Iterable[str], default: str) -> str:
    options = tuple(choices)
    if value is None:
        return default
    if value not in options:
        raise invalid(f"{name}: must be one of {', '.join(options)}, got {value!r}")
    return value


def check_choices(name: str, values: list[str], choices: Iterable[str]) -> None:
    options = tuple(choices)
    for value in values:
        if value not in options:
            raise invalid(f"{name}: unsupported value {value!r}; supported: {', '.join(options)}")


def parse_filters(values: list[str], dimensions: Iterable[str]) -> dict[str, list[str]]:
    """`filter[]=dimension:value` entries → {dimension: [values]} (OR within, AND across)."""
    allowed = tuple(dimensions)
    out: dict[str, list[str]] = {}
    for entry in values:
        dim, sep, val = entry.partition(":")
        if not sep or not val:
            raise invalid(f"filter[]: expected dimension:value, got {entry!r}")
        if dim not in allowed:
            raise invalid(
                f"filter[]: unsupported filter dimension {dim!r} on this endpoint; supported: "
                f"{', '.join(allowed)}"
            )
        out.setdefault(dim, []).append(val)
    return out


def check_day_bounds(name: str, day: date, today: date) -> None:
    """Rules shared by every engagement date: not before 2026-01-01, not over 365 days back."""
    if day < EARLIEST:
        raise invalid(f"{name}: must be on or after 2026-01-01 (no data exists before 2026-01-01)")
    oldest = today - timedelta(days=LOOKBACK_DAYS)
    if day < oldest:
        raise invalid(f"{name}: must be within the last 365 days (on or after {oldest})")


def check_available(name: str, day: date, latest: date) -> None:
    """Engagement days are served from a day (legacy: 3 days) after they end; the message names
    the latest one."""
    if day > latest:
        raise invalid(f"{name} must be on or before {latest} (the latest available day)")
