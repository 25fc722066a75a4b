"""The transport every endpoint method shares: one `anthropic` SDK client, created on first use.

`ApiSession.get` sends one GET below `/v1/organizations/analytics/` through the SDK
(`bot.analytics.sdk.AnalyticsSdk`: headers, retries, timeouts, typed errors) and returns the raw
JSON bytes for our own parser. The SDK is imported and built only when the first request is
sent: importing it costs about a second, which a command that stops before calling the API (a
bad date, no key, `--help`) should not pay.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.analytics.errors import MissingApiKeyError
from bot.analytics.retry import RetryPolicy

if TYPE_CHECKING:
    import httpx2

    from bot.analytics.sdk import AnalyticsSdk

API_PREFIX = "/v1/organizations/analytics/"
USAGE_COST_BETA = "analytics-usage-cost-2026-08-24"
"""The `anthropic-beta` value `/cost` and `/usage` require (pass it as `betas=`)."""
Params = Sequence[tuple[str, str]]


class ApiSession:
    """Owns the SDK client (connection pool sized to the client's concurrency) and its policy."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: SecretStr,
        timeout: float,
        retry: RetryPolicy,
        max_connections: int,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.retry = retry
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._max_connections = max_connections
        self._transport = transport
        self._sdk: AnalyticsSdk | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _client(self) -> AnalyticsSdk:
        sdk = self._sdk
        if sdk is not None:
            return sdk
        with self._lock:
            if self._closed:
                raise RuntimeError("the Analytics client is closed")
            if self._sdk is None:
                key = self._api_key.get_secret_value()
                if not key:
                    raise MissingApiKeyError()
                from bot.analytics.sdk import AnalyticsSdk

                self._sdk = AnalyticsSdk(
                    base_url=self._base_url,
                    api_key=key,
                    timeout=self._timeout,
                    retry=self.retry,
                    max_connections=self._max_connections,
                    transport=self._transport,
                )
            return self._sdk

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._sdk is not None:
                self._sdk.close()

    def get(self, endpoint: str, params: Params, *, betas: Sequence[str] = ()) -> bytes:
        """GET one endpoint (path below `/v1/organizations/analytics/`), retried as the policy
        says, with `anthropic-beta: ",".join(betas)` when given.

        Returns the raw JSON body: pydantic validates bytes directly (`model_validate_json`),
        about twice as fast as `json.loads` plus validation on 1000-row pages.
        """
        return self._client().fetch(API_PREFIX + endpoint, list(params), betas=betas)
