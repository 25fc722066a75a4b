"""The SDK as transport, seen from the wire: which headers reach a server, how a client settles on
the headers a strict server wants, `anthropic-beta`, capped `Retry-After`, and what of the
environment it ignores. Every server here is a real loopback one: the simulator in its strict
modes, the guide-only stand-in, or a scripted server for answers neither gives."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import httpx
import pytest
from anthropic._constants import ANTHROPIC_API_VERSION
from pydantic import SecretStr
from sqlite_utils import Database

from bot.analytics import AnalyticsClient, RetryPolicy
from bot.analytics.cli import ENDPOINTS
from bot.analytics.errors import AuthenticationError, BadRequestError
from bot.analytics.session import USAGE_COST_BETA, ApiSession
from bot.simulator.auth import GUIDE_VERSION, SDK_VERSION
from bot.simulator.server import RunningSimulator
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.scripted_api import Answer, ScriptedApi, Seen
from tests.fakes.standin_api import RunningStandin
from tests.sim_fixtures import API_PREFIX, SIM_NOW

pytest_plugins = ["tests.fakes.standin_fixtures"]

DAY = dt.date(2026, 11, 10)
KEY = "sk-ant-transport-secret"
EMPTY_PAGE: dict[str, Any] = {"data": [], "next_page": None}
Factory = Callable[..., RunningSimulator]


def connect(base_url: str, key: str, **kwargs: Any) -> AnalyticsClient:
    kwargs.setdefault("retry", RetryPolicy(wait=False))
    return AnalyticsClient(
        base_url=base_url, api_key=SecretStr(key), clock=lambda: SIM_NOW, **kwargs
    )


def all_requests(sim: RunningSimulator) -> dict[str, int]:
    counts: dict[str, int] = httpx.get(sim.base_url + "/_sim/requests").json()
    return counts


def users_requests(sim: RunningSimulator) -> int:
    return all_requests(sim).get(API_PREFIX + "/users", 0)


def test_the_simulators_sdk_version_is_the_installed_sdks() -> None:
    assert SDK_VERSION == ANTHROPIC_API_VERSION != GUIDE_VERSION


def test_every_endpoint_we_call_is_a_route_of_the_sdks_analytics_resources() -> None:
    resources = Path(anthropic.__file__).parent / "resources"
    route = re.compile(r'span_route="(/v1/organizations/analytics/[^"]+)"')
    routes = {
        found
        for source in resources.rglob("*.py")
        if "analytics" in source.parts
        for found in route.findall(source.read_text(encoding="utf-8"))
    }
    assert len(routes) > 10
    assert {f"{API_PREFIX}/{endpoint}" for endpoint in ENDPOINTS} <= routes


def test_a_guide_only_server_gets_the_guides_headers_and_nothing_else(
    standin: RunningStandin,
) -> None:
    with connect(standin.base_url, standin.config.api_key) as client:
        pages = list(client.users(date=standin.config.latest_engagement_day).pages())
    sent = standin.requests(API_PREFIX + "/users")
    assert len(sent) == len(pages) > 1  # no request spent on finding the headers
    for request in sent:
        assert request.headers["x-api-key"] == standin.config.api_key
        assert request.headers["anthropic-version"] == GUIDE_VERSION
        assert "authorization" not in request.headers
        assert "anthropic-beta" not in request.headers
        assert request.headers["user-agent"].startswith("claude-usage-bot/")


@pytest.mark.parametrize("auth", ["guide", "sdk"])
def test_a_whole_sync_against_a_strict_server_costs_at_most_one_request_more_per_worker(
    make_simulator: Factory, auth: str
) -> None:
    counts: dict[str, dict[str, int]] = {}
    for mode in ("any", auth):
        sim = make_simulator(auth=mode, api_key=KEY, users=30, days=40)
        db: Database = open_store(":memory:")
        with connect(sim.base_url, KEY, max_concurrency=4) as client:
            report = sync(db, client, now=SIM_NOW, since=SIM_NOW.date() - dt.timedelta(days=12))
        assert report.ok, report.failures
        assert db.execute("SELECT count(*) FROM sync_ledger").fetchone()[0] > 20
        db.close()
        counts[mode] = all_requests(sim)
    extra = sum(counts[auth].values()) - sum(counts["any"].values())
    # against the SDK-only server, each request out before the switch is sent again
    assert (1 <= extra <= 4) if auth == "sdk" else extra == 0, extra


@pytest.mark.parametrize("auth", ["any", "guide", "sdk"])
def test_each_strict_server_serves_every_page_and_the_sdk_one_costs_one_request(
    make_simulator: Factory, auth: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = make_simulator(auth=auth, api_key=KEY)
    with connect(sim.base_url, KEY) as client:
        first = [row.user for row in client.users(date=DAY, limit=7)]
        second = [row.user for row in client.users(date=DAY, limit=7)]
    pages = -(-len(first) // 7)
    assert first == second
    assert len(first) > 7
    negotiation = 1 if auth == "sdk" else 0  # the first 401, then remembered
    assert users_requests(sim) == 2 * pages + negotiation
    switches = [r for r in caplog.records if "from now on" in r.getMessage()]
    assert len(switches) == negotiation
    if negotiation:
        assert f"Authorization: Bearer with anthropic-version {SDK_VERSION}" in caplog.text
    assert KEY not in caplog.text  # nothing logged the key, the SDK's debug logs included


def test_concurrent_first_requests_switch_once_and_each_sends_at_most_twice(
    make_simulator: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.analytics")
    sim = make_simulator(auth="sdk", api_key=KEY)
    days = [DAY - dt.timedelta(days=n) for n in range(16)]
    with connect(sim.base_url, KEY, max_concurrency=8) as client:
        fetched = dict(client.map_concurrently(lambda d: len(list(client.users(date=d))), days))
    assert set(fetched) == set(days)
    assert all(fetched.values())
    assert len(days) < users_requests(sim) <= len(days) + 8  # only those sent before the switch
    assert sum("from now on" in r.getMessage() for r in caplog.records) == 1


def test_a_version_the_server_refuses_switches_to_the_sdks_headers() -> None:
    """A server that knows the key either way but only the SDK's version answers 400."""

    def rule(seen: Seen) -> Answer:
        version = seen.headers.get("anthropic-version")
        if version != ANTHROPIC_API_VERSION:
            message = f"anthropic-version: unsupported version {version!r}"
            return 400, {"type": "error", "error": {"type": "x", "message": message}}, {}
        return 200, EMPTY_PAGE, {}

    with ScriptedApi(rule) as api, connect(api.base_url, KEY) as client:
        assert list(client.users(date=DAY)) == []
        assert list(client.users(date=DAY)) == []
    first, second, third = api.requests
    assert (first.headers["x-api-key"], first.headers["anthropic-version"]) == (KEY, GUIDE_VERSION)
    for request in (second, third):
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert request.headers["anthropic-version"] == ANTHROPIC_API_VERSION
        assert "x-api-key" not in request.headers


def test_a_wrong_key_is_tried_once_per_dialect_then_never_again(make_simulator: Factory) -> None:
    sim = make_simulator(auth="guide", api_key=KEY)
    with connect(sim.base_url, "sk-wrong") as client:
        for expected in (2, 3):  # the second call knows no other headers to try
            with pytest.raises(AuthenticationError, match="invalid x-api-key"):
                list(client.users(date=DAY))
            assert users_requests(sim) == expected


def test_a_settled_client_does_not_renegotiate_when_the_key_is_revoked() -> None:
    revoked: list[bool] = []

    def rule(seen: Seen) -> Answer:
        if revoked:
            return 401, {"type": "error", "error": {"type": "x", "message": "revoked"}}, {}
        return 200, EMPTY_PAGE, {}

    with ScriptedApi(rule) as api, connect(api.base_url, KEY) as client:
        list(client.users(date=DAY))
        revoked.append(True)
        with pytest.raises(AuthenticationError, match="revoked"):
            list(client.users(date=DAY))
    assert len(api.requests) == 2
    assert all("x-api-key" in r.headers for r in api.requests)


def test_betas_are_sent_as_anthropic_beta_only_when_asked_for() -> None:
    with ScriptedApi(lambda seen: (200, EMPTY_PAGE, {})) as api:
        session = ApiSession(
            base_url=api.base_url,
            api_key=SecretStr(KEY),
            timeout=10,
            retry=RetryPolicy(wait=False),
            max_connections=1,
        )
        try:
            session.get("cost", [("starting_at", "2026-11-01T00:00:00Z")], betas=[USAGE_COST_BETA])
            session.get("users", [("date", "2026-11-10"), ("products[]", "a b"), ("page", "x+/=")])
        finally:
            session.close()
    beta, plain = api.requests
    assert beta.path == API_PREFIX + "/cost"
    assert beta.headers["anthropic-beta"] == USAGE_COST_BETA
    assert "anthropic-beta" not in plain.headers
    # the query arrives exactly as given: order, bracketed names, spaces and cursor characters
    assert plain.query == [("date", "2026-11-10"), ("products[]", "a b"), ("page", "x+/=")]


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    asked = iter(["3600", "2"])

    def rule(seen: Seen) -> Answer:
        wait = next(asked, None)
        if wait is None:
            return 200, EMPTY_PAGE, {}
        body = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
        return 429, body, {"retry-after": wait}

    waits: list[float] = []
    policy = RetryPolicy(max_retry_after=60.0, sleep=waits.append)
    with ScriptedApi(rule) as api, connect(api.base_url, KEY, retry=policy) as client:
        assert list(client.users(date=DAY)) == []
    assert waits == [60.0, 2.0]  # an hour is capped; two seconds are waited as asked
    assert len(api.requests) == 3


def test_claudes_environment_does_not_reach_the_analytics_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-claude-key")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "sk-ant-claude-token")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ANTHROPIC_CUSTOM_HEADERS", "x-claude-only: 1")
    with ScriptedApi(lambda seen: (200, EMPTY_PAGE, {})) as api:
        with connect(api.base_url, KEY) as client:
            list(client.users(date=DAY))
        (request,) = api.requests
    assert request.headers["x-api-key"] == KEY
    assert "x-claude-only" not in request.headers
    assert "sk-ant-claude" not in repr(request.headers)


def test_redirects_are_not_followed_with_the_key() -> None:
    with ScriptedApi(lambda seen: (200, EMPTY_PAGE, {})) as elsewhere:
        moved = f"{elsewhere.base_url}{API_PREFIX}/users?date=2026-11-10"
        with (
            ScriptedApi(lambda seen: (307, {}, {"location": moved})) as api,
            connect(api.base_url, KEY) as client,
            pytest.raises(BadRequestError) as raised,
        ):
            list(client.users(date=DAY))
        assert elsewhere.requests == []
    assert raised.value.status == 307
