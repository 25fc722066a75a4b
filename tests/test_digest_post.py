"""Scheduled digests through the fake Slack Web API: posted once at their time, with charts.

The clock is controlled (`Clock`); the scheduler's `tick(now)` is what APScheduler calls every
minute, so these tests run the real schedule, claim, post and upload code without waiting.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx
import pytest
from pydantic import SecretStr

from bot.console.render import blocks_to_text
from bot.digest import build_digest
from bot.digest.model import DigestSpec
from bot.digest.render import digest_text
from bot.digest.schedule import report_period
from bot.scheduler import DigestScheduler, plan_runs, settings_syncer
from bot.simulator.server import RunningSimulator
from bot.slack.digest_post import publish_digest
from bot.slack.manage import subscriptions_message
from bot.slack.mrkdwn import escape
from bot.slack.once import METADATA_EVENT, Poster
from bot.store import posts
from bot.store.subscriptions import DigestKind, list_subscriptions
from tests.fakes.digest_env import DigestEnv
from tests.fakes.slack_env import DIGEST_CHANNEL, GENERAL, NOW

pytest_plugins = ["tests.fakes.slack_fixtures", "tests.fakes.digest_fixtures"]

WINTER_NINE_BERLIN = datetime(2026, 11, 20, 8, 0, 5, tzinfo=UTC)
CLAIM = f"{DIGEST_CHANNEL}/daily/2026-11-19/0"


def metadata(body: dict[str, object]) -> dict[str, object]:
    value = body["metadata"]
    parsed = json.loads(value) if isinstance(value, str) else value
    assert isinstance(parsed, dict)
    return parsed


def test_a_subscription_posts_once_at_its_time_with_its_charts(digest_env: DigestEnv) -> None:
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    scheduler = env.scheduler("one")
    assert scheduler.tick(env.clock.at(datetime(2026, 11, 20, 7, 59, 5, tzinfo=UTC))) == []
    assert env.top_level_posts() == []

    (run,) = scheduler.tick(env.clock.at(WINTER_NINE_BERLIN))
    assert run.outcome == "posted"
    assert run.charts == 2
    (post,) = env.top_level_posts()
    meta = metadata(post.body)
    assert meta["event_type"] == METADATA_EVENT
    assert meta["event_payload"] == {"claim": CLAIM, "kind": "daily", "period": "2026-11-19"}
    assert "Claude daily digest · Thu Nov 19" in post.text
    (done,) = env.post_rows()
    assert (done["state"], done["ts"]) == ("done", run.ts)

    # The charts went into the digest's thread, as two PNG files.
    (complete,) = env.fake.requests("files.completeUploadExternal")
    assert complete.body["channel_id"] == DIGEST_CHANNEL
    assert complete.body["thread_ts"] == run.ts
    files = json.loads(str(complete.body["files"]))
    assert [f["title"] for f in files] == [
        "Claude spend by product, last 30 days",
        "Active users, last 30 days",
    ]
    uploads = env.fake.requests("upload")
    assert len(uploads) == 2
    assert all(u.raw.startswith(b"\x89PNG\r\n\x1a\n") for u in uploads)

    # Later ticks, and a restarted process, find it posted and send nothing.
    assert scheduler.tick(env.clock.at(datetime(2026, 11, 20, 8, 1, 5, tzinfo=UTC))) == []
    assert env.scheduler("restarted").tick(env.clock()) == []
    assert len(env.top_level_posts()) == 1
    assert len(env.fake.requests("files.completeUploadExternal")) == 1


def test_a_crash_between_post_and_mark_is_found_in_the_history(digest_env: DigestEnv) -> None:
    """The dead process claimed and posted, then died before marking: its message is in Slack
    with metadata naming the claim, and the claim has no ts. The next process finds the message
    and posts nothing new; once the dead holder's lease is over (it might only have been slow),
    it does the follow-ups the dead one never did: the charts, once."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    env.clock.at(WINTER_NINE_BERLIN)
    db = env.db()
    key = posts.PostKey(DIGEST_CHANNEL, "daily", "2026-11-19")
    assert posts.claim(db, key, owner="dead", now=env.clock(), lease=timedelta(minutes=10))
    dead = env.client().chat_postMessage(
        channel=DIGEST_CHANNEL,
        text="Claude daily digest (posted by the process that died)",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"claim": CLAIM}},
    )
    db.close()

    (run,) = env.scheduler("next").tick(env.clock.at(datetime(2026, 11, 20, 8, 1, 5, tzinfo=UTC)))
    assert run.outcome == "recovered"
    assert run.ts == dead["ts"]
    assert len(env.top_level_posts()) == 1
    (row,) = env.post_rows()
    assert (row["state"], row["ts"]) == ("posted", dead["ts"])
    assert env.fake.requests("files.completeUploadExternal") == []

    after_lease = env.clock.at(datetime(2026, 11, 20, 8, 11, 5, tzinfo=UTC))
    (run,) = env.scheduler("next").tick(after_lease)
    assert (run.outcome, run.charts) == ("already_posted", 2)
    assert env.scheduler("next").tick(after_lease) == []
    assert len(env.top_level_posts()) == 1
    (row,) = env.post_rows()
    assert (row["state"], row["ts"]) == ("done", dead["ts"])
    (complete,) = env.fake.requests("files.completeUploadExternal")
    assert complete.body["thread_ts"] == dead["ts"]


def test_two_schedulers_on_one_store_post_once(digest_env: DigestEnv) -> None:
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    env.clock.at(WINTER_NINE_BERLIN)
    first, second = env.scheduler("serve-a"), env.scheduler("serve-b")
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def run(name: str, scheduler: DigestScheduler) -> None:
        start.wait()
        outcomes = [r.outcome for r in scheduler.tick(WINTER_NINE_BERLIN)]
        results[name] = ",".join(outcomes)

    threads = [
        threading.Thread(target=run, args=(name, s)) for name, s in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(env.top_level_posts()) == 1
    outcomes = list(results.values())
    assert outcomes.count("posted") == 1
    (other,) = [o for o in outcomes if o != "posted"]
    # The other saw the claim: still being sent, already marked, or found in Slack unmarked.
    assert other in ("in_progress", "already_posted", "recovered")
    assert len(env.fake.requests("files.completeUploadExternal")) == 1


def test_a_post_whose_answer_is_lost_is_not_sent_again(digest_env: DigestEnv) -> None:
    """Slack stored the message but the connection broke before the answer: no retry posts it
    again; after the lease, the next tick finds it in the history."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    env.fake.drop_answer("chat.postMessage", times=1)
    (run,) = env.scheduler("one").tick(env.clock.at(WINTER_NINE_BERLIN))
    assert run.outcome == "failed"
    assert len(env.top_level_posts()) == 1
    later = env.clock.at(datetime(2026, 11, 20, 8, 20, 5, tzinfo=UTC))
    (again,) = env.scheduler("two").tick(later)
    assert again.outcome == "recovered"
    assert len(env.top_level_posts()) == 1
    assert env.post_rows()[0]["state"] == "done"


def test_a_missed_run_is_caught_up_within_the_grace_and_skipped_after(
    digest_env: DigestEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    scheduler = env.scheduler("back")
    (run,) = scheduler.tick(env.clock.at(datetime(2026, 11, 20, 10, 30, tzinfo=UTC)))
    assert run.outcome == "posted"  # 2.5 h late, within the default 3 h grace
    caplog.set_level("WARNING", logger="bot.scheduler")
    late = env.clock.at(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))  # 4 h after Nov 21's time
    assert scheduler.tick(late) == []
    assert scheduler.tick(late) == []
    assert caplog.text.count("skipped the daily digest for 2026-11-20") == 1
    rows = {r["period"]: r["state"] for r in env.post_rows()}
    assert rows == {"2026-11-19": "done", "2026-11-20": "skipped"}
    assert len(env.top_level_posts()) == 1


def test_a_subscriber_at_utc_plus_13_is_sent_the_last_complete_utc_day(
    digest_env: DigestEnv,
) -> None:
    env = digest_env
    env.subscribe("daily", "09:00", "Pacific/Auckland")
    # Friday Nov 20, 09:00 NZDT = Thursday Nov 19, 20:00 UTC: Thursday is not complete yet.
    (run,) = env.scheduler("nz").tick(env.clock.at(datetime(2026, 11, 19, 20, 0, 5, tzinfo=UTC)))
    assert run.key.period == "2026-11-18"
    (post,) = env.top_level_posts()
    assert "Claude daily digest · Wed Nov 18" in post.text


def test_each_run_syncs_first_from_the_simulator(
    digest_env: DigestEnv, tmp_path: Path, make_simulator: Callable[..., RunningSimulator]
) -> None:
    """An empty store: the scheduled run syncs from the (simulated) Analytics API first, so the
    digest has yesterday's spend and the charts have data."""
    sim = make_simulator(users=40, days=60, now=NOW)
    settings = digest_env.settings.model_copy(
        update={
            "db_path": tmp_path / "fresh.db",
            "analytics_base_url": sim.base_url,
            "analytics_api_key": SecretStr("demo-key"),
        }
    )
    env = DigestEnv(digest_env.fake, settings.db_path, digest_env.clock, settings)
    env.subscribe("daily", "13:00", "UTC")
    scheduler = DigestScheduler(
        settings, env.client(), owner="fresh", now=env.clock, syncer=settings_syncer(settings)
    )
    (run,) = scheduler.tick(env.clock.at(NOW + timedelta(hours=1)))
    assert (run.outcome, run.charts) == ("posted", 2)
    (post,) = env.top_level_posts()
    assert "Spend on Thu Nov 19: $" in blocks_to_text(post.blocks)
    assert "Spend on Thu Nov 19: –" not in blocks_to_text(post.blocks)
    served = httpx.get(sim.base_url + "/_sim/requests").json()
    assert any("cost_report" in path for path in served)


def test_serve_runs_the_scheduler_jobs_in_the_background(digest_env: DigestEnv) -> None:
    scheduler = digest_env.scheduler("bg", alerts=lambda db, now: None)
    scheduler.start()
    try:
        assert sorted(scheduler.job_ids()) == ["alerts", "digests"]
    finally:
        scheduler.shutdown()
    assert scheduler.job_ids() == []


def test_a_person_can_post_a_skipped_run_once_and_force_another(digest_env: DigestEnv) -> None:
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    late = env.clock.at(datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # beyond the 3 h grace
    scheduler = env.scheduler("serve")
    assert scheduler.tick(late) == []
    db = env.db()
    spec = DigestSpec(kind="daily", period=report_period("daily", late))
    person = Poster(env.client(), "cli", now=env.clock)
    first = publish_digest(person, db, channel=DIGEST_CHANNEL, spec=spec, manual=True)
    again = publish_digest(person, db, channel=DIGEST_CHANNEL, spec=spec, manual=True)
    assert (first.outcome, first.key.attempt) == ("posted", 1)
    assert (again.outcome, again.key.attempt) == ("already_posted", 1)
    forced = publish_digest(person, db, channel=DIGEST_CHANNEL, spec=spec, force=True)
    assert (forced.outcome, forced.key.attempt) == ("posted", 2)
    assert forced.key.claim_id == f"{DIGEST_CHANNEL}/daily/2026-11-19/2"
    assert len(env.top_level_posts()) == 2
    assert scheduler.tick(late) == []  # the scheduler leaves the skipped run skipped
    db.close()


def test_an_unreadable_history_never_leads_to_a_guess(digest_env: DigestEnv) -> None:
    """A dead holder's claim in a channel the bot was removed from: its post cannot be looked
    for, so nothing is sent, and the other subscriptions still run."""
    env = digest_env
    channels = frozenset({DIGEST_CHANNEL, "C0GENERAL1"})
    env.settings = env.settings.model_copy(update={"digest_channels": channels})
    env.subscribe("daily", "09:00", "Europe/Berlin")
    env.subscribe("daily", "09:00", "Europe/Berlin", channel="C0GENERAL1")
    db = env.db()
    gone = posts.PostKey(DIGEST_CHANNEL, "daily", "2026-11-19")
    posts.claim(db, gone, owner="dead", now=WINTER_NINE_BERLIN, lease=timedelta(minutes=10))
    db.close()
    env.fake.leave(DIGEST_CHANNEL)
    runs = env.scheduler("next").tick(env.clock.at(WINTER_NINE_BERLIN + timedelta(minutes=30)))
    assert {(r.key.channel, r.outcome) for r in runs} == {
        (DIGEST_CHANNEL, "failed"),
        ("C0GENERAL1", "posted"),
    }
    assert env.top_level_posts() == []
    assert len(env.top_level_posts("C0GENERAL1")) == 1


def test_without_the_history_scopes_a_dead_holders_post_is_sent_once_its_lease_ran_out(
    digest_env: DigestEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """An operator who left channels:history out of the manifest: the dead holder's post cannot
    be looked for, so it is sent once its claim expired (maybe twice in Slack, as manifest.yaml
    warns), with a warning, never withheld for good; inside the lease nothing is sent."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    db = env.db()
    key = posts.PostKey(DIGEST_CHANNEL, "daily", "2026-11-19")
    posts.claim(db, key, owner="dead", now=WINTER_NINE_BERLIN, lease=timedelta(minutes=10))
    db.close()
    env.fake.fail("conversations.history", "missing_scope")
    early = env.scheduler("next").tick(env.clock.at(WINTER_NINE_BERLIN + timedelta(minutes=5)))
    assert [r.outcome for r in early] == ["in_progress"]
    assert env.top_level_posts() == []
    late = env.scheduler("next").tick(env.clock.at(WINTER_NINE_BERLIN + timedelta(minutes=30)))
    assert [r.outcome for r in late] == ["posted"]
    assert len(env.top_level_posts()) == 1
    assert "it may appear twice" in caplog.text


QUICK = 1.0
"""Seconds a tick that posts nothing, or an alert check, may take: it reads one small table."""
POSTING = 30.0
"""Seconds a tick that builds, posts and charts a digest may take on a busy machine."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail the test, instead of hanging the suite, if the block runs longer than `seconds`
    (SIGALRM interrupts the main thread even inside a busy loop); pytest-timeout's own alarm,
    if set, is put back afterwards."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (seconds - left), 0.01))


@pytest.mark.parametrize(
    ("kind", "at", "tz", "weekday", "fire"),
    [
        # 01:30 comes twice on Nov 1, 2026 in New York (05:30 and 06:30 UTC).
        ("daily", "01:30", "America/New_York", 0, datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        # 02:15 comes twice on Sunday Oct 25, 2026 in Berlin (00:15 and 01:15 UTC).
        ("weekly", "02:15", "Europe/Berlin", 6, datetime(2026, 10, 25, 0, 15, tzinfo=UTC)),
        # Lord Howe falls back 30 minutes on Apr 5, 2026: 01:45 is 14:45 and 15:15 UTC.
        ("daily", "01:45", "Australia/Lord_Howe", 0, datetime(2026, 4, 4, 14, 45, tzinfo=UTC)),
        # 02:30 does not exist on Mar 8, 2026 in New York: 03:30 EDT instead.
        ("daily", "02:30", "America/New_York", 0, datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # Lord Howe skips 02:00-02:30 on Oct 4, 2026: 02:15 becomes 02:45 (+11), 15:45 UTC.
        ("daily", "02:15", "Australia/Lord_Howe", 0, datetime(2026, 10, 3, 15, 45, tzinfo=UTC)),
    ],
    ids=["new-york-fall", "berlin-fall", "lord-howe-fall", "new-york-spring", "lord-howe-spring"],
)
def test_a_time_the_clocks_repeat_or_skip_posts_once_and_never_wedges(
    digest_env: DigestEnv, kind: DigestKind, at: str, tz: str, weekday: int, fire: datetime
) -> None:
    """Ticks every 5 minutes through that night (the fire times are on that grid): the digest is
    posted once, at the first occurrence of its time (or the shifted one, where the clocks skip
    it), and no tick or alert check hangs (the old loop spun forever from the repeated time)."""
    env = digest_env
    env.subscribe(kind, at, tz, weekday=weekday, created_at=fire - timedelta(days=10))
    checked: list[datetime] = []
    scheduler = env.scheduler("dst", alerts=lambda db, now: checked.append(now))
    posted: list[datetime] = []
    moment = fire - timedelta(hours=1) + timedelta(seconds=5)
    while moment < fire + timedelta(hours=3):
        env.clock.at(moment)
        with within(POSTING if moment == fire + timedelta(seconds=5) else QUICK):
            runs = scheduler.tick(moment)
        posted += [moment for run in runs if run.outcome == "posted"]
        if moment.minute == 0:
            with within(QUICK):
                scheduler.check_alerts(moment)
        moment += timedelta(minutes=5)
    assert posted == [fire + timedelta(seconds=5)]
    assert len(env.top_level_posts()) == 1
    assert len(checked) == 4


def test_a_restart_after_the_repeated_hour_catches_up_once_without_hanging(
    digest_env: DigestEnv,
) -> None:
    """Issue 19's case: `daily 01:30 America/New_York`, the bot (re)started at 07:00 UTC on the
    night New York falls back, after both 01:30s: the catch-up tick posts once and returns, and
    so does everything after it."""
    env = digest_env
    env.subscribe(
        "daily", "01:30", "America/New_York", created_at=datetime(2026, 10, 20, tzinfo=UTC)
    )
    now = env.clock.at(datetime(2026, 11, 1, 7, 0, tzinfo=UTC))
    db = env.db()
    try:
        with within(QUICK):
            (due,) = plan_runs(db, list_subscriptions(db), now, timedelta(hours=3), env.settings)
    finally:
        db.close()
    assert due.fired_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    scheduler = env.scheduler("restarted", alerts=lambda db, now: None)
    with within(POSTING):
        (run,) = scheduler.tick(now)
    assert (run.outcome, run.key.period) == ("posted", "2026-10-31")
    with within(QUICK):
        scheduler.check_alerts(now)
    for minutes in range(1, 6 * 60, 7):
        with within(QUICK):
            assert scheduler.tick(env.clock.at(now + timedelta(minutes=minutes))) == []
    assert len(env.top_level_posts()) == 1


def test_a_digest_without_names_folds_products_fewer_than_five_people_used(
    digest_env: DigestEnv,
) -> None:
    """Nov 19 in the simulated org: one person used Cowork, for $61.84. A digest without
    `--with-people` is read by the whole channel, so it folds that slice as a member's answer
    does, in the message and in the chart; with names (an admin's choice) it is shown."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin")
    (run,) = env.scheduler("one").tick(env.clock.at(WINTER_NINE_BERLIN))
    assert run.outcome == "posted"
    (post,) = env.top_level_posts()
    text = blocks_to_text(post.blocks)
    cowork_alone = re.compile(r"(?<!Chat and )Cowork(?! \(unified\))")  # 5 use the unified mode
    assert not cowork_alone.search(text), text
    assert "$61.84" not in text
    assert "Fewer than 5 people each" in text
    alt = [r.body["alt_txt"] for r in env.fake.requests("files.getUploadURLExternal")]
    assert "Fewer than 5 people each" in alt[0]
    assert not cowork_alone.search(alt[0]), alt[0]

    db = env.db()
    try:
        spec = DigestSpec(
            kind="daily", period=report_period("daily", WINTER_NINE_BERLIN), with_people=True
        )
        named = digest_text(build_digest(db, spec))
    finally:
        db.close()
    assert re.search(r"Cowork +\$61\.84", named), named


def test_the_chart_comment_is_escaped_mrkdwn(digest_env: DigestEnv) -> None:
    """The comment above the charts is mrkdwn, and the digest's title holds the product's name
    (a key the API chose, shown as is when it has no label): it is escaped like any API text."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin", product="lab/_beta_")
    (run,) = env.scheduler("one").tick(env.clock.at(WINTER_NINE_BERLIN))
    assert (run.outcome, run.charts) == ("posted", 2)
    (complete,) = env.fake.requests("files.completeUploadExternal")
    title = "lab/_beta_ daily digest · Thu Nov 19"
    assert complete.body["initial_comment"] == f"Charts for the {escape(title)}."
    assert "_beta_" not in str(complete.body["initial_comment"])


def test_a_subscription_outside_the_digest_channels_is_never_posted(
    digest_env: DigestEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """A channel taken off CLAUDE_USAGE_DIGEST_CHANNELS after it subscribed (here: never on
    it): its runs are recorded as skipped and logged once, nothing reaches it, the digest
    channel still gets its own, and `digest list` says which is not posted."""
    env = digest_env
    env.subscribe("daily", "09:00", "Europe/Berlin", channel=GENERAL, with_people=True)
    env.subscribe("daily", "09:00", "Europe/Berlin")
    caplog.set_level("WARNING", logger="bot.scheduler")
    scheduler = env.scheduler("one")
    (run,) = scheduler.tick(env.clock.at(WINTER_NINE_BERLIN))
    assert run.key.channel == DIGEST_CHANNEL
    assert scheduler.tick(env.clock.at(WINTER_NINE_BERLIN + timedelta(minutes=1))) == []
    assert env.top_level_posts(GENERAL) == []
    assert len(env.top_level_posts()) == 1
    assert caplog.text.count(f"in {GENERAL}: not a digest channel") == 1
    states = {(r["channel"], r["state"]) for r in env.post_rows()}
    assert states == {(DIGEST_CHANNEL, "done"), (GENERAL, "skipped")}
    db = env.db()
    try:
        listed = subscriptions_message(list_subscriptions(db), env.clock(), env.settings)
    finally:
        db.close()
    text = blocks_to_text(listed.blocks)
    assert (
        f"#{GENERAL}: daily at 09:00 Europe/Berlin (with names); not posted: not a digest" in text
    )
    assert f"#{DIGEST_CHANNEL}: daily at 09:00 Europe/Berlin; next Sat Nov 21" in text
