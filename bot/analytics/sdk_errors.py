"""The one place where the `anthropic` SDK's exceptions become ours (`bot.analytics.errors`).

    anthropic.APIStatusError 401             → AuthenticationError
                             403             → PermissionDeniedError
                             404             → NotFoundError
                             429             → RateLimitedError (after every attempt)
                             5xx, 529, 408   → ApiUnavailableError (after every attempt)
                             400/410 on a page cursor → CursorError (the paginator restarts)
                             400 "too recent" naming a day → DataNotYetAvailableError
                             any other       → BadRequestError (with the API's message)
    anthropic.APITimeoutError                → ApiUnavailableError "timed out (…)"
    anthropic.APIConnectionError             → ApiUnavailableError "connection failed (…)"

Sentences are built from the response body only, never from the request, so the key cannot leak
into one. How many attempts were made is read from the `x-stainless-retry-count` header of the
last attempt, which the SDK sends with every request.
"""

from __future__ import annotations

import anthropic
import httpx2

from bot.analytics.errors import (
    AnalyticsError,
    ApiUnavailableError,
    AuthenticationError,
    BadRequestError,
    CursorError,
    DataNotYetAvailableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)

Pairs = list[tuple[str, str]]


def error_body(response: httpx2.Response) -> tuple[str, str | None]:
    """(message, request_id) from Anthropic's error envelope, tolerating non-JSON bodies."""
    request_id = response.headers.get("request-id")
    try:
        body = response.json()
    except ValueError:
        return (response.text.strip()[:300] or response.reason_phrase), request_id
    message = response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            message = error["message"]
        if request_id is None and isinstance(body.get("request_id"), str):
            request_id = body["request_id"]
    return message, request_id


def attempts_made(request: httpx2.Request) -> int:
    """Attempts the SDK made, the last one being `request`."""
    try:
        return int(request.headers.get("x-stainless-retry-count", "0")) + 1
    except ValueError:
        return 1


def from_connection_error(exc: anthropic.APIConnectionError) -> ApiUnavailableError:
    """A timeout or a failed connection, on every attempt."""
    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else type(exc).__name__
    what = "timed out" if isinstance(exc, anthropic.APITimeoutError) else "connection failed"
    return ApiUnavailableError(f"{what} ({cause})", attempts=attempts_made(exc.request))


def from_status_error(exc: anthropic.APIStatusError, params: Pairs) -> AnalyticsError:
    """The typed error for an error status (retried ones have exhausted their attempts)."""
    status = exc.status_code
    message, request_id = error_body(exc.response)
    if status == 429:
        attempts = attempts_made(exc.request)
        return RateLimitedError(message, attempts=attempts, request_id=request_id)
    if status >= 500 or status == 408:
        attempts = attempts_made(exc.request)
        return ApiUnavailableError(message, attempts=attempts, status=status, request_id=request_id)
    if status == 401:
        return AuthenticationError(message, request_id=request_id)
    if status == 403:
        return PermissionDeniedError(message, request_id=request_id)
    if status == 404:
        return NotFoundError(message, path=exc.request.url.path, request_id=request_id)
    names = {name for name, _ in params}
    if "page" in names and (status == 410 or _is_cursor_message(message)):
        return CursorError(message, status=status, restarts=0, request_id=request_id)
    if status == 400 and _is_too_recent(message):
        latest = DataNotYetAvailableError.latest_day_in(message)
        values = dict(params)
        day = values.get("date") or values.get("starting_date")
        if latest is not None:
            return DataNotYetAvailableError(
                message,
                requested=day or "the requested day",
                latest_available=latest,
                request_id=request_id,
            )
    return BadRequestError(message, status=status, request_id=request_id)


def _is_cursor_message(message: str) -> bool:
    lowered = message.lower()
    return "cursor" in lowered or "page" in lowered


def _is_too_recent(message: str) -> bool:
    """A "date is not published yet" 400 (not an `ending_date` past today, which names today)."""
    lowered = message.lower()
    return "today" not in lowered and any(
        marker in lowered
        for marker in (
            "too recent",
            "not yet available",
            "not available yet",
            "on or before",
            "latest available",
        )
    )
