"""Digest contents on a hand-built store, every figure computed by hand in the comments."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.digest import DigestSpec, build_digest
from bot.digest.model import MoverGroup
from bot.digest.render import digest_text, render_digest
from bot.digest.restate import remember
from bot.digest.sections import week_of
from bot.reports.periods import Period
from bot.reports.privacy import SMALL_KEY
from tests.report_factories import StoreBuilder, d, days, mc

DAY = d("2026-11-19")  # a Thursday
CHANNEL = "C0DIGEST01"


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-11-18"):
        s.cost(day, "10000")  # $100 a day
        s.cost(day, "6000", product="claude_code", model="claude-opus-5")
        s.cost(day, "4000", product="chat", model="claude-sonnet-5-5")
    s.cost(DAY, "30000")
    s.cost(DAY, "24000", product="claude_code", model="claude-opus-5")
    s.cost(DAY, "6000", product="chat", model="claude-sonnet-5-5")
    for user, cents, product in (("u1", "1000", "chat"), ("u2", "2000", "claude_code")):
        s.user_cost(d("2026-11-12"), user, cents, product=product)
    s.user_cost(DAY, "u1", "1000", product="chat")
    s.user_cost(DAY, "u2", "16000", product="claude_code")
    s.user_cost(DAY, "u3", "2000", product="claude_code")
    for n, day in enumerate(days("2026-11-03", "2026-11-16")):
        s.summary(day, dau=20 + n, wau=40, mau=60, seats=100)
    return s


def test_daily_spend_against_last_week_the_average_and_the_month(store: StoreBuilder) -> None:
    digest = build_digest(
        store.db, DigestSpec(kind="daily", period=Period.between(DAY, DAY)), channel=CHANNEL
    )
    spend = digest.spend
    assert spend.amount_microcents == mc("30000")
    assert spend.previous is not None
    assert (spend.previous.current, spend.previous.previous) == (mc("30000"), mc("10000"))
    assert spend.previous_label == "vs Thu Nov 12"
    assert spend.average_microcents == mc("10000")  # Nov 12–18, $100 each
    assert spend.revisable_until == date(2026, 12, 19)
    month = digest.month
    assert month is not None
    assert month.mtd is not None
    # Nov 1–19: 18 × $100 + $300 = $2,100, against Oct 1–19: $1,900.
    assert (month.mtd.current, month.mtd.previous) == (mc("210000"), mc("190000"))
    assert month.projected_microcents == (2 * mc("210000") * 30 + 19) // (2 * 19)
    assert month.projection_basis is not None
    assert "run rate over 19 complete days" in month.projection_basis
    assert digest.reported == {DAY: mc("30000")}
    adoption = digest.adoption
    assert adoption is not None
    assert (adoption.day, adoption.dau, adoption.seats) == (date(2026, 11, 16), 33, 100)
    assert adoption.utilisation_pct == pytest.approx(60.0)
    # Two and one people: without --with-people both fold into one slice, as for members.
    assert [(p.key, p.value) for p in digest.products] == [(SMALL_KEY, mc("30000"))]
    assert digest.spenders is None  # no names without --with-people
    assert digest.movers is None


def test_daily_with_people_names_the_movers_and_attributes_the_change(
    store: StoreBuilder,
) -> None:
    digest = build_digest(
        store.db,
        DigestSpec(kind="daily", period=Period.between(DAY, DAY), with_people=True),
    )
    assert digest.spenders is not None
    assert [r.user_id for r in digest.spenders.rows] == ["u2", "u3", "u1"]
    moved = digest.movers
    assert moved is not None
    # +$200 for the org: u2 rose $140 and u3 $20 (u1 did not move); $40 is no seat's.
    assert moved.change_microcents == mc("20000")
    assert moved.material
    assert moved.up == MoverGroup(people=2, change_microcents=mc("16000"))
    assert moved.down is None
    assert moved.not_seat_microcents == mc("4000")
    assert [m.user_id for m in moved.people_up] == ["u2", "u3"]
    assert [m.key for m in moved.products_up] == ["claude_code", "chat"]
    text = digest_text(digest)
    assert "What moved it: +$200.00 net, from moves both ways:" in text
    assert "Up: 2 people" in text
    assert re.search(r"Not tied to a seat +\+\$40\.00", text)


def test_a_product_digest_shows_only_that_product(store: StoreBuilder) -> None:
    digest = build_digest(
        store.db,
        DigestSpec(kind="daily", period=Period.between(DAY, DAY), product="claude_code"),
    )
    assert digest.spend.amount_microcents == mc("24000")
    assert digest.spend.previous is not None
    assert digest.spend.previous.previous == mc("6000")
    assert digest.products == ()
    assert [m.key for m in digest.models] == ["claude-opus-5"]
    assert digest.rankings == ()
    month = digest.month
    assert month is not None
    assert month.mtd is not None
    assert (month.mtd.current, month.mtd.previous) == (mc("132000"), mc("114000"))
    assert render_digest(digest).blocks[0]["text"]["text"] == (
        "Claude Code daily digest · Thu Nov 19"
    )


def test_the_next_digest_says_which_reported_days_were_revised(store: StoreBuilder) -> None:
    first = build_digest(
        store.db, DigestSpec(kind="daily", period=Period.between(DAY, DAY)), channel=CHANNEL
    )
    remember(store.db, CHANNEL, None, first.reported, (), now=datetime.now(UTC))
    store.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = ? AND grouping = ''",
        (mc("31311.55"), DAY.isoformat()),
    )
    nov_20 = d("2026-11-20")
    store.cost(nov_20, "10000")
    spec = DigestSpec(kind="daily", period=Period.between(nov_20, nov_20))
    digest = build_digest(store.db, spec, channel=CHANNEL)
    (restated,) = digest.restatements
    assert (restated.day, restated.reported_microcents, restated.now_microcents) == (
        DAY,
        mc("30000"),
        mc("31311.55"),
    )
    assert "Nov 19 restated from $300.00 to $313.12" in digest_text(digest)
    # Said once: after remembering, the next digest is quiet about it.
    remember(store.db, CHANNEL, None, digest.reported, digest.restatements, now=datetime.now(UTC))
    again = build_digest(store.db, spec, channel=CHANNEL)
    assert again.restatements == ()
    # A drift under 2 % is not worth a line.
    store.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = ? AND grouping = ''",
        (mc("31500"), DAY.isoformat()),
    )
    assert build_digest(store.db, spec, channel=CHANNEL).restatements == ()


def test_weekly_compares_weeks_and_keeps_a_four_week_trend(store: StoreBuilder) -> None:
    week = week_of(d("2026-11-09"), d("2026-11-15"))
    digest = build_digest(store.db, DigestSpec(kind="weekly", period=week))
    assert digest.spend.amount_microcents == mc("70000")
    assert digest.spend.previous is not None
    assert digest.spend.previous.previous == mc("70000")
    assert [(w.start, w.spend_microcents) for w in digest.trend] == [
        (d("2026-10-19"), mc("70000")),
        (d("2026-10-26"), mc("70000")),
        (d("2026-11-02"), mc("70000")),
        (d("2026-11-09"), mc("70000")),
    ]
    # DAU per week: Nov 2 has no summary; Nov 3–8 are 20…25, Nov 9–15 are 26…32.
    assert [w.dau_avg for w in digest.trend][2:] == [22.5, 29.0]
    assert len(digest.reported) == 7
    text = digest_text(digest)
    assert "Claude weekly digest · Nov 9 – Nov 15, 2026" in text
    assert "Last 4 weeks" in text


def test_missing_data_is_said_not_shown_as_zero() -> None:
    empty = StoreBuilder()
    digest = build_digest(empty.db, DigestSpec(kind="daily", period=Period.between(DAY, DAY)))
    assert digest.spend.amount_microcents is None
    assert digest.adoption is None
    text = digest_text(digest)
    assert "Spend on Thu Nov 19: –" in text
    assert "not synced yet" in text


def both_ways(store: StoreBuilder, fallers: int) -> None:
    """Nov 2 against Nov 9 (weeks Nov 2–8 and Nov 9–15): one person +$444, ten more +$250
    each, `fallers` people −$250 each, and +$8.86 no seat owns."""
    before, now = d("2026-11-02"), d("2026-11-09")
    for day in days("2026-11-02", "2026-11-15"):
        store.synced("cost_buckets", day).synced("user_cost", day)
    store.person("big", "big@example.com", "Big Mover")
    store.user_cost(now, "big", "44400")
    for n in range(10):
        store.user_cost(before, f"up{n}", "10000").user_cost(now, f"up{n}", "35000")
    for n in range(fallers):
        store.user_cost(before, f"dn{n}", "40000").user_cost(now, f"dn{n}", "15000")
    store.cost(before, str(10 * 10000 + fallers * 40000))
    store.cost(now, str(44400 + 10 * 35000 + fallers * 15000 + 886))


def test_a_net_change_is_shown_as_the_moves_both_ways_not_one_person() -> None:
    """+$452.86 net once read "98% from 1 person": that person's +$444 while ten others rose
    $250 each and ten fell $250 each. Without names, the groups of five or more are shown."""
    store = StoreBuilder()
    both_ways(store, fallers=10)
    spec = DigestSpec(kind="weekly", period=week_of(d("2026-11-09"), d("2026-11-15")))
    digest = build_digest(store.db, spec)
    moved = digest.movers
    assert moved is not None
    assert moved.change_microcents == mc("45286")
    assert moved.up == MoverGroup(
        people=11, change_microcents=mc("294400"), top_people=5, top_change_microcents=mc("144400")
    )
    assert moved.down == MoverGroup(
        people=10,
        change_microcents=-mc("250000"),
        top_people=5,
        top_change_microcents=-mc("125000"),
    )
    assert moved.not_seat_microcents == mc("886")
    assert (moved.people_up, moved.people_down) == ((), ())
    text = digest_text(digest)
    assert "What moved it: +$452.86 net, from moves both ways:" in text
    assert "Up: 11 people" in text
    assert "+$2,944.00  5 biggest +$1,444.00" in text
    assert "Down: 10 people" in text
    assert "−$2,500.00  5 biggest −$1,250.00" in text
    assert "Not tied to a seat" in text
    assert "from 1 person" not in text
    assert "Big Mover" not in text
    assert "+$452.86 net: 11 people up $2,944.00, 10 people down $2,500.00" in (
        render_digest(digest).text
    )
    named = build_digest(store.db, spec.model_copy(update={"with_people": True}))
    assert named.movers is not None
    assert [m.name for m in named.movers.people_up][:1] == ["Big Mover"]
    assert len(named.movers.people_down) == 3


def test_without_names_a_group_of_fewer_than_five_movers_shows_no_amount() -> None:
    store = StoreBuilder()
    both_ways(store, fallers=3)
    spec = DigestSpec(kind="weekly", period=week_of(d("2026-11-09"), d("2026-11-15")))
    moved = build_digest(store.db, spec).movers
    assert moved is not None
    assert moved.down == MoverGroup(people=3, change_microcents=None)
    text = digest_text(build_digest(store.db, spec))
    assert "Down: fewer than 5 people" in text
    assert "−$750.00" not in text
    # Eleven up, ten or more: their five biggest are summed too (the other six are five or more).
    assert moved.up is not None
    assert (moved.up.people, moved.up.top_people) == (11, 5)
    named = build_digest(store.db, spec.model_copy(update={"with_people": True})).movers
    assert named is not None
    assert named.down == MoverGroup(people=3, change_microcents=-mc("75000"))


def test_a_flat_week_is_not_attributed(store: StoreBuilder) -> None:
    # Nov 12 vs Nov 5 are both $100: nothing to attribute, though people moved.
    store.user_cost(d("2026-11-05"), "u1", "3000", product="chat")
    digest = build_digest(
        store.db,
        DigestSpec(
            kind="daily", period=Period.between(d("2026-11-12"), d("2026-11-12")), with_people=True
        ),
    )
    assert digest.movers is not None
    assert not digest.movers.material
    assert "the net change is small (under 5%)" in digest_text(digest)


def weekday_rhythm(store: StoreBuilder) -> None:
    """Summaries Nov 2 – Sat Nov 14 (Sun Nov 15 not reported yet): 120 people on weekdays of
    the week before and 126 last week, 30 on Saturdays, 25 on Sundays."""
    for day in days("2026-11-02", "2026-11-14"):
        weekday = day.weekday()
        dau = 30 if weekday == 5 else 25 if weekday == 6 else 120 if day.day < 9 else 126
        store.summary(day, dau=dau, wau=200, mau=240, seats=300)


def test_a_weekly_digest_headlines_average_actives_of_its_own_week() -> None:
    store = StoreBuilder()
    weekday_rhythm(store)
    spec = DigestSpec(kind="weekly", period=week_of(d("2026-11-09"), d("2026-11-15")))
    digest = build_digest(store.db, spec)
    text = digest_text(digest)
    assert "Active users · Mon Nov 9 – Sat Nov 14 (Sun Nov 15 not reported yet" in text
    assert "Average daily actives: 110, ▲ +5 (+4.8%) vs the same days a week before" in text
    assert "Daily actives on Sat Nov 14: 30, ▬ no change vs Sat Nov 7" in text
    fallback = render_digest(digest).text
    assert "110 daily actives on average (Nov 9 – Nov 14, 2026)" in fallback
    assert "30 daily actives" not in fallback
    snap = digest.adoption
    assert snap is not None
    # The week's reported days, not the 7 days to Saturday (which reach into the week before).
    assert (snap.window.start, snap.window.end) == (d("2026-11-09"), d("2026-11-14"))
    assert snap.not_reported == Period.between(d("2026-11-15"), d("2026-11-15"))
    # Mon–Sat: (5 × 126 + 30) / 6 = 110, against Mon–Sat the week before: (5 × 120 + 30) / 6.
    assert snap.dau_avg == 110
    assert snap.dau_avg_change is not None
    assert snap.dau_avg_change.previous == 105
    # Saturday's 30 is compared with the Saturday before, not shown as the level.
    assert (snap.day, snap.dau) == (d("2026-11-14"), 30)
    assert snap.dau_change is not None
    assert snap.dau_change.previous == 30


def test_a_product_digest_counts_people_new_to_that_product() -> None:
    """u1 starts with chat, u2 with Claude Code, u3 (a chat user since October) adds Claude
    Code: a Claude Code channel hears of u2 and u3 only."""
    store = StoreBuilder()
    store.synced("users", *days("2026-10-01", "2026-11-15"))
    store.activity(d("2026-10-05"), "u3", chat_metrics__message_count=4)
    store.activity(d("2026-11-10"), "u1", chat_metrics__message_count=3)
    store.activity(
        d("2026-11-11"), "u2", claude_code_metrics__core_metrics__distinct_session_count=2
    )
    store.activity(
        d("2026-11-12"), "u3", claude_code_metrics__core_metrics__distinct_session_count=1
    )
    weekday_rhythm(store)
    week = week_of(d("2026-11-09"), d("2026-11-15"))
    org = build_digest(store.db, DigestSpec(kind="weekly", period=week))
    assert "first time with Claude: 2 people; first time with Claude Code: 2 people." in (
        digest_text(org)
    )
    spec = DigestSpec(kind="weekly", period=week, product="claude_code", with_people=True)
    digest = build_digest(store.db, spec)
    text = digest_text(digest)
    assert "first time with Claude Code: 2 people." in text
    assert "first time with Claude:" not in text
    new = digest.newcomers
    assert new is not None
    assert [(g.label, g.people) for g in new.groups] == [("Claude Code", 2)]
    cowork = build_digest(store.db, DigestSpec(kind="weekly", period=week, product="cowork"))
    assert cowork.newcomers is not None
    assert [(g.label, g.people) for g in cowork.newcomers.groups] == [("Cowork", 0)]
    assert "nobody used Cowork for the first time" in digest_text(cowork)
