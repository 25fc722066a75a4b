"""Which day spend spiked (`spend` names its highest day) and who drove it (`compare <day>`)."""

from __future__ import annotations

from bot.console.render import answer_text
from bot.reports.commands import parse_command, run_command
from tests.report_factories import TODAY, StoreBuilder, d, days


def _store() -> StoreBuilder:
    s = StoreBuilder().person("u1", "ada@x.com", "Ada").person("u2", "bob@x.com", "Bob")
    for day, cents in zip(
        days("2026-11-16", "2026-11-22"), ("10", "90", "15", "10", "12", "3", "4"), strict=True
    ):
        s.cost(day, cents)
    s.user_cost(d("2026-11-16"), "u1", "6").user_cost(d("2026-11-17"), "u1", "80")
    s.user_cost(d("2026-11-16"), "u2", "4").user_cost(d("2026-11-17"), "u2", "1")
    s.synced("user_cost", *days("2026-11-16", "2026-11-22"))
    return s


def _answer(words: str, store: StoreBuilder) -> str:
    return answer_text(run_command(parse_command(words, today=TODAY), store.db, today=TODAY))


def test_spend_names_its_highest_day() -> None:
    store = _store()
    assert "Highest day: Tue Nov 17 ($0.90)" in _answer("spend last-week", store)
    assert "Highest day" not in _answer("spend 2026-11-17", store)  # one day is its own peak


def test_compare_of_one_day_is_against_the_day_before_and_names_who_moved() -> None:
    text = _answer("compare 2026-11-17", _store())
    assert text.startswith("Nov 17, 2026 vs the day before\n")
    assert "Nov 17, 2026 vs Nov 16, 2026" in text
    increases = text.split("Biggest increases in spend", 1)[1].split("Biggest decreases")[0]
    assert "Ada" in increases
    assert "+$0.74" in increases
    assert "Bob" in text.split("Biggest decreases in spend", 1)[1]
