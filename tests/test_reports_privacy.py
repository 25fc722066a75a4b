"""Non-admins see groups, never individuals: slices behind fewer than five people are folded.

If one engineer is the only Claude Design user, "Claude Design: $5" is that engineer's spend;
a project used by two people tells what they work on. `min_group` (set by authorization for
non-admins) folds such slices into one, or leaves such ranking rows out, with a note.
"""

from __future__ import annotations

from bot.reports.adoption import adoption
from bot.reports.periods import parse_period
from bot.reports.privacy import SMALL_KEY, SMALL_LABEL
from bot.reports.rankings import ranking
from bot.reports.spend import spend_series
from bot.reports.tokens import token_series
from tests.report_factories import TODAY, StoreBuilder, d

WEEK = parse_period("2026-11-16..2026-11-22", today=TODAY)
CROWD = [f"user_{n}" for n in range(6)]


def _store() -> StoreBuilder:
    s = StoreBuilder()
    day = d("2026-11-17")
    s.cost(day, "16")
    s.cost(day, "10", product="chat", model="m")
    s.cost(day, "5", product="claude_design", model="m")
    s.cost(day, "1", product="cowork", model="m")
    for user in CROWD:
        s.user_cost(day, user, "1", product="chat", model="m")
        s.user_usage(day, user, product="chat", model="m", output=10)
    s.user_cost(day, "user_alone", "5", product="claude_design", model="m")
    s.user_usage(day, "user_alone", product="claude_design", model="m", output=50)
    s.usage(day, output=70)
    s.usage(day, product="chat", model="m", output=60)
    s.usage(day, product="claude_design", model="m", output=10)
    s.project(day, "p_big", "Roadmap", distinct_user_count=7, message_count=40)
    s.project(day, "p_two", "Layoffs plan", distinct_user_count=2, message_count=90)
    s.summary(day, dau=9, wau=9, mau=9, chat_monthly_active_user_count=8,
              claude_design_monthly_active_user_count=1)  # fmt: skip
    return s


def test_admins_see_every_slice_non_admins_see_groups_of_five() -> None:
    s = _store()
    admin = spend_series(s.db, WEEK, by="product")
    assert {row.key for row in admin.breakdown} == {"chat", "claude_design", "cowork"}
    everyone = spend_series(s.db, WEEK, by="product", min_group=5)
    slices = {row.key: row for row in everyone.breakdown}
    assert set(slices) == {"chat", SMALL_KEY}
    assert slices[SMALL_KEY].value == admin.total_microcents - slices["chat"].value
    assert slices[SMALL_KEY].label == SMALL_LABEL
    assert everyone.total_microcents == admin.total_microcents  # totals are unchanged
    assert any("fewer than 5 people" in n for n in everyone.notes)
    for point in everyone.points:
        assert "claude_design" not in point.parts


def test_tokens_fold_the_same_way() -> None:
    tokens = token_series(_store().db, WEEK, by="product", min_group=5)
    assert {row.key for row in tokens.breakdown} == {"chat", SMALL_KEY}


def test_a_ranking_leaves_small_groups_out_and_says_how_many() -> None:
    s = _store()
    assert [r.key for r in ranking(s.db, "projects", WEEK).rows] == ["p_two", "p_big"]
    shown = ranking(s.db, "projects", WEEK, min_group=5)
    assert [r.key for r in shown.rows] == ["p_big"]
    assert any("1 project used by fewer than 5 people is not shown" in n for n in shown.notes)


def test_adoption_hides_a_product_with_fewer_than_five_actives() -> None:
    result = adoption(_store().db, WEEK, min_group=5)
    assert [p.product for p in result.products] == ["chat"]
