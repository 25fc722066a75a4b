"""One retry policy for every Analytics API request (tenacity).

Only failures that a later identical GET can fix are retried: 429 (waiting `Retry-After` seconds
when the server says how long), 5xx/529, timeouts and connection errors (exponential backoff with
jitter, so parallel workers do not retry in lockstep). Other 4xx are answers, not accidents, and
surface at once. `RetryPolicy(wait=False)` keeps the attempts but removes every sleep, so tests of
the retry paths run in milliseconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from bot.analytics.errors import AnalyticsError, ApiUnavailableError, RateLimitedError

log = logging.getLogger(__name__)
T = TypeVar("T")


class TransientFailure(Exception):
    """A failed attempt worth retrying; becomes a typed `AnalyticsError` once attempts run out."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after

    def final(self, attempts: int) -> AnalyticsError:
        """The error the caller sees after the last attempt."""
        if self.status == 429:
            return RateLimitedError(self.detail, attempts=attempts, request_id=self.request_id)
        return ApiUnavailableError(
            self.detail, attempts=attempts, status=self.status, request_id=self.request_id
        )


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: total attempts (first included), backoff bounds, a no-sleep switch."""

    max_attempts: int = 5
    initial_backoff: float = 0.5
    max_backoff: float = 20.0
    max_retry_after: float = 60.0
    """`Retry-After` beyond this is capped: a sync should fail visibly, not hang for hours."""
    wait: bool = True
    sleep: Callable[[float], None] = time.sleep
    """How waits happen; tests pass a recorder to see which delays the policy chose."""

    def _wait_seconds(self, state: RetryCallState) -> float:
        if not self.wait:
            return 0.0
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, TransientFailure) and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), self.max_retry_after)
        backoff = wait_exponential_jitter(
            multiplier=self.initial_backoff, jitter=self.initial_backoff, max=self.max_backoff
        )
        return float(backoff(state))

    def call(self, attempt: Callable[[], T], *, what: str) -> T:
        """Run `attempt` until it returns or raises a non-transient error, within the budget."""

        def _log(state: RetryCallState) -> None:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            if isinstance(exc, TransientFailure):
                log.warning(
                    "analytics %s: attempt %d failed (%s, request-id %s): %s; retrying",
                    what,
                    state.attempt_number,
                    exc.status if exc.status is not None else "no response",
                    exc.request_id or "-",
                    exc.detail,
                )

        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.max_attempts)),
            wait=self._wait_seconds,
            retry=retry_if_exception_type(TransientFailure),
            before_sleep=_log,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except TransientFailure as exc:
            error = exc.final(max(1, self.max_attempts))
            log.error(
                "analytics %s failed (status %s, request-id %s): %s",
                what,
                exc.status,
                exc.request_id or "-",
                exc.detail,
            )
            raise error from exc
