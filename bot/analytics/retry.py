"""How hard every Analytics API request tries: the numbers the SDK's retry loop runs on.

The retrying itself is the `anthropic` SDK's (`bot.analytics.sdk`): it repeats a GET after 408,
409, 429, 5xx/529, a timeout or a connection error, and obeys a server's `x-should-retry`. Other
4xx are answers, not accidents, and surface at once. What the SDK does not decide well for a sync
is decided here: how many attempts, the backoff (exponential with jitter, so parallel workers do
not retry in lockstep), and a cap on `Retry-After` (the SDK sleeps for whatever the server says;
a sync should fail visibly, not hang for hours). `RetryPolicy(wait=False)` keeps the attempts but
removes every sleep, so tests of the retry paths run in milliseconds; `sleep=` lets a test see
which delays were chosen.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts (the first included), backoff bounds, the `Retry-After` cap, a no-sleep switch."""

    max_attempts: int = 5
    initial_backoff: float = 0.5
    max_backoff: float = 20.0
    max_retry_after: float = 60.0
    """`Retry-After` beyond this is capped: a sync should fail visibly, not hang for hours."""
    wait: bool = True
    sleep: Callable[[float], None] = time.sleep
    """How waits happen; tests pass a recorder to see which delays the policy chose."""

    @property
    def retries(self) -> int:
        """Attempts after the first (the SDK's `max_retries`)."""
        return max(1, self.max_attempts) - 1

    def delay(self, retries_taken: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `retries_taken + 1`.

        A positive `Retry-After` is honoured up to `max_retry_after`; otherwise the backoff
        doubles from `initial_backoff` up to `max_backoff`, less up to a quarter at random.
        """
        if not self.wait:
            return 0.0
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.initial_backoff * 2.0 ** min(retries_taken, 60), self.max_backoff)
        return backoff * (1.0 - 0.25 * random.random())
