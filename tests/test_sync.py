"""The sync against the real simulator over loopback HTTP: exact totals, incrementality, revisions.

Every check compares the store with the simulator's ground truth (`sim.org`), computed
independently of the HTTP layer, at the simulator's clock: cost to the micro-cent per grouping set,
tokens per grouping set, DAU per day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import AuthenticationError, PermissionDeniedError
from bot.analytics.retry import RetryPolicy
from bot.simulator.server import RunningSimulator
from bot.store.api_state import remembered_latest
from bot.store.fetch import GROUPINGS
from bot.store.freshness import read_freshness
from bot.store.money import cents_to_microcents
from bot.store.run import render_report
from bot.store.runs import run_history
from bot.store.schema import DATASETS_COST, DATASETS_ENGAGEMENT, TOKEN_COLUMNS, open_store
from bot.store.sync import ABORT_AFTER, SyncReport, sync
from bot.store.writers import TABLES

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 45
ENGAGEMENT_PATHS = (
    "users", "summaries", "apps/chat/projects", "projects", "skills", "connectors"
)  # fmt: skip
LATEST = NOW.date() - timedelta(days=1)
"""Today's API (the simulator's default) publishes engagement days a day late."""
PREFIX = "/v1/organizations/analytics/"
COST_ENDPOINTS = ("cost_report", "usage_report", "user_cost_report", "user_usage_report")

MakeSim = Callable[..., RunningSimulator]


def client_for(
    sim: RunningSimulator, now: datetime, *, key: str | None = None, attempts: int = 5
) -> AnalyticsClient:
    """The real client, clock pinned to `now`, retries without waiting."""
    return AnalyticsClient(
        base_url=sim.base_url,
        api_key=SecretStr(key or sim.config.api_key),
        retry=RetryPolicy(wait=False, max_attempts=attempts),
        clock=lambda: now,
    )


def run(db: Database, sim: RunningSimulator, now: datetime, **kwargs: object) -> SyncReport:
    with client_for(sim, now) as client:
        return sync(db, client, now=now, since=sim.org.start, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def sim(make_simulator: MakeSim) -> RunningSimulator:
    return make_simulator(users=40, days=HISTORY_DAYS, now=NOW)


@pytest.fixture
def db() -> Iterator[Database]:
    store = open_store(":memory:")
    yield store
    store.close()


# --- ground truth ----------------------------------------------------------------------------


def _sums(db: Database, sql: str, params: list[object] | None = None) -> dict[str, tuple[int, ...]]:
    return {row[0]: tuple(row[1:]) for row in db.execute(sql, params or [])}


def ledger(db: Database) -> dict[tuple[str, str], tuple[int, int]]:
    rows = db.execute("SELECT dataset, day, final, row_count FROM sync_ledger")
    return {(d, day): (final, count) for d, day, final, count in rows}


def _total(db: Database, dataset: str, expr: str, day: str, grouping: str) -> tuple[int, ...]:
    """Sum of `expr` over one day of a dataset (one grouping set, for the bucketed ones)."""
    where, params = "day = ?", [day]
    if dataset in GROUPINGS:
        where, params = "day = ? AND grouping = ?", [day, grouping]
    sql = f"SELECT {expr} FROM [{TABLES[dataset]}] WHERE {where}"  # noqa: S608
    return tuple(db.execute(sql, params).fetchone())


def assert_matches_simulator(db: Database, sim: RunningSimulator, now: datetime) -> int:
    """Every (dataset, day) in the ledger equals the simulator's truth for that day at `now`;
    no table has rows for a day without a ledger row. Returns how many ledger days were checked."""
    org = sim.org
    recorded = ledger(db)
    for dataset, table in TABLES.items():
        stored = _sums(db, f"SELECT day, count(*) FROM [{table}] GROUP BY day")  # noqa: S608
        days = {day for (d, day) in recorded if d == dataset}
        assert set(stored) <= days, f"{dataset}: rows without a ledger row"
        for day_text in days:
            assert stored.get(day_text, (0,))[0] == recorded[dataset, day_text][1], dataset
    money = "coalesce(sum(amount_microcents), 0), coalesce(sum(list_amount_microcents), 0)"
    tokens = f"coalesce(sum({' + '.join(TOKEN_COLUMNS)}), 0)"
    for dataset, day_text in sorted(recorded):
        day = date.fromisoformat(day_text)
        where = (dataset, day_text)
        if dataset in ("user_cost", "cost_buckets"):
            amount, listed = org.day_cost_total(day, now, seat_only=dataset == "user_cost")
            want = (cents_to_microcents(amount), cents_to_microcents(listed))
            for grouping in GROUPINGS.get(dataset, ("",)):
                assert _total(db, dataset, money, day_text, grouping) == want, (*where, grouping)
        elif dataset in ("user_usage", "usage_buckets"):
            want_tokens = (org.day_token_total(day, now, seat_only=dataset == "user_usage"),)
            for grouping in GROUPINGS.get(dataset, ("",)):
                got = _total(db, dataset, tokens, day_text, grouping)
                assert got == want_tokens, (*where, grouping)
        elif dataset == "users":
            rows, active = _total(
                db, dataset, "count(*), coalesce(sum(is_active), 0)", day_text, ""
            )
            assert rows == len(org.active_users(day)), where
            assert active == len(org.active_users(day)), where
        elif dataset == "summaries":
            (dau,) = _total(db, dataset, "daily_active_user_count", day_text, "")
            assert dau == org.summary_counts(day)["daily"], where
    return len(recorded)


def assert_cost_finality(db: Database, sim: RunningSimulator, now: datetime) -> None:
    """Cost days are final exactly when they ended ≥ 30 days before the export watermark;
    engagement days when they were fetched at least three days old (the revision window)."""
    mark = sim.org.watermark(now)
    for (dataset, day_text), (final, _) in ledger(db).items():
        if dataset in DATASETS_ENGAGEMENT:
            age = (now.date() - date.fromisoformat(day_text)).days
            assert final == int(age >= 3), (dataset, day_text)
            continue
        day_end = datetime.combine(date.fromisoformat(day_text) + timedelta(days=1), dt.time(), UTC)
        assert final == int(mark - day_end >= timedelta(days=30)), (dataset, day_text)


def served(sim: RunningSimulator) -> dict[str, int]:
    """Requests the simulator received per endpoint path, read over HTTP (`GET /_sim/requests`)."""
    counts = httpx.get(sim.base_url + "/_sim/requests", timeout=10).json()
    assert isinstance(counts, dict)
    return {str(k): int(v) for k, v in counts.items()}


def engagement_requests(sim: RunningSimulator) -> int:
    counts = served(sim)
    return sum(counts.get(PREFIX + path, 0) for path in ENGAGEMENT_PATHS)


# --- tests -----------------------------------------------------------------------------------


def test_full_sync_matches_the_simulator_exactly(db: Database, sim: RunningSimulator) -> None:
    report = run(db, sim, NOW)
    assert report.ok, report.failures
    start = sim.org.start
    engagement_days = (LATEST - start).days + 1  # up to yesterday: the day the API names
    cost_days = (NOW.date() - start).days + 1
    assert report.latest_engagement_day == LATEST
    for name in DATASETS_ENGAGEMENT:
        assert report.datasets[name].days_fetched == engagement_days
        assert report.datasets[name].days_unavailable == 0  # no request for an unpublished day
    for name in DATASETS_COST:
        assert report.datasets[name].days_fetched == cost_days
    assert report.data_refreshed_at == sim.org.watermark(NOW)
    checked = assert_matches_simulator(db, sim, NOW)
    assert checked == len(DATASETS_ENGAGEMENT) * engagement_days + 4 * cost_days
    assert_cost_finality(db, sim, NOW)
    # DAU from per-user rows agrees with the API's own summaries, day by day, including users
    # active only in Claude in Chrome (no counter in /users; `last_activity_date` says so).
    dau = db.execute(
        "SELECT s.day, s.daily_active_user_count, count(u.user_id), "
        "coalesce(sum(u.is_active), 0) FROM summaries s "
        "LEFT JOIN user_activity u ON u.day = s.day GROUP BY s.day"
    ).fetchall()
    assert len(dau) == engagement_days
    for day_text, summary_dau, rows, active in dau:
        assert summary_dau == rows, day_text
        assert summary_dau == active, day_text
    # The directory knows every user seen, with emails from /users and names from cost actors.
    (missing_names,) = db.execute(
        "SELECT count(*) FROM directory WHERE user_id IN (SELECT user_id FROM user_cost) "
        "AND name IS NULL"
    ).fetchone()
    assert missing_names == 0
    (users_seen,) = db.execute("SELECT count(DISTINCT user_id) FROM user_activity").fetchone()
    (in_directory,) = db.execute(
        "SELECT count(*) FROM directory WHERE user_id IN (SELECT user_id FROM user_activity)"
    ).fetchone()
    assert users_seen == in_directory > 0


def test_second_sync_fetches_no_engagement_and_only_revisable_cost_days(
    db: Database, sim: RunningSimulator
) -> None:
    """With the export unchanged and the revisable engagement days fetched today already, only
    the probes; `refetch_revisable` re-fetches every revisable day."""
    run(db, sim, NOW)
    revisable = {
        day for (d, day), (final, _) in ledger(db).items() if d == "user_cost" and not final
    }
    moving = {day for (d, day), (final, _) in ledger(db).items() if d == "users" and not final}
    assert revisable
    assert moving == {str(LATEST), str(LATEST - timedelta(days=1))}
    sim.reset_counts()
    report = run(db, sim, NOW)
    assert report.ok
    # One watermark probe per cost/usage endpoint and one "latest day?" question, nothing else.
    assert served(sim) == {**{PREFIX + e: 1 for e in COST_ENDPOINTS}, PREFIX + "users": 1}
    assert engagement_requests(sim) == 1
    assert report.requests == report.probe_requests == 5
    assert report.datasets["users"].days_skipped_unchanged == len(moving)
    assert report.probed_watermark == sim.org.watermark(NOW)
    for name in DATASETS_COST:
        assert report.datasets[name].days_fetched == 0, name
        assert report.datasets[name].days_skipped_unchanged == len(revisable), name
    assert report.datasets["user_cost"].days_skipped_final > 0
    assert report.datasets["users"].days_skipped_final > 0
    assert_matches_simulator(db, sim, NOW)

    sim.reset_counts()
    forced = run(db, sim, NOW, refetch_revisable=True)
    assert forced.ok
    counts = served(sim)
    assert counts.get(PREFIX + "user_cost_report") == len(revisable)
    assert counts.get(PREFIX + "user_usage_report") == len(revisable)
    assert counts.get(PREFIX + "cost_report") == 3  # one ≤31-day window × three grouping sets
    assert counts.get(PREFIX + "usage_report") == 2
    # The revisable engagement days again: one request per day and endpoint (40 users fit a
    # page), `/summaries` one window for both, plus the "latest day?" question.
    for path in ("apps/chat/projects", "projects", "skills", "connectors"):
        assert counts.get(PREFIX + path) == len(moving), path
    assert counts.get(PREFIX + "users") == len(moving) + 1
    assert counts.get(PREFIX + "summaries") == 1
    assert sum(counts.values()) == 2 * len(revisable) + 5 + 5 * len(moving) + 2
    assert forced.probe_requests == 1  # no watermark probes; the latest-day question
    assert forced.datasets["users"].days_fetched == len(moving)
    assert forced.datasets["user_cost"].days_fetched == len(revisable)
    assert forced.datasets["user_cost"].days_skipped_unchanged == 0
    assert forced.datasets["user_cost"].days_skipped_final > 0
    assert_matches_simulator(db, sim, NOW)


def test_advancing_the_clock_picks_up_revisions_and_finalises_old_days(
    db: Database, sim: RunningSimulator
) -> None:
    run(db, sim, NOW)
    before = dict(db.execute("SELECT day, amount_microcents FROM cost_buckets WHERE grouping = ''"))
    later = NOW + timedelta(days=10, hours=5)
    sim.set_now(later)
    sim.reset_counts()
    report = run(db, sim, later)
    assert report.ok, report.failures
    assert_matches_simulator(db, sim, later)
    assert_cost_finality(db, sim, later)
    after = dict(db.execute("SELECT day, amount_microcents FROM cost_buckets WHERE grouping = ''"))
    revised = [day for day in before if after[day] != before[day]]
    assert revised, "late events should have raised some revisable days"
    # Ten more days of engagement, each fetched once, and the two that were still revisable
    # fetched again and now final.
    assert report.datasets["users"].days_fetched == 12
    assert sim.request_counts()[PREFIX + "users"] == 12 + 1  # and the latest-day question
    newly_final = report.datasets["user_cost"].days_final
    assert newly_final == 10


def test_revised_engagement_days_are_refetched_once_a_day_then_final(
    db: Database, sim: RunningSimulator
) -> None:
    """Today's API revises a day "by a few percent over the following days": the store keeps
    the newest numbers, asks at most once per UTC day, and stops once the day is final."""
    run(db, sim, NOW)
    young = str(LATEST)

    def messages() -> int:
        (total,) = db.execute(
            "SELECT sum(chat_metrics__message_count) FROM user_activity WHERE day = ?", (young,)
        ).fetchone()
        return int(total)

    first = messages()
    assert ledger(db)["users", young][0] == 0  # revisable
    later = NOW + timedelta(hours=3)  # same UTC day: not asked again
    sim.set_now(later)
    sim.reset_counts()
    again = run(db, sim, later, only=["users"])
    assert again.datasets["users"].days_fetched == 0
    assert sim.request_counts().get(PREFIX + "users", 0) == 1  # "which day is your latest?"
    next_day = NOW + timedelta(days=1)
    sim.set_now(next_day)
    run(db, sim, next_day, only=["users"])
    second = messages()
    assert second > first  # late events arrived
    assert ledger(db)["users", young][0] == 0  # still inside the window
    final_day = NOW + timedelta(days=2)
    sim.set_now(final_day)
    run(db, sim, final_day, only=["users"])
    assert ledger(db)["users", young][0] == 1
    assert messages() >= second
    truth = sum(
        int(record.metrics["chat_metrics"]["message_count"])
        for user in sim.org.active_users(LATEST)
        if (record := sim.org.user_day(user, LATEST)) is not None
    )
    assert messages() == truth  # the final numbers are the simulator's own


def test_authentication_and_permission_errors_abort_the_sync(
    db: Database, make_simulator: MakeSim
) -> None:
    sim = make_simulator(users=5, days=10, now=NOW)
    run(db, sim, NOW, only=["users"])
    before = ledger(db)
    assert before
    with client_for(sim, NOW, key="not-the-key") as client, pytest.raises(AuthenticationError):
        sync(db, client, now=NOW, since=sim.org.start, until=None, only=None)
    assert ledger(db) == before  # what was committed stays; nothing new half-written
    noscope = make_simulator(users=5, days=10, now=NOW, api_key="demo-noscope")
    with client_for(noscope, NOW) as client, pytest.raises(PermissionDeniedError):
        sync(db, client, now=NOW, since=noscope.org.start, until=None, only=["user_cost"])


def test_days_failing_after_retries_are_reported_and_the_rest_is_stored(
    db: Database, make_simulator: MakeSim
) -> None:
    sim = make_simulator(users=20, days=20, now=NOW, fail_rate=0.3)
    with client_for(sim, NOW, attempts=1) as client:
        report = sync(db, client, now=NOW, since=sim.org.start, until=None, only=None)
    assert report.failures
    assert not report.ok
    failed = {(f.dataset, f.start) for f in report.failures}
    for dataset, start in failed:
        assert (dataset, start.isoformat()) not in ledger(db)
    assert len(ledger(db)) > 0
    assert_matches_simulator(db, sim, NOW)
    with client_for(sim, NOW, attempts=10) as client:
        again = sync(db, client, now=NOW, since=sim.org.start, until=None, only=None)
    assert again.ok, again.failures
    for dataset, start in failed:
        assert (dataset, start.isoformat()) in ledger(db)
    assert_matches_simulator(db, sim, NOW)


@pytest.mark.parametrize("legacy", [False, True])
def test_the_api_names_its_latest_day_and_nothing_newer_is_asked_for(
    db: Database, make_simulator: MakeSim, legacy: bool
) -> None:
    """No constant lag: the API's own latest day (a day late today, three in the guide's era)
    is asked for, remembered, and nothing after it is requested even when our clock runs
    ahead of the API's."""
    sim = make_simulator(users=40, days=HISTORY_DAYS, now=NOW, legacy=legacy)
    latest = NOW.date() - timedelta(days=3 if legacy else 1)
    ahead = NOW + timedelta(days=2)
    with client_for(sim, ahead) as client:
        report = sync(db, client, now=ahead, since=NOW.date() - timedelta(days=8), only=["users"])
    assert report.ok
    assert report.latest_engagement_day == latest
    assert report.datasets["users"].days_unavailable == 0
    assert max(day for (_, day) in ledger(db)) == latest.isoformat()
    # The days from the 8th day back to the latest, and the one question.
    assert sim.request_counts()[PREFIX + "users"] == (latest - NOW.date()).days + 9 + 1
    assert remembered_latest(db) == (latest, ahead)


def test_only_limits_the_datasets_and_until_the_days(db: Database, sim: RunningSimulator) -> None:
    until = sim.org.start + timedelta(days=4)
    report = run(db, sim, NOW, until=until, only=["user_cost", "summaries"])
    assert set(report.datasets) == {"summaries", "user_cost"}
    assert {d for (d, _) in ledger(db)} == {"summaries", "user_cost"}
    assert max(day for (_, day) in ledger(db)) == until.isoformat()
    assert_matches_simulator(db, sim, NOW)


def test_every_sync_is_recorded_even_one_that_writes_nothing(
    db: Database, sim: RunningSimulator
) -> None:
    """The store's "last synced" is the last good sync, not the newest write: an unchanged
    export must not leave the store looking stale (and every command syncing again)."""
    run(db, sim, NOW)
    later = NOW + timedelta(hours=2)  # same export: nothing new is written
    report = run(db, sim, later, only=["users", "user_cost"])
    assert report.rows_written == 0
    fresh = read_freshness(db)
    assert fresh.last_sync_at is not None
    assert fresh.last_sync_at >= later
    history = run_history(db)
    assert history.last_ok is not None
    assert history.last_ok.outcome == "ok"
    assert history.consecutive_failures == 0


def test_an_outage_stops_the_sync_early_and_is_recorded(
    db: Database, make_simulator: MakeSim
) -> None:
    down = make_simulator(users=20, days=20, now=NOW, fail_rate=1.0)
    with client_for(down, NOW) as client:
        report = sync(db, client, now=NOW, since=down.org.start)
    assert report.aborted is not None
    assert "none succeeded" in report.aborted
    planned = 6 * 19 + 4 * 20  # what a full sync of this org would fetch
    spent = sum(down.request_counts().values())
    # The breaker stops fetching; the probes before the plan (four watermarks, the latest
    # engagement day, `/projects`) come on top, each retried too.
    assert spent <= (ABORT_AFTER + 8 + 6) * 5, f"{spent} requests for {planned} tasks"
    history = run_history(db)
    assert history.consecutive_failures == 1
    assert history.last_failure is not None
    assert history.last_failure.error_kind == "unavailable"
    assert "stopped early" in render_report(report)
