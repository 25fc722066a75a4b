"""`AnalyticsClient`: the typed client of the Claude Enterprise Analytics API.

    with AnalyticsClient.from_settings(settings) as client:
        for user in client.users(date=day):                     # rows, every page followed
            ...
        for page in client.cost_report(starting_at=a, ending_at=b).pages():
            page.data_refreshed_at                              # watermark per page / window
        for day, rows in client.map_concurrently(lambda d: list(client.users(date=d)), days):
            ...                                                 # one complete day at a time

One object owns one `anthropic` SDK client (`bot.analytics.sdk`: connection pool, timeouts,
headers, retries), built when the first request is sent, and one retry policy; endpoint methods
live in two mixins, one per API family. `transport` (an `httpx2` transport) is for tests that
must touch requests on their way to a real loopback server. `clock` is injected so the date
rules (today − 3, 365 days back) are testable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

from pydantic import SecretStr

from bot.analytics.concurrency import map_concurrently
from bot.analytics.engagement import EngagementEndpoints
from bot.analytics.errors import MissingApiKeyError
from bot.analytics.retry import RetryPolicy
from bot.analytics.session import ApiSession
from bot.analytics.usage_cost import UsageCostEndpoints
from bot.config import Settings

if TYPE_CHECKING:
    import httpx2

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_CONCURRENCY = 8
"""Parallel requests for bulk fetches: enough to hide latency, few enough to respect the
organization-wide rate limit shared by every caller of this API."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AnalyticsClient(EngagementEndpoints, UsageCostEndpoints):
    """One method per endpoint; see `EngagementEndpoints` and `UsageCostEndpoints`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: SecretStr,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        transport: httpx2.BaseTransport | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self._clock = clock
        self._session = ApiSession(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            max_connections=max_concurrency,
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> AnalyticsClient:
        """A client for `CLAUDE_ANALYTICS_BASE_URL` with `CLAUDE_ANALYTICS_API_KEY`."""
        if settings.analytics_api_key is None:
            raise MissingApiKeyError()
        return cls(
            base_url=settings.analytics_base_url,
            api_key=settings.analytics_api_key,
            retry=retry,
            max_concurrency=max_concurrency,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"AnalyticsClient(max_concurrency={self.max_concurrency})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def map_concurrently(
        self, fn: Callable[[ItemT], ResultT], items: Iterable[ItemT]
    ) -> Iterator[tuple[ItemT, ResultT]]:
        """`(item, fn(item))` pairs in completion order, at most `max_concurrency` in flight
        (see `bot.analytics.concurrency.map_concurrently`)."""
        return map_concurrently(
            fn, items, workers=self.max_concurrency, thread_name_prefix="analytics"
        )
