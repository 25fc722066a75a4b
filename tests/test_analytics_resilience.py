"""Failure paths over real HTTP: cursor restarts, 429 + Retry-After, 5xx, timeouts, auth errors,
and engagement days that are not published yet."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

import httpx
import httpx2
import pytest
from pydantic import SecretStr

from bot.analytics import AnalyticsClient, RetryPolicy
from bot.analytics.errors import (
    ApiUnavailableError,
    AuthenticationError,
    CursorError,
    DataNotYetAvailableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from bot.simulator.server import RunningSimulator
from tests.sim_fixtures import API_PREFIX

DAY = dt.date(2026, 11, 10)
Factory = Callable[..., RunningSimulator]


def connect(
    sim: RunningSimulator,
    *,
    retry: RetryPolicy | None = None,
    key: str | None = None,
    **kwargs: object,
) -> AnalyticsClient:
    return AnalyticsClient(
        base_url=sim.base_url,
        api_key=SecretStr(key or sim.config.api_key),
        retry=retry or RetryPolicy(wait=False),
        clock=sim.now,
        **kwargs,  # type: ignore[arg-type]
    )


def users_requests(sim: RunningSimulator) -> int:
    return int(httpx.get(sim.base_url + "/_sim/requests").json().get(API_PREFIX + "/users", 0))


class PageHook(httpx2.HTTPTransport):
    """Real loopback transport that runs `hook(request)` before sending each `page=` request."""

    def __init__(self, hook: Callable[[httpx2.Request], httpx2.Request]) -> None:
        super().__init__()
        self.hook = hook

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.params.get("page") is not None:
            request = self.hook(request)
        return super().handle_request(request)


def test_expired_cursor_restarts_from_page_one_without_duplicates(make_simulator: Factory) -> None:
    sim = make_simulator(cursor_ttl_seconds=60)
    with connect(sim) as client:
        expected = [r.user for r in client.users(date=DAY)]
    fired: list[str] = []

    def expire_once(request: httpx2.Request) -> httpx2.Request:
        if not fired:  # the simulated clock passes the cursor's TTL mid-sequence, once
            fired.append(str(request.url))
            sim.set_now(sim.now() + dt.timedelta(minutes=2))
        return request

    before = users_requests(sim)
    with connect(sim, transport=PageHook(expire_once)) as client:
        rows = [r.user for r in client.users(date=DAY, limit=4)]
    assert fired
    assert rows == expected  # complete, in order, no duplicates
    pages = -(-len(expected) // 4)
    assert users_requests(sim) - before == pages + 2  # the 410 and one repeated first page


def test_mismatched_cursor_400_also_restarts(simulator: RunningSimulator) -> None:
    tampered: list[bool] = []

    def corrupt_once(request: httpx2.Request) -> httpx2.Request:
        if tampered:
            return request
        tampered.append(True)
        params = [
            (k, "x" + v if k == "page" else v) for k, v in parse_qsl(request.url.query.decode())
        ]
        return httpx2.Request(
            "GET", request.url.copy_with(query=urlencode(params).encode()), headers=request.headers
        )

    with connect(simulator) as client:
        expected = [r.user for r in client.users(date=DAY)]
    with connect(simulator, transport=PageHook(corrupt_once)) as client:
        assert [r.user for r in client.users(date=DAY, limit=5)] == expected


def test_cursor_restarts_are_bounded(make_simulator: Factory) -> None:
    sim = make_simulator(cursor_ttl_seconds=60)

    def always_expire(request: httpx2.Request) -> httpx2.Request:
        sim.set_now(sim.now() + dt.timedelta(minutes=2))
        return request

    before = users_requests(sim)
    with (
        connect(sim, transport=PageHook(always_expire)) as client,
        pytest.raises(CursorError) as raised,
    ):
        list(client.users(date=DAY, limit=4))
    assert raised.value.status == 410
    assert "after 2 restarts" in str(raised.value)
    assert users_requests(sim) - before == 3 * 2  # (first page + rejected second page) x 3


def test_429_waits_for_retry_after_then_succeeds(make_simulator: Factory) -> None:
    sim = make_simulator(rate_limit=5)
    waits: list[float] = []

    def record(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)  # the client's own wait, as the server asked: this is the behaviour

    with connect(sim, retry=RetryPolicy(sleep=record)) as client:
        rows = list(client.users(date=DAY, limit=3))
    pages = -(-len(rows) // 3)
    assert pages > 5
    assert waits
    assert all(w == 1.0 for w in waits)  # Retry-After: 1, not an exponential backoff
    assert users_requests(sim) == pages + len(waits)


def test_429_gives_up_after_max_attempts(make_simulator: Factory) -> None:
    sim = make_simulator(rate_limit=1)
    with connect(sim, retry=RetryPolicy(max_attempts=3, wait=False)) as client:
        list(client.users(date=DAY))  # uses the only token
        with pytest.raises(RateLimitedError) as raised:
            list(client.users(date=DAY))
    assert raised.value.status == 429
    assert "after 3 attempts" in str(raised.value)
    assert raised.value.request_id is not None
    assert users_requests(sim) == 1 + 3


def test_5xx_are_retried_transparently(
    make_simulator: Factory, simulator: RunningSimulator
) -> None:
    with connect(simulator) as client:
        expected = [r.user for r in client.users(date=DAY, limit=4)]
    flaky = make_simulator(fail_rate=0.4)
    waits: list[float] = []
    policy = RetryPolicy(
        max_attempts=10, initial_backoff=0.001, max_backoff=0.004, sleep=waits.append
    )
    with connect(flaky, retry=policy) as client:
        assert [r.user for r in client.users(date=DAY, limit=4)] == expected
    assert users_requests(flaky) == -(-len(expected) // 4) + len(waits)
    assert waits
    assert all(0 < w <= 0.004 for w in waits)  # exponential with jitter, capped


def test_persistent_5xx_become_api_unavailable(make_simulator: Factory) -> None:
    sim = make_simulator(fail_rate=1.0)
    with (
        connect(sim, retry=RetryPolicy(max_attempts=4, wait=False)) as client,
        pytest.raises(ApiUnavailableError) as raised,
    ):
        list(client.users(date=DAY))
    assert raised.value.status in (500, 503, 529)
    assert "after 4 attempts" in str(raised.value)
    assert users_requests(sim) == 4


def test_timeouts_and_refused_connections_are_retried_then_reported(
    make_simulator: Factory,
) -> None:
    slow = make_simulator(latency_ms=400)
    with (
        connect(slow, retry=RetryPolicy(max_attempts=2, wait=False), timeout=0.05) as client,
        pytest.raises(ApiUnavailableError, match="timed out"),
    ):
        list(client.users(date=DAY))
    assert users_requests(slow) == 2
    closed = make_simulator()
    closed.stop()
    with (
        connect(closed, retry=RetryPolicy(max_attempts=2, wait=False)) as client,
        pytest.raises(ApiUnavailableError, match="connection failed"),
    ):
        list(client.users(date=DAY))


def test_wrong_key_is_401_with_the_api_message_and_no_key(
    simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.analytics")
    with (
        connect(simulator, key="sk-wrong-secret") as client,
        pytest.raises(AuthenticationError) as raised,
    ):
        list(client.users(date=DAY))
    message = str(raised.value)
    assert message.startswith("The Analytics API rejected the key (401): invalid x-api-key")
    assert "Primary Owner" in message
    assert raised.value.request_id is not None
    assert raised.value.request_id in caplog.text
    assert "sk-wrong-secret" not in message + caplog.text
    assert users_requests(simulator) == 2  # once in each header dialect, never retried


def test_key_without_scope_is_403(make_simulator: Factory) -> None:
    sim = make_simulator(api_key="demo-key-noscope")
    with connect(sim) as client, pytest.raises(PermissionDeniedError, match="read:analytics"):
        list(client.cost_report(starting_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))


def test_wrong_base_path_is_404(simulator: RunningSimulator) -> None:
    with (
        AnalyticsClient(
            base_url=simulator.base_url + "/proxy",
            api_key=SecretStr("demo-key"),
            clock=simulator.now,
        ) as client,
        pytest.raises(NotFoundError),
    ):
        list(client.skills(date=DAY))


def test_too_recent_day_names_the_latest_available_day(simulator: RunningSimulator) -> None:
    latest = simulator.now().date() - dt.timedelta(days=1)
    ahead = lambda: simulator.now() + dt.timedelta(days=1)  # noqa: E731  # our clock runs a day fast
    with AnalyticsClient(
        base_url=simulator.base_url, api_key=SecretStr("demo-key"), clock=ahead
    ) as client:
        with pytest.raises(DataNotYetAvailableError) as raised:
            list(client.users(date=latest + dt.timedelta(days=1)))
        assert raised.value.latest_available == latest
        assert str(latest) in str(raised.value)
        assert list(client.users(date=raised.value.latest_available))
