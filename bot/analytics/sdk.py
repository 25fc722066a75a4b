"""The `anthropic` SDK as our transport: one `AnalyticsSdk` per `AnalyticsClient`.

Every Analytics request is the SDK's `get` with a raw `httpx2.Response` (our own parser reads the
bytes: validating pages through the SDK's models is an order of magnitude slower). The SDK brings
the connection pool, timeouts, its retry loop and its exceptions; this subclass decides three
things the SDK's defaults get wrong for us:

- **Headers.** Two dialects exist. The original guide (and every third-party stand-in written
  from it) documents `x-api-key: KEY` with `anthropic-version: 2023-06-01`; the SDK sends
  `Authorization: Bearer KEY` with its own, newer `anthropic-version`. Today's API accepts both,
  a guide-only server only the first, a server that follows the SDK to the letter only the second,
  and no single set of headers satisfies both strict ones (the version differs). So a client
  starts with the guide's pair and, if the very first answers it gets are a 401 or a 400 naming
  a header, switches once to the SDK's pair, logs it, and keeps it for its life. Once any request
  has succeeded (or got a 403: the key was understood) the choice is settled and never revisited.
- **Retry waits.** The SDK sleeps for whatever `Retry-After` says; ours are capped and computed by
  `RetryPolicy` (which can also remove them in tests), and each retry is logged with the
  response's `request-id` (never the key: it lives only in the request headers built here).
- **Environment.** `ANTHROPIC_*` variables configure the Claude client of `tools/`, not this
  one: the key and base URL are always given explicitly, and `ANTHROPIC_CUSTOM_HEADERS` is not
  sent to the Analytics API. Redirects are not followed (a custom `x-api-key` header would be
  forwarded to whatever host a redirect names).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

import anthropic
import httpx2
from anthropic._models import FinalRequestOptions
from anthropic._types import Omit, RequestOptions
from typing_extensions import override

from bot import __version__
from bot.analytics.errors import ApiUnavailableError, RateLimitedError
from bot.analytics.retry import RetryPolicy
from bot.analytics.sdk_errors import (
    Pairs,
    error_body,
    from_connection_error,
    from_status_error,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dialect:
    """One way to present the key and the API version."""

    name: str
    auth: Literal["x-api-key", "bearer"]
    version: str | None
    """`anthropic-version` to send; None: the SDK's own."""

    def headers(self, key: str) -> dict[str, str]:
        if self.auth == "x-api-key":
            auth = {"x-api-key": key}
        else:
            auth = {"Authorization": f"Bearer {key}"}
        return auth if self.version is None else {**auth, "anthropic-version": self.version}

    def describe(self, sdk_version: str) -> str:
        auth = "x-api-key" if self.auth == "x-api-key" else "Authorization: Bearer"
        return f"{auth} with anthropic-version {self.version or sdk_version}"


GUIDE = Dialect("the guide's", "x-api-key", "2023-06-01")
"""What the original reference guide documents, and what third-party stand-ins accept."""
SDK = Dialect("the SDK's", "bearer", None)
"""What the installed SDK sends by default (`anthropic-version` follows the SDK release)."""
HEADER_NAMES = ("anthropic-version", "x-api-key", "authorization", "bearer")
"""A 400 naming one of these is about the dialect, not about the query."""


def _dialect_sent(request: httpx2.Request) -> Dialect:
    return GUIDE if "x-api-key" in request.headers else SDK


class AnalyticsSdk(anthropic.Anthropic):
    """`anthropic.Anthropic` speaking to the Analytics API: header dialects, capped retry waits."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float,
        retry: RetryPolicy,
        max_connections: int,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        limits = httpx2.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        http = (
            anthropic.DefaultHttpxClient(limits=limits, follow_redirects=False)
            if transport is None
            else anthropic.DefaultHttpxClient(follow_redirects=False, transport=transport)
        )
        self.policy = retry
        self.dialect = GUIDE
        self._settled = False
        self._switched = False
        self._lock = threading.Lock()
        super().__init__(
            api_key=api_key,  # explicit, so ANTHROPIC_API_KEY (Claude's key) is never read
            base_url=base_url,
            timeout=timeout,
            max_retries=retry.retries,
            http_client=http,
        )
        self._custom_headers = {}  # ANTHROPIC_CUSTOM_HEADERS is for the Claude client

    @property
    @override
    def auth_headers(self) -> dict[str, str]:
        return {}  # the dialect's, added in `default_headers` from one reading of `self.dialect`

    @property
    @override
    def default_headers(self) -> dict[str, str | Omit]:
        return {**super().default_headers, **self.dialect.headers(self.api_key or "")}

    @property
    @override
    def user_agent(self) -> str:
        return f"claude-usage-bot/{__version__} (Anthropic/Python {self._version})"

    @property
    def sdk_version_header(self) -> str:
        """The `anthropic-version` the SDK sends by default."""
        value = super().default_headers.get("anthropic-version")
        return value if isinstance(value, str) else "?"

    def fetch(self, path: str, params: Pairs, *, betas: Sequence[str] = ()) -> bytes:
        """GET `path` with `params` (sent in order, names repeated) and return the raw body.

        Raises the typed errors of `bot.analytics.errors` (see `bot.analytics.sdk_errors`).
        """
        url = f"{path}?{urlencode(params, quote_via=quote)}" if params else path
        options: RequestOptions = {}
        if betas:
            options["headers"] = {"anthropic-beta": ",".join(betas)}
        for _ in range(2):  # at most one resend, in the other dialect
            try:
                response = self.get(url, cast_to=httpx2.Response, options=options)
            except anthropic.APIStatusError as exc:
                if self._switch_after(exc):
                    continue
                if exc.status_code == 403:
                    self._settle()
                error = from_status_error(exc, params)
                gave_up = isinstance(error, RateLimitedError | ApiUnavailableError)
                log.log(
                    logging.ERROR if gave_up else logging.WARNING,
                    "analytics GET %s -> %d (request-id %s): %s",
                    path,
                    exc.status_code,
                    error.request_id or "-",
                    error.api_message,
                )
                raise error from None
            except anthropic.APIConnectionError as exc:
                error = from_connection_error(exc)
                log.error("analytics GET %s failed: %s", path, error.api_message)
                raise error from exc
            self._settle()
            return response.content
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _settle(self) -> None:
        if not self._settled:
            with self._lock:
                self._settled = True

    def _switch_after(self, exc: anthropic.APIStatusError) -> bool:
        """Whether to resend in the current dialect after `exc` (switching to it if need be)."""
        status = exc.status_code
        if status != 401 and status != 400:
            return False
        message, _ = error_body(exc.response)
        if status == 400 and not any(name in message.lower() for name in HEADER_NAMES):
            return False
        sent = _dialect_sent(exc.request)
        with self._lock:
            if sent != self.dialect:
                return True  # another request switched while this one was out
            if self._settled or self._switched:
                return False
            self._switched = True
            self.dialect = SDK if sent == GUIDE else GUIDE
        log.info(
            "analytics: the API answered %d to %s (%s); sending %s from now on",
            status,
            sent.describe(self.sdk_version_header),
            message,
            self.dialect.describe(self.sdk_version_header),
        )
        return True

    @override
    def _calculate_retry_timeout(
        self,
        remaining_retries: int,
        options: FinalRequestOptions,
        response_headers: httpx2.Headers | None = None,
    ) -> float:
        retries_taken = options.get_max_retries(self.max_retries) - remaining_retries
        retry_after = self._parse_retry_after_header(response_headers)
        return self.policy.delay(retries_taken, retry_after)

    @override
    def _sleep_for_retry(
        self,
        *,
        retries_taken: int,
        max_retries: int,
        options: FinalRequestOptions,
        response: httpx2.Response | None,
    ) -> None:
        headers = response.headers if response is not None else None
        seconds = self._calculate_retry_timeout(max_retries - retries_taken, options, headers)
        if response is not None:
            message, request_id = error_body(response)
            status: int | str = response.status_code
        else:
            message, request_id, status = "timed out or connection failed", None, "no response"
        log.warning(
            "analytics GET %s: attempt %d failed (%s, request-id %s): %s; retrying in %.2f s",
            options.url.split("?", 1)[0],
            retries_taken + 1,
            status,
            request_id or "-",
            message,
            seconds,
        )
        if seconds > 0:
            self.policy.sleep(seconds)
