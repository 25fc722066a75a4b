"""The Analytics API key: does it work, may it read analytics, and which cost reports does this
organisation get?

The key is tried with one cheap request (yesterday's cost, one bucket: every organisation has
the endpoint, and the API checks the key and its `read:analytics` scope before anything else).
Then `probe_cost_endpoint` asks whether the current `/cost` report is offered: Anthropic marks
`cost_report` and the other three reports legacy, and an organisation without `/cost` (its
404, or a 400 such as the HIPAA-readiness refusal) keeps using them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import httpx

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import (
    AnalyticsError,
    ApiUnavailableError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitedError,
)
from bot.analytics.retry import RetryPolicy
from bot.analytics.windows import FIRST_DAY
from bot.config import Settings
from bot.doctor.model import Finding

COST_PATH = "/v1/organizations/analytics/cost"
COST_BETA = "analytics-usage-cost-2026-08-24"
API_VERSION = "2023-06-01"
"""The version header every request of ours carries (the guide's; `bot.analytics`)."""
NEW_KEY = (
    "ask a Primary Owner to mint a key with read:analytics (claude.ai → Admin settings → API "
    "keys) and set CLAUDE_ANALYTICS_API_KEY"
)
QUICK = RetryPolicy(max_attempts=2, max_backoff=2.0)
"""One retry at most: doctor says what it sees now rather than wait out an outage."""


@dataclass(frozen=True)
class CostProbe:
    status: int | None
    """The HTTP status `/cost` answered (None: no answer)."""
    available: bool | None
    """True: `/cost` is offered; False: this organisation needs the legacy reports; None: the
    answer says neither (a rejected key, an outage)."""
    detail: str


def _yesterday(now: datetime) -> tuple[datetime, datetime]:
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    start = max(today - timedelta(days=1), datetime.combine(FIRST_DAY, time(), tzinfo=UTC))
    return start, start + timedelta(days=1)


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def probe_cost_endpoint(
    base_url: str,
    api_key: str,
    *,
    now: datetime,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> CostProbe:
    """One raw `GET /v1/organizations/analytics/cost` for yesterday, with the beta header.

    Raw on purpose: it must tell "offered" from "not offered" whether or not our client knows
    the endpoint yet. 200 is available; 404 and 400 mean this organisation uses the legacy
    reports; anything else is reported as it came.
    """
    start, end = _yesterday(now)
    headers = {"x-api-key": api_key, "anthropic-version": API_VERSION, "anthropic-beta": COST_BETA}
    params = {"starting_at": _iso(start), "ending_at": _iso(end)}
    try:
        with httpx.Client(base_url=base_url, timeout=timeout, transport=transport) as http:
            response = http.get(COST_PATH, params=params, headers=headers)
    except httpx.HTTPError as exc:
        return CostProbe(None, None, f"no answer ({type(exc).__name__})")
    status = response.status_code
    if status == 200:
        return CostProbe(status, True, "offered")
    message = _message(response)
    if status in (400, 404):
        return CostProbe(status, False, f"not offered to this organisation ({status}: {message})")
    return CostProbe(status, None, f"{status}: {message}")


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
        text = str(body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        text = response.reason_phrase
    return text.strip().rstrip(".")[:200]


def check_analytics(settings: Settings, *, now: datetime) -> list[Finding]:
    key = settings.analytics_api_key
    if key is None:
        return [
            Finding(
                "Analytics API key",
                "warn",
                "CLAUDE_ANALYTICS_API_KEY is not set: nothing is synced, answers come from the "
                "store as it is",
                NEW_KEY,
            )
        ]
    start, end = _yesterday(now)
    try:
        with AnalyticsClient.from_settings(settings, retry=QUICK, clock=lambda: now) as client:
            client.cost_report(starting_at=start, ending_at=end, limit=1).first_page()
    except AuthenticationError as exc:
        return [Finding("Analytics API key", "fail", f"rejected (401): {exc.api_message}", NEW_KEY)]
    except PermissionDeniedError as exc:
        return [
            Finding(
                "Analytics API key",
                "fail",
                f"refused (403): {exc.api_message}",
                "the key needs the read:analytics scope on a Claude Enterprise organisation: "
                + NEW_KEY,
            )
        ]
    except (ApiUnavailableError, RateLimitedError) as exc:
        return [Finding("Analytics API key", "warn", f"not checked: {exc}", "try again later")]
    except AnalyticsError as exc:
        return [
            Finding(
                "Analytics API key",
                "fail",
                f"{settings.analytics_base_url} answered: {exc}",
                "CLAUDE_ANALYTICS_BASE_URL must be the API's base URL (https://api.anthropic.com)",
            )
        ]
    found = [
        Finding(
            "Analytics API key",
            "ok",
            f"accepted by {settings.analytics_base_url}, with read:analytics",
        )
    ]
    probe = probe_cost_endpoint(settings.analytics_base_url, key.get_secret_value(), now=now)
    if probe.available is None:
        found.append(
            Finding("Analytics /cost", "warn", f"could not tell: {probe.detail}", "try again later")
        )
    elif probe.available:
        found.append(Finding("Analytics /cost", "ok", "offered (the current cost and usage API)"))
    else:
        detail = f"{probe.detail}: it needs the legacy reports (cost_report and its siblings)"
        found.append(Finding("Analytics /cost", "ok", detail))
    return found
