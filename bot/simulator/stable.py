"""Stable hashing: the only source of randomness in the synthetic org.

Python's `hash()` is salted per process, so every value is derived from blake2b over the seed and
the coordinates of the record (user, day, …). The same request therefore returns the same bytes in
every process, and no per-day state has to be stored.
"""

from __future__ import annotations

import random
from hashlib import blake2b

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz"


def h64(*parts: object) -> int:
    """A 64-bit integer that depends only on `parts` (their `str()` forms)."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A float in [0, 1) that depends only on `parts`."""
    return h64(*parts) / 18446744073709551616.0


def rng(*parts: object) -> random.Random:
    """A private generator seeded from `parts`, for records needing several draws."""
    return random.Random(h64(*parts))


def token(length: int, *parts: object) -> str:
    """A base-57 identifier body of `length` characters derived from `parts`."""
    value = int.from_bytes(blake2b("\x1f".join(map(str, parts)).encode()).digest(), "big")
    chars = []
    for _ in range(length):
        value, rem = divmod(value, len(_ALPHABET))
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def split_counts(total: int, cumulative: tuple[int, ...], start: int, end: int) -> int:
    """The share of `total` falling in slots [start, end) of a cumulative weight table.

    Uses floor(total * C[i] / C[-1]) differences, so adjacent slices always add up exactly to the
    whole: hourly values sum to the day and minute values to the hour, with integers only.
    """
    whole = cumulative[-1]
    return total * cumulative[end] // whole - total * cumulative[start] // whole
