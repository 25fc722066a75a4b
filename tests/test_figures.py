"""The figure check: a number in an answer must be found in that turn's tool results."""

from __future__ import annotations

import pytest

from tools.figures import FigureCheck, figures_in

RESULT = (
    '{"total":"$7,272.00","people_with_spend":252,"share_pct":7.9,"change":{"change":"-$20.15",'
    '"change_pct":-10.0},"total_tokens":670404329,"period":{"start":"2026-11-09"}}'
)


def check(answer: str) -> list[str]:
    figures = FigureCheck()
    figures.add_evidence(RESULT)
    return figures.check(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Spend was $7,272.00 across 252 people.",
        "Spend was $7,272 (about $7.3k, or 7272 dollars).",
        "The top spender had 7.9% (roughly 8%) of it.",
        "Down $20.15 (-10%), or −$20.15 (−10.0%).",
        "That is 670,404,329 tokens, about 670.4M or 0.67 billion.",
        "From Nov 9, 2026 to 2026-11-15, synced at 12:00 UTC.",
        "1. Ada\n2. Grace\n3. Linus",
        "claude-opus-5 and claude-sonnet-5 over 7d, for user_01AbC9.",
    ],
)
def test_figures_written_another_way_are_found(answer: str) -> None:
    assert check(answer) == []


@pytest.mark.parametrize(
    ("answer", "invented"),
    [
        ("Spend was $98,765.43 last week.", ["$98,765.43"]),
        ("Spend was $7,273.00.", ["$7,273.00"]),
        ("Adoption rose 12.5%.", ["12.5%"]),
        ("About $9.1k went to Opus.", ["$9.1k"]),
        ("253 people spent.", ["253"]),
    ],
)
def test_an_invented_or_miscopied_figure_is_caught(answer: str, invented: list[str]) -> None:
    assert check(answer) == invented


def test_the_caveat_names_the_figures_and_evidence_grows_during_a_turn() -> None:
    figures = FigureCheck()
    figures.add_evidence(RESULT)
    assert figures.caveat() is None
    figures.check("It was $1,234.56.")
    assert figures.check("Then $555.00.") == ["$555.00"]
    figures.add_evidence('{"spend":"$555.00"}')
    assert figures.check("Again $555.00.") == []
    caveat = figures.caveat()
    assert caveat is not None
    assert "$1,234.56" in caveat
    assert "$555.00" in caveat
    assert figures.checked == 3
    assert not figures.ok


def test_what_counts_as_a_figure() -> None:
    found = [f.text for f in figures_in("Top 3: $1.2M (12%), 4,500 users, Q4, 3x, 2026-11-01.")]
    assert found == ["3", "$1.2M", "12%", "4,500"]
