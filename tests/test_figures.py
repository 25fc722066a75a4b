"""The figure check: a number in an answer must be found in that turn's tool results."""

from __future__ import annotations

from decimal import Decimal

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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$2.5m", 2_500_000),
        ("$2.5M", 2_500_000),
        ("$3.2K", 3_200),
        ("$3.2k", 3_200),
        ("1.5bn", 1_500_000_000),
        ("1.5BN", 1_500_000_000),
        ("670.4 million", 670_400_000),
    ],
)
def test_suffixes_scale_the_whole_number_in_any_case(text: str, value: int) -> None:
    (figure,) = figures_in(f"It was {text} in total.")
    assert (figure.text, figure.value) == (text, Decimal(value))


def test_a_suffix_is_never_read_as_the_number_before_its_decimals() -> None:
    figures = FigureCheck()
    figures.add_evidence('{"total":"$2.00","list_price":"$2,512,345.00","spend":"$3,187.10"}')
    assert figures.check("Spend was $2.5m at list price and $3.2K billed.") == []
    assert figures.check("Then $2.9m and $7.5k.") == ["$2.9m", "$7.5k"]


def test_a_percentage_is_found_only_among_percentages() -> None:
    figures = FigureCheck()
    figures.add_evidence(
        '{"period":{"label":"last 30 days","start":"2026-11-13"},"people":12,'
        '"utilisation_pct":87.0,"note":"up 4.5% on the week","seat_ratio":0.079,'
        '"columns":["product","adoption_rate","users"],"rows":[["chat",47.3,19]]}'
    )
    assert figures.check("Over the last 30 days 12 people, 19 on chat.") == []
    assert figures.check("Utilisation 87%, adoption 47.3%, up 4.5%, seats 7.9%.") == []
    assert figures.check("30% of it, 12% of them, 19% on chat.") == ["30%", "12%", "19%"]
    assert figures.check("On the 13th: 11 people, 13%.") == ["11", "13%"]
    assert figures.check("So far in 2026.") == []
