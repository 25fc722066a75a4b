"""Stateless page cursors: base64 of JSON {fingerprint, offset, issue time, resolved end}.

The fingerprint hashes every query parameter except `page`, so reusing a cursor with changed
parameters is detected (400), and the issue time lets expiry be checked (410) without any server
state. A short keyed checksum rejects cursors that were edited or made up.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b

from bot.simulator.errors import ApiError, invalid


@dataclass(frozen=True, slots=True)
class Cursor:
    offset: int
    issued_at: float  # simulated-clock epoch seconds of the first page
    end: str | None  # range end resolved at the first page, if the query omitted it


def fingerprint(path: str, items: list[tuple[str, str]]) -> str:
    """Hash of the endpoint and all parameters but `page` (order of repeated values kept)."""
    kept = sorted((k, i, v) for i, (k, v) in enumerate(items) if k != "page")
    canonical = json.dumps([path, [(k, v) for k, _, v in kept]], ensure_ascii=False)
    return blake2b(canonical.encode(), digest_size=8).hexdigest()


def _mac(secret: str, payload: str) -> str:
    return blake2b(payload.encode(), key=secret.encode()[:64], digest_size=6).hexdigest()


def encode(secret: str, fp: str, cursor: Cursor) -> str:
    payload = json.dumps(
        {"f": fp, "o": cursor.offset, "t": cursor.issued_at, "e": cursor.end},
        separators=(",", ":"),
    )
    data = json.dumps({"p": payload, "m": _mac(secret, payload)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode(secret: str, token: str, fp: str, now: datetime, ttl_seconds: int) -> Cursor:
    """Check a cursor against the current query; 400 if invalid or mismatched, 410 if expired."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        outer = json.loads(raw)
        payload = outer["p"]
        if not isinstance(payload, str) or outer.get("m") != _mac(secret, payload):
            raise ValueError("bad checksum")
        inner = json.loads(payload)
        cursor = Cursor(int(inner["o"]), float(inner["t"]), inner["e"])
        if cursor.offset < 0 or not isinstance(inner["f"], str):
            raise ValueError("bad offset")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise invalid(
            "page: invalid page cursor; omit page to start again from the first page"
        ) from exc
    if inner["f"] != fp:
        raise invalid(
            "page: the page cursor does not match the current query parameters; send the same "
            "parameters on every page, or omit page to restart from the first page"
        )
    if now.timestamp() - cursor.issued_at > ttl_seconds:
        raise ApiError(410, "page: the page cursor has expired; restart from the first page")
    return cursor
