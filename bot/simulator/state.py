"""Mutable run-time state of one simulator: the clock, request counters and rate-limit buckets.

Kept apart from the synthetic org (which is immutable apart from caches) so that moving the
clock or counting requests never changes which data exists.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime

from bot.simulator.config import SimConfig
from bot.simulator.org import SyntheticOrg
from bot.simulator.stable import h64, token, unit

FAIL_STATUSES = (500, 503, 529)


class SimState:
    """Clock, counters and faults; every method is safe to call from several threads."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._now_override: datetime | None = None
        self._counts: dict[str, int] = {}
        self._sequence = 0
        self._fault_sequence = 0
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, monotonic time)
        self.org = SyntheticOrg(config, self.now().date())

    def now(self) -> datetime:
        """The simulated "now": set_now() > config.now > the real clock."""
        override = self._now_override or self.config.now
        return override if override is not None else datetime.now(UTC)

    def set_now(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        with self._lock:
            self._now_override = now.astimezone(UTC)

    def count(self, path: str) -> str:
        """Record a request to `path`; returns a fresh request id."""
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            self._sequence += 1
            seq = self._sequence
        return "req_01" + token(22, self.config.seed, "request", seq)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def injected_failure(self) -> int | None:
        """Deterministically pick the requests that fail: the n-th checked request fails iff
        unit(seed, n) < fail_rate, with a status among 500/503/529."""
        if self.config.fail_rate <= 0:
            return None
        with self._lock:
            self._fault_sequence += 1
            seq = self._fault_sequence
        if unit(self.config.seed, "fail", seq) < self.config.fail_rate:
            return FAIL_STATUSES[h64(self.config.seed, "status", seq) % len(FAIL_STATUSES)]
        return None

    def rate_limited(self, key: str) -> int | None:
        """Token bucket per key: None if allowed, else the seconds to wait (Retry-After)."""
        rate = self.config.rate_limit
        if rate <= 0:
            return None
        capacity = max(1.0, rate)
        with self._lock:
            now = time.monotonic()
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))
