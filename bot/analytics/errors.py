"""Errors raised by the Analytics API client, each with one sentence a person can act on.

    bot.errors.ClaudeUsageError
    ├── AnalyticsError                  anything the Analytics API (or reaching it) went wrong with
    │   ├── AuthenticationError         401: missing, invalid or revoked key
    │   ├── PermissionDeniedError       403: key lacks read:analytics, or org/feature not enabled
    │   ├── BadRequestError             400: the API rejected a parameter (carries its message)
    │   │   ├── DataNotYetAvailableError   400 "too recent": carries the latest available day
    │   │   └── CursorError             400/410 about the page cursor, still failing after restarts
    │   ├── NotFoundError               404: wrong path (a bug on our side)
    │   ├── RateLimitedError            429, still limited after every retry
    │   └── ApiUnavailableError         5xx, 529, timeouts, connection errors after every retry
    └── bot.errors.InputError           (exit code 2)
        ├── DateRangeError              a date window the API would reject, caught before sending
        ├── InvalidParameterError       a parameter the API would reject, caught before sending
        └── MissingApiKeyError          no CLAUDE_ANALYTICS_API_KEY configured

`str(exc)` is the sentence shown to users (CLI stderr, Slack); `status` and `request_id` stay on the
exception for logs and support tickets. The API key never appears in any of them: messages are
built only from the response body, never from the request.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.errors import ClaudeUsageError, InputError

_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _clause(message: str) -> str:
    """The API's message as a clause inside our sentence (no doubled final period)."""
    return message.strip().rstrip(".") or "no message"


class AnalyticsError(ClaudeUsageError):
    """Base of every error coming from the Analytics API or from reaching it."""

    def __init__(
        self,
        sentence: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        api_message: str | None = None,
    ) -> None:
        super().__init__(sentence)
        self.status = status
        self.request_id = request_id
        self.api_message = api_message


class AuthenticationError(AnalyticsError):
    """401: the key is missing, invalid or revoked; retrying cannot help."""

    def __init__(self, api_message: str, *, request_id: str | None = None) -> None:
        super().__init__(
            f"The Analytics API rejected the key (401): {_clause(api_message)}. "
            "Ask a Primary Owner for a key with read:analytics.",
            status=401,
            request_id=request_id,
            api_message=api_message,
        )


class PermissionDeniedError(AnalyticsError):
    """403: the key is valid but may not read analytics (scope, plan or feature)."""

    def __init__(self, api_message: str, *, request_id: str | None = None) -> None:
        super().__init__(
            f"The Analytics API refused access (403): {_clause(api_message)}. "
            "The key needs the read:analytics scope on a Claude Enterprise organization.",
            status=403,
            request_id=request_id,
            api_message=api_message,
        )


class BadRequestError(AnalyticsError):
    """400: the API rejected the request; its message says which parameter and why."""

    def __init__(
        self, api_message: str, *, status: int = 400, request_id: str | None = None
    ) -> None:
        super().__init__(
            f"The Analytics API rejected the request ({status}): {_clause(api_message)}.",
            status=status,
            request_id=request_id,
            api_message=api_message,
        )


class DataNotYetAvailableError(BadRequestError):
    """400 "too recent": the engagement day is not published yet; `latest_available` is.

    The API names the latest available day in its message; callers use it instead of guessing.
    """

    def __init__(
        self,
        api_message: str,
        *,
        requested: str,
        latest_available: dt.date,
        request_id: str | None = None,
    ) -> None:
        super().__init__(api_message, request_id=request_id)
        self.requested = requested
        self.latest_available = latest_available
        self.args = (
            f"Engagement data for {requested} is not available yet; the latest available day "
            f"is {latest_available.isoformat()} (API: {_clause(api_message)}).",
        )

    @staticmethod
    def latest_day_in(message: str) -> dt.date | None:
        """The day a "too recent" message names, or None when it names none."""
        found = _ISO_DAY.findall(message)
        if not found:
            return None
        try:
            return dt.date.fromisoformat(found[-1])
        except ValueError:
            return None


class CursorError(BadRequestError):
    """400/410 about the page cursor that persisted after restarting from page one."""

    def __init__(
        self, api_message: str, *, status: int, restarts: int, request_id: str | None = None
    ) -> None:
        super().__init__(api_message, status=status, request_id=request_id)
        self.args = (
            f"The Analytics API kept rejecting the page cursor ({status}) after {restarts} "
            f"restarts from the first page: {_clause(api_message)}.",
        )


class NotFoundError(AnalyticsError):
    """404: the path does not exist; this is a bug in the client or a wrong base URL."""

    def __init__(self, api_message: str, *, path: str, request_id: str | None = None) -> None:
        super().__init__(
            f"The Analytics API has no endpoint {path} (404): {_clause(api_message)}. "
            "Check CLAUDE_ANALYTICS_BASE_URL.",
            status=404,
            request_id=request_id,
            api_message=api_message,
        )


class RateLimitedError(AnalyticsError):
    """429 on every attempt: the organization's shared rate limit is exhausted."""

    def __init__(self, api_message: str, *, attempts: int, request_id: str | None = None) -> None:
        super().__init__(
            f"The Analytics API is still rate limiting after {attempts} attempts (429): "
            f"{_clause(api_message)}. Try again in a few minutes.",
            status=429,
            request_id=request_id,
            api_message=api_message,
        )


class ApiUnavailableError(AnalyticsError):
    """5xx/529, timeouts or connection failures on every attempt."""

    def __init__(
        self,
        detail: str,
        *,
        attempts: int,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        where = f" ({status})" if status is not None else ""
        super().__init__(
            f"The Analytics API is unavailable{where} after {attempts} attempts: "
            f"{_clause(detail)}. Try again later.",
            status=status,
            request_id=request_id,
            api_message=detail,
        )


class ResponseFormatError(AnalyticsError):
    """A successful response we cannot read: the API changed a documented field (not retried)."""

    def __init__(self, detail: str, *, path: str, request_id: str | None = None) -> None:
        super().__init__(
            f"The Analytics API answered {path} in an unexpected shape: {_clause(detail)}.",
            request_id=request_id,
            api_message=detail,
        )


class DateRangeError(InputError):
    """A date or window the API would reject (too early, too recent, too long), found locally."""


class InvalidParameterError(InputError):
    """A parameter the API would reject (unknown name, bad value, > 100 list entries)."""


class MissingApiKeyError(InputError):
    """No key configured: nothing can be fetched until CLAUDE_ANALYTICS_API_KEY is set."""

    def __init__(self) -> None:
        super().__init__(
            "CLAUDE_ANALYTICS_API_KEY is not set; ask a Primary Owner for an Analytics API key "
            "with read:analytics (claude.ai/analytics/api-keys) and export it."
        )
