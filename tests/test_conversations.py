"""Thread memory, question costs and feedback, as the store keeps them (bot.store.conversations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.conversations import (
    QuestionRecord,
    approx_tokens,
    asking_cost,
    load_history,
    note_thread,
    record_feedback,
    record_question,
    remember,
    thread_context,
)
from bot.store.schema import open_store
from tools.pricing import TokenUsage, price_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_memory_survives_reopening_the_store(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    db = open_store(path)
    remember(db, "D1:1.0", "who spent most?", "Ada, $12.00.", at=NOW)
    db.close()
    again = open_store(path)
    assert [(t.role, t.text) for t in load_history(again, "D1:1.0")] == [
        ("user", "who spent most?"),
        ("assistant", "Ada, $12.00."),
    ]
    assert load_history(again, "D1:2.0") == []


def test_old_exchanges_are_trimmed_to_the_budget_whole() -> None:
    db = open_store(":memory:")
    for i in range(10):
        remember(db, "t", f"question {i} " + "x" * 100, f"answer {i} " + "y" * 100, at=NOW,
                 budget=200)  # fmt: skip
    history = load_history(db, "t")
    assert [t.role for t in history] == ["user", "assistant"] * (len(history) // 2)
    assert history[-1].text.startswith("answer 9")
    assert sum(approx_tokens(t.text) for t in history) <= 200
    assert len(history) == 6  # three exchanges of ~55 tokens each fit in 200
    remember(db, "t", "q" * 2000, "a" * 2000, at=NOW, budget=200)  # too big: kept alone
    assert [t.text[:1] for t in load_history(db, "t")] == ["q", "a"]


def test_asking_cost_sums_recent_questions_and_feedback() -> None:
    db = open_store(":memory:")
    assert asking_cost(db, now=NOW) is None
    base = QuestionRecord(
        thread="t", user_id="U1", asked_at=NOW, mode="claude", outcome="answered",
        model="claude-sonnet-5-5", input_tokens=100, output_tokens=50, cache_read_tokens=900,
        cache_write_tokens=0, cost_microcents=1000,
    )  # fmt: skip
    first = record_question(db, base)
    record_question(db, QuestionRecord(thread="t", user_id="U2", asked_at=NOW, mode="fallback",
                                       outcome="answered"))  # fmt: skip
    old = QuestionRecord(thread="t", user_id="U1", asked_at=NOW - timedelta(days=40),
                         mode="claude", outcome="answered", cost_microcents=99_999)  # fmt: skip
    record_question(db, old)
    assert record_feedback(db, first, "U1", 1, NOW)
    assert record_feedback(db, first, "U1", -1, NOW)  # changed their mind: one vote
    late = NOW - timedelta(microseconds=500)  # an earlier click whose listener ran last
    assert record_feedback(db, first, "U1", 1, late)
    assert not record_feedback(db, 12345, "U1", 1, NOW)
    cost = asking_cost(db, now=NOW)
    assert cost is not None
    assert (cost.questions, cost.fallback_answers, cost.cost_microcents) == (2, 1, 1000)
    assert (cost.thumbs_up, cost.thumbs_down) == (0, 1)
    assert cost.cached_share_pct == pytest.approx(90.0)


def test_thread_context_is_remembered() -> None:
    db = open_store(":memory:")
    note_thread(db, "D1:1", user_id="U1", channel="D1", at=NOW, context_channel="C0GENERAL1")
    note_thread(db, "D1:1", user_id="U1", channel="D1", at=NOW)  # no context: keeps the old one
    assert thread_context(db, "D1:1") == "C0GENERAL1"
    assert thread_context(db, "D9:9") is None


def test_a_question_costs_list_price_per_token() -> None:
    usage = TokenUsage(input_tokens=1_000, output_tokens=100, cache_read_tokens=10_000,
                       cache_write_5m_tokens=2_000)  # fmt: skip
    # Sonnet: $3/M input, $15/M output, reads 0.1×, 5-minute writes 1.25× (micro-cents/token).
    assert (
        usage.cost_microcents("claude-sonnet-5-5")
        == 1_000 * 300 + 100 * 1500 + 10_000 * 30 + 2_000 * 375
    )
    assert usage.cost_microcents("some-other-model") is None
    assert price_of("claude-opus-4-1") != price_of("claude-opus-5")


def test_status_shows_what_asking_cost_to_admins_only() -> None:
    from bot.reports.status import status
    from bot.slack.blocks import render
    from bot.store.run import render_status

    db = open_store(":memory:")
    assert status(db, today=NOW.date()).asking is None  # nobody asked: nothing to show
    record_question(db, QuestionRecord(thread="t", user_id="U1", asked_at=NOW, mode="claude",
                                       outcome="answered", model="claude-sonnet-5-5",
                                       input_tokens=10, cost_microcents=250_000_000))  # fmt: skip
    report = status(db, today=NOW.date())
    assert report.asking is not None
    sentence = report.asking.sentence()
    assert sentence.startswith("Asking Claude, last 30 days: 1 question;")
    assert "$2.50 at list price" in sentence
    assert sentence in render_status("store.db", report)
    assert "Asking Claude" in str(render(report).blocks)
    assert report.for_everyone().asking is None
