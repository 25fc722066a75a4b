"""Charts: real PNGs, byte-for-byte deterministic, exact money, and safe with hostile labels.

The data preparation (stacking, folding, ticks, labels) is tested as pure functions; the PNG
tests read the IHDR header rather than trusting the renderer's own idea of its size.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.charts import (
    DEFAULT_STYLE,
    ActiveDay,
    SpendDay,
    active_users_chart,
    spend_by_product_chart,
)
from bot.charts.data import (
    clean_label,
    date_range_text,
    prepare_actives,
    prepare_spend,
    runs,
    stack_bottoms,
    tick_days,
    usd_compact,
    usd_tick,
)
from bot.charts.style import FOLDED_COLOUR, PRODUCT_COLOURS, series_colours
from bot.store.money import MICROCENTS_PER_DOLLAR

ROOT = Path(__file__).resolve().parent.parent
DOLLAR = MICROCENTS_PER_DOLLAR
START = date(2025, 11, 3)  # a Monday
PRODUCTS = ("claude_code", "chat", "cowork", "office_agent", "claude_in_chrome")
HOSTILE = "$\\alpha$ <!channel> " + "x" * 300


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def month_of_spend(missing: int | None = 17) -> list[SpendDay]:
    """30 days, weekday rhythm, a spike on day 11, one day without data."""
    days = []
    for i in range(30):
        day = START + timedelta(days=i)
        if i == missing:
            continue
        rhythm = 1 if day.weekday() < 5 else 3
        parts = {
            key: (n + 1) * 97 * DOLLAR // rhythm + i * 12_345 for n, key in enumerate(PRODUCTS)
        }
        if i == 11:
            parts["claude_code"] *= 3
        days.append(SpendDay(day, parts))
    return days


def month_of_actives() -> list[ActiveDay]:
    days = []
    for i in range(30):
        day = START + timedelta(days=i)
        dau = 250 + i if day.weekday() < 5 else 90
        days.append(ActiveDay(day, None if i == 17 else dau, None if i == 25 else 400 + i))
    return days


def label(key: str) -> str:
    return {"claude_code": "Claude Code", "chat": "Claude chat"}.get(key, key)


# --- PNG output ---------------------------------------------------------------------------------


def test_spend_chart_is_a_phone_sized_png() -> None:
    data = spend_by_product_chart(month_of_spend(), title="Spend, last 30 days")
    width, height = png_size(data)
    assert (width, height) == (DEFAULT_STYLE.width_px, DEFAULT_STYLE.height_px)
    assert width >= 1200
    assert height >= 675
    assert len(data) > 20_000


def test_active_users_chart_is_a_phone_sized_png() -> None:
    data = active_users_chart(month_of_actives(), title="Active users")
    assert png_size(data) == (1200, 750)
    assert len(data) > 20_000


def test_same_input_gives_identical_bytes() -> None:
    first = spend_by_product_chart(month_of_spend(), title="Spend")
    assert spend_by_product_chart(month_of_spend(), title="Spend") == first
    assert spend_by_product_chart(month_of_spend(missing=3), title="Spend") != first
    assert b"Software" not in first
    assert b"tIME" not in first
    actives = active_users_chart(month_of_actives(), title="Actives")
    assert active_users_chart(month_of_actives(), title="Actives") == actives


def test_threads_render_the_same_bytes() -> None:
    """No pyplot state: charts drawn concurrently equal the one drawn alone."""
    alone = spend_by_product_chart(month_of_spend(), title="Spend")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: spend_by_product_chart(month_of_spend(), title="Spend"), range(4))
        )
    assert all(result == alone for result in results)


HUGE = {key: 2_000_000 * DOLLAR // 5 for key in PRODUCTS}


@pytest.mark.parametrize(
    "days",
    [
        pytest.param([SpendDay(START, {"chat": 5 * DOLLAR})], id="one-day"),
        pytest.param([SpendDay(START + timedelta(days=i), {}) for i in range(7)], id="all-empty"),
        pytest.param(
            [SpendDay(START + timedelta(days=i), {"chat": 0}) for i in range(7)], id="zero"
        ),
        pytest.param(
            [
                SpendDay(START, {"chat": DOLLAR}),
                SpendDay(START + timedelta(days=9), {"chat": DOLLAR}),
            ],
            id="gap",
        ),
        pytest.param([SpendDay(START + timedelta(days=i), HUGE) for i in range(30)], id="huge"),
        pytest.param(
            [SpendDay(START, {HOSTILE: DOLLAR, "$": 2 * DOLLAR, "": DOLLAR})], id="hostile"
        ),
        pytest.param([SpendDay(START, {"chat": -3 * DOLLAR, "cowork": 5 * DOLLAR})], id="credit"),
        pytest.param([SpendDay(START, {"emoji 🚀 and 漢字": DOLLAR})], id="missing-glyphs"),
    ],
)
def test_spend_edge_cases_render(days: list[SpendDay]) -> None:
    data = spend_by_product_chart(days, title=HOSTILE)
    assert png_size(data)[0] == 1200


@pytest.mark.parametrize(
    "days",
    [
        pytest.param([ActiveDay(START, 10, 20)], id="one-day"),
        pytest.param([ActiveDay(START + timedelta(days=i), 0, 0) for i in range(7)], id="zero"),
        pytest.param(
            [ActiveDay(START, 5, None), ActiveDay(START + timedelta(days=20), None, 9)], id="gaps"
        ),
        pytest.param(
            [ActiveDay(START + timedelta(days=i), 2_500_000, 4_000_000) for i in range(30)],
            id="huge",
        ),
    ],
)
def test_actives_edge_cases_render(days: list[ActiveDay]) -> None:
    assert png_size(active_users_chart(days, title="Actives"))[0] == 1200


def test_no_data_is_a_small_card_not_an_exception() -> None:
    size = (1200, DEFAULT_STYLE.empty_height_px)
    assert png_size(spend_by_product_chart([], title="Spend")) == size
    assert png_size(active_users_chart([], title="Actives")) == size
    assert png_size(active_users_chart([ActiveDay(START, None, None)], title="Actives")) == size


def test_a_tall_legend_grows_the_card_instead_of_squashing_the_bars() -> None:
    parts = {f"product {n} with a long name": (n + 1) * DOLLAR for n in range(9)}
    width, height = png_size(spend_by_product_chart([SpendDay(START, parts)], title="Spend"))
    assert width == 1200
    assert height > DEFAULT_STYLE.height_px


def test_hostile_label_is_drawn_literally_not_as_mathtext() -> None:
    from matplotlib import cbook

    from bot.charts import _render

    stack = prepare_spend([SpendDay(START, {HOSTILE: DOLLAR, "chat": DOLLAR})], label)
    assert stack is not None
    fig = _render.spend_figure(stack, HOSTILE, DEFAULT_STYLE)
    texts = [text.get_text() for text in fig.legends[0].get_texts()]
    assert clean_label(HOSTILE) in texts
    assert clean_label(HOSTILE).startswith(r"\$\alpha\$ <!channel> x")
    for text in fig.legends[0].get_texts():
        assert not cbook.is_math_text(text.get_text())
        assert not text.get_usetex()
    fig.canvas.draw()  # renders without a mathtext parse error


def test_short_mathtext_label_is_exactly_the_escaped_original() -> None:
    from matplotlib import cbook

    from bot.charts import _render

    stack = prepare_spend([SpendDay(START, {"x": DOLLAR})], lambda key: r"$\alpha$")
    assert stack is not None
    fig = _render.spend_figure(stack, "", DEFAULT_STYLE)
    (text,) = fig.legends[0].get_texts()
    assert text.get_text() == r"\$\alpha\$"
    assert not cbook.is_math_text(text.get_text())
    fig.canvas.draw()


def test_labels_mapping_names_the_series() -> None:
    from bot.charts import _render

    stack = prepare_spend([SpendDay(START, {"chat": DOLLAR})], lambda key: "Chat (web)")
    assert stack is not None
    fig = _render.spend_figure(stack, "Spend", DEFAULT_STYLE)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Chat (web)"]


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = "import bot.charts, sys; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_drawing_never_imports_pyplot() -> None:
    code = (
        "import sys, datetime; from bot.charts import SpendDay, spend_by_product_chart; "
        "spend_by_product_chart([SpendDay(datetime.date(2025, 1, 1), {'chat': 1})], title='t'); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- pure preparation ---------------------------------------------------------------------------


def test_folding_keeps_every_daily_total_exact() -> None:
    keys = [f"p{n}" for n in range(9)]
    days = [
        SpendDay(
            START + timedelta(days=i),
            {key: (n + 1) * 1_000_003 + i * 7 + 1 for n, key in enumerate(keys)},
        )
        for i in range(10)
    ]
    stack = prepare_spend(days, label)
    assert stack is not None
    assert [one.key for one in stack.series] == ["p8", "p7", "p6", "p5", "p4", None]
    assert stack.series[-1].label == "Other (4 products)"
    for i, day in enumerate(days):
        assert (
            sum(one.values[i] for one in stack.series) == sum(day.parts.values()) == stack.totals[i]
        )
        assert stack.series[-1].values[i] == sum(day.parts[f"p{n}"] for n in range(4))
    assert stack.total == sum(sum(day.parts.values()) for day in days)
    assert all(isinstance(v, int) for one in stack.series for v in one.values)


def test_up_to_six_products_are_not_folded_and_silent_ones_are_dropped() -> None:
    parts = {f"p{n}": n + 1 for n in range(6)} | {"silent": 0}
    stack = prepare_spend([SpendDay(START, parts)], label)
    assert stack is not None
    assert [one.key for one in stack.series] == ["p5", "p4", "p3", "p2", "p1", "p0"]


def test_missing_days_keep_their_place_on_a_continuous_axis() -> None:
    days = [SpendDay(START + timedelta(days=4), {"chat": 2}), SpendDay(START, {"chat": 1})]
    stack = prepare_spend(days, label)
    assert stack is not None
    assert stack.days == tuple(START + timedelta(days=i) for i in range(5))
    assert stack.present == (True, False, False, False, True)
    assert stack.series[0].values == (1, 0, 0, 0, 2)
    assert runs([not p for p in stack.present]) == [(1, 4)]


def test_duplicate_spend_days_are_summed() -> None:
    stack = prepare_spend(
        [SpendDay(START, {"chat": 1}), SpendDay(START, {"chat": 2, "cowork": 3})], label
    )
    assert stack is not None
    assert stack.totals == (6,)
    assert stack.total == 6


def test_credits_stack_below_zero() -> None:
    stack = prepare_spend([SpendDay(START, {"a": 5, "b": -2, "c": 3, "d": -1})], label)
    assert stack is not None
    bottoms = dict(zip((one.key for one in stack.series), stack_bottoms(stack.series), strict=True))
    assert bottoms == {"a": (0,), "c": (5,), "d": (0,), "b": (-1,)}


def test_empty_spend_prepares_nothing() -> None:
    assert prepare_spend([], label) is None


def test_actives_keep_gaps_as_none() -> None:
    days = [ActiveDay(START, 3, None), ActiveDay(START + timedelta(days=2), None, 7)]
    actives = prepare_actives(days)
    assert actives is not None
    assert actives.dau == (3, None, None)
    assert actives.wau == (None, None, 7)
    assert prepare_actives([ActiveDay(START, None, None)]) is None
    with pytest.raises(ValueError, match="twice"):
        prepare_actives([ActiveDay(START, 1, 1), ActiveDay(START, 2, 2)])


def test_clean_label_is_one_short_line_with_dollars_escaped() -> None:
    assert clean_label("a\nb\t c\u202e\u200d") == "a b c"
    assert clean_label("x" * 300) == "x" * 23 + "…"
    assert len(clean_label("y" * 300, 10)) == 10
    assert clean_label("   ") == "(blank)"
    original = r"$\alpha$ costs \$5"
    escaped = clean_label(original, 100)
    assert escaped == r"\$\alpha\$ costs \\$5"
    # matplotlib's non-math unescape gives back exactly the original text
    assert escaped.replace(r"\$", "$") == original


@pytest.mark.parametrize(
    ("value", "step", "top", "expected"),
    [
        ("0", "5000", "15000", "$0"),
        ("5000", "5000", "15000", "$5k"),
        ("2500", "2500", "10000", "$2.5k"),
        ("2000", "1000", "4000", "$2,000"),
        ("1500000", "500000", "2000000", "$1.5M"),
        ("2000000", "500000", "2000000", "$2.0M"),
        ("0.5", "0.25", "1", "$0.50"),
        ("0.30000000000000004", "0.1", "0.5", "$0.30"),
    ],
)
def test_usd_tick(value: str, step: str, top: str, expected: str) -> None:
    assert usd_tick(Decimal(value), Decimal(step), Decimal(top)) == expected


@pytest.mark.parametrize(
    ("dollars", "expected"),
    [
        ("45.678", "$45.68"),
        ("4567.49", "$4,567"),
        ("12345.67", "$12.3k"),
        ("999960", "$1.00M"),
        ("2000000", "$2.00M"),
        ("-12345", "-$12.3k"),
    ],
)
def test_usd_compact_rounds_from_exact_values(dollars: str, expected: str) -> None:
    microcents = int(Decimal(dollars) * DOLLAR)
    assert usd_compact(microcents) == expected


def test_ticks_are_few_and_fall_on_mondays() -> None:
    month = [START + timedelta(days=i) for i in range(30)]
    assert tick_days(month) == [0, 7, 14, 21, 28]
    quarter = [START + timedelta(days=i) for i in range(91)]
    assert 0 < len(tick_days(quarter)) <= 6
    assert all(quarter[i].weekday() == 0 for i in tick_days(quarter))
    assert tick_days(month[:5]) == [0, 1, 2, 3, 4]
    assert len(tick_days(month[:12])) <= 6


def test_date_range_text() -> None:
    assert date_range_text(START, START + timedelta(days=29)) == "Nov 3 – Dec 2, 2025"
    assert date_range_text(date(2025, 12, 30), date(2026, 1, 2)) == "Dec 30, 2025 – Jan 2, 2026"
    assert date_range_text(START, START) == "Nov 3, 2025"


def test_colours_are_fixed_per_product_and_distinct_per_chart() -> None:
    colours = series_colours(["chat", "new_product", "claude_code", "another", None])
    assert colours[0] == PRODUCT_COLOURS["chat"]
    assert colours[2] == PRODUCT_COLOURS["claude_code"]
    assert colours[4] == FOLDED_COLOUR
    assert len(set(colours)) == 5
    assert series_colours(["chat", "new_product"]) == series_colours(["chat", "new_product"])
