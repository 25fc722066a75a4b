"""Digest contents on a hand-built store, every figure computed by hand in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.digest import DigestSpec, build_digest
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
    a = moved.attribution
    assert a is not None
    # +$200 for the org; u2 alone rose $140: 70 % of it, all in Claude Code.
    assert (a.change_microcents, a.people, a.share_pct) == (mc("20000"), 1, 70)
    assert (a.product, a.product_share_pct) == ("claude_code", 100)
    assert [m.user_id for m in moved.people_up] == ["u2", "u3"]
    assert [m.key for m in moved.products_up] == ["claude_code", "chat"]
    text = digest_text(digest)
    assert "What moved it: +$200.00: 70% from 1 person, mostly Claude Code." in text


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


def test_attribution_sentences() -> None:
    from bot.digest.model import Attribution
    from bot.digest.render_parts import attribution_sentence

    three = Attribution(
        change_microcents=mc("124000"),
        carried_microcents=mc("86800"),
        people=3,
        share_pct=70,
        product="claude_code",
        product_label="Claude Code",
        product_share_pct=90,
    )
    assert attribution_sentence(three) == "+$1,240.00: 70% from 3 people, mostly Claude Code."
    more = three.model_copy(
        update={"carried_microcents": mc("200000"), "share_pct": 161, "product_label": None}
    )
    assert attribution_sentence(more) == (
        "+$1,240.00: 3 people added $2,000.00, more than all of it (others moved the other way)."
    )
    down = Attribution(
        change_microcents=-mc("50000"),
        carried_microcents=-mc("40000"),
        people=1,
        share_pct=80,
        product=None,
        product_label=None,
        product_share_pct=None,
    )
    assert attribution_sentence(down) == "−$500.00: 80% from 1 person."


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
    assert digest.movers.attribution is None
    assert "the net change is small (under 5%)" in digest_text(digest)
