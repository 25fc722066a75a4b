"""Query parsing, errors and the stand-in's own pagination.

The pagination is deliberately less polite than the reference allows a client to expect: the
server caps every page at `page_cap` whatever `limit` says, every third page is about half as
long, every fifth is empty, and a page that ends exactly on the last row still hands out a cursor
(the next, empty page carries the null). The end is signalled only by `next_page: null` (and
`has_more: false` on cost/usage), which is all the reference promises (1.3).

Cursors are opaque: URL-safe base64 of "standin|<offset>|<page index>|<fingerprint>", where the
fingerprint hashes the path and every query parameter except `page`. A cursor reused with other
parameters is a 400 about the "page cursor" (reference 1.3 / 4).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, TypeVar
from urllib.parse import parse_qsl

T = TypeVar("T")


class ApiError(Exception):
    """Answered as Anthropic's error envelope with this status and `error.type`."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


class Query:
    """The query string as sent; `name[]` and `name%5B%5D` are the same name (reference 1.4)."""

    def __init__(self, raw: str) -> None:
        self.pairs = parse_qsl(raw, keep_blank_values=True)

    def one(self, name: str) -> str | None:
        values = [v for k, v in self.pairs if k == name]
        if len(values) > 1:
            raise bad_request(f"{name} may be given only once")
        return values[0] if values else None

    def many(self, name: str) -> list[str]:
        values = [v for k, v in self.pairs if k == name]
        if len(values) > 100:
            raise bad_request(f"{name} accepts at most 100 entries")
        return values

    def reject(self, names: Sequence[str], why: str) -> None:
        for name in names:
            if any(k == name for k, _ in self.pairs):
                raise bad_request(f"{name} {why}")

    def fingerprint(self, path: str) -> str:
        """What a cursor is bound to: path and every parameter but `page`, order-insensitive."""
        kept = sorted((k, v) for k, v in self.pairs if k != "page")
        digest = hashlib.sha256(repr((path, kept)).encode()).hexdigest()
        return digest[:16]

    def limit(self, default: int, maximum: int) -> int:
        raw = self.one("limit")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request("limit must be an integer") from None
        if not 1 <= value <= maximum:
            raise bad_request(f"limit must be between 1 and {maximum}")
        return value

    def day(self, name: str) -> date | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            raise bad_request(f"{name} must be a date in YYYY-MM-DD format") from None

    def instant(self, name: str) -> datetime | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise bad_request(f"{name} must be an RFC 3339 timestamp") from None
        if value.tzinfo is None or "T" not in raw.upper():
            raise bad_request(f"{name} must be an RFC 3339 timestamp with a time zone")
        return value.astimezone(UTC)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_page: str | None


def encode_cursor(offset: int, index: int, fingerprint: str) -> str:
    raw = f"standin|{offset}|{index}|{fingerprint}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, fingerprint: str) -> tuple[int, int]:
    """(offset, page index) of a cursor issued for `fingerprint`, else a 400 about the cursor."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, offset, index, bound = raw.split("|")
        if tag != "standin":
            raise ValueError(tag)
        parsed = int(offset), int(index)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_request("page cursor is invalid; restart from the first page") from None
    if bound != fingerprint:
        raise bad_request(
            "page cursor does not match the query parameters it was issued for; "
            "restart from the first page"
        )
    return parsed


def planned_size(index: int, size: int) -> int:
    """Rows the server puts on page `index` (0-based) when it would serve `size`."""
    if index % 5 == 3:
        return 0
    if index % 3 == 1:
        return max(1, size // 2)
    return size


def paginate(
    items: Sequence[T], *, limit: int, cap: int, page: str | None, fingerprint: str
) -> Page[T]:
    offset, index = (0, 0) if page is None else decode_cursor(page, fingerprint)
    if offset > len(items):
        raise bad_request("page cursor is invalid; restart from the first page")
    size = min(limit, cap)
    wanted = planned_size(index, size)
    chunk = list(items[offset : offset + wanted])
    end = offset + len(chunk)
    if end < len(items) or (chunk and len(chunk) == size):
        # More rows, or a full page that happens to end on the last row: a cursor either way.
        return Page(chunk, encode_cursor(end, index + 1, fingerprint))
    return Page(chunk, None)
