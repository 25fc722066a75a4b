"""Block Kit builders, tested directly: limits, escaping, money, deltas, sparklines, buttons."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.console.render import blocks_to_text
from bot.reports.commands import ExportCommand, TopSpendersCommand, parse_command
from bot.reports.periods import Period
from bot.reports.types import (
    Adoption,
    BreakdownRow,
    ChatActivity,
    CodeActivity,
    Comparison,
    CoworkActivity,
    DatasetStatus,
    Delta,
    DesignActivity,
    Export,
    FinanceComparisons,
    HelpResult,
    Mover,
    ProductActives,
    Ranking,
    RankingRow,
    SpenderRow,
    SpendSeries,
    StatusReport,
    TokenSeries,
    TopSpenders,
    UserIdentity,
    UserProfile,
)
from bot.slack.blocks import Message, error_message, escape_sentence, render
from bot.slack.blocks.format import Row, delta, sparkline, table_lines
from bot.slack.blocks.message import ACTION_EXPORT, ACTION_MORE, ACTION_NEXT, ACTION_PREVIOUS
from bot.slack.blocks.primitives import MAX_BLOCKS, MAX_SECTION_TEXT, fields, header
from bot.store.freshness import Freshness

HOSTILE = "<!channel> *bold* <https://evil.example|click> <@U123ABC>"
PERIOD = Period(start=date(2026, 11, 17), end=date(2026, 11, 23), label="last 7 days")
FRESH = Freshness(
    engagement_through=date(2026, 11, 20),
    cost_through=date(2026, 11, 23),
    last_sync_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
)
TODAY = date(2026, 11, 24)
DOLLAR = 100_000_000  # micro-cents in one dollar


def walk_texts(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                out.append(node["text"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(blocks)
    return out


def assert_slack_valid(message: Message, *, limit: int = MAX_BLOCKS) -> None:
    assert 0 < len(message.blocks) <= limit
    assert message.text
    for block in message.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "actions":
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids)), ids
            assert len(ids) <= 25


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn string (plain_text is shown verbatim by Slack, so raw text is safe there)."""
    out: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(node["text"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(blocks)
    return out


def assert_no_raw_hostile(message: Message) -> None:
    """No API string can ping, link or format: not in any mrkdwn text, and the notification
    text (shown without formatting) carries no live control sequence either."""
    mrkdwn = "\n".join(mrkdwn_texts(message.blocks))
    for raw in ("<!channel>", "<@U123ABC>", "<https://evil"):
        assert raw not in mrkdwn, raw
    formatted = re.sub(r"```.*?```", "", mrkdwn, flags=re.DOTALL)  # code shows `*` literally
    assert "*bold*" not in formatted
    for raw in ("<!channel>", "<@U123ABC>", "<https://evil"):
        assert raw not in message.text, raw


def spender(rank: int, name: str, dollars: int, previous: int | None = None) -> SpenderRow:
    amount = dollars * DOLLAR
    return SpenderRow(
        rank=rank,
        user_id=f"user_{rank:03d}",
        email=f"u{rank}@example.com",
        name=name,
        amount_microcents=amount,
        list_amount_microcents=amount * 2,
        share_pct=12.5,
        requests=10,
        delta=None if previous is None else Delta.of(amount, previous * DOLLAR),
    )


def top_spenders(rows: int = 3, total_count: int = 40) -> TopSpenders:
    return TopSpenders(
        period=PERIOD,
        freshness=FRESH,
        rows=tuple(
            spender(i + 1, HOSTILE if i == 0 else f"Person {i}", 100 - i, 50) for i in range(rows)
        ),
        by_list_price=False,
        product=None,
        model=None,
        limit=rows,
        total_count=total_count,
        total_microcents=1234_567_890_123,
        list_total_microcents=2 * 1234_567_890_123,
        org_total_microcents=1300 * DOLLAR,
    )


# --- format ------------------------------------------------------------------------------------


def test_delta_arrows_signs_and_percent() -> None:
    assert delta(120 * DOLLAR, 100 * DOLLAR, money=True) == "▲ +$20.00 (+20.0%)"
    assert delta(80, 100) == "▼ −20 (−20.0%)"
    assert delta(5, 0) == "new"
    assert delta(0, 0) == "▬ no change"
    assert delta(7, 7) == "▬ no change"
    assert delta(1_000_001, 1_000_000) == "▲ +1 (+0.0%)"


def test_sparkline_from_seven_points() -> None:
    assert sparkline([0, 1, 2, 3, 4, 5, 7]) == "▁▂▃▄▅▆█"
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""
    assert len(sparkline([3, 1, 4, 1, 5, 9, 2])) == 7


def test_table_pads_before_escaping() -> None:
    lines = table_lines([Row("<b>", "$1.00"), Row("abcdef", "$10.00")])
    assert lines[0] == "1. &lt;b&gt;      $1.00"
    assert lines[1] == "2. abcdef  $10.00"


def test_an_invisible_control_in_a_label_takes_no_column() -> None:
    """A right-to-left override (or an ANSI colour) in a name is dropped before padding: the
    dollar column stays aligned and reads left to right."""
    rows = [Row("invoice\u202egnp.exe", "$1.00"), Row("\x1b[31mred\x1b[0m", "$10.00")]
    assert table_lines(rows) == ["1. invoicegnp.exe   $1.00", "2. red             $10.00"]


def test_header_and_fields_respect_limits() -> None:
    long = header("x" * 400)
    assert len(long["text"]["text"]) == 150
    assert long["text"]["text"].endswith("…")
    sections = fields([f"*f{i}*\nv" for i in range(23)])
    assert [len(s["fields"]) for s in sections] == [10, 10, 3]


# --- renderers ---------------------------------------------------------------------------------


def test_top_spenders_lists_escaped_names_money_and_more() -> None:
    message = render(top_spenders(), today=TODAY)
    assert_slack_valid(message)
    assert_no_raw_hostile(message)
    text = "\n".join(walk_texts(message.blocks))
    assert "$12,345.68" in text  # 1,234,567,890,123 µ¢ rounds half-even to the cent
    assert "$100.00" in text
    assert "▲ +$50.00 (+100.0%)" in text
    assert "…and 37 more" in text
    assert "&lt;!channel&gt;" in text
    buttons = {
        e["action_id"]: e["value"]
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert buttons[ACTION_MORE] == "top-spenders 2026-11-17..2026-11-23 --limit 28"
    assert buttons[ACTION_PREVIOUS] == "top-spenders 2026-11-10..2026-11-16 --limit 3"
    assert ACTION_NEXT not in buttons  # the next 7 days end after today
    assert "Top spenders" in message.text
    assert "&lt;!channel&gt;" in message.text


def test_export_button_keeps_the_filters_and_asks_for_every_row() -> None:
    shown = top_spenders().model_copy(update={"product": "claude_code", "by_list_price": True})
    buttons = {
        e["action_id"]: e["value"]
        for b in render(shown, today=TODAY).blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }
    command = parse_command(buttons[ACTION_EXPORT], today=TODAY)
    assert isinstance(command, ExportCommand)
    assert command.every_row
    report = command.report
    assert isinstance(report, TopSpendersCommand)
    assert (report.product, report.by_list_price) == ("claude_code", True)
    assert (report.period.start, report.period.end) == (PERIOD.start, PERIOD.end)


def test_a_hundred_rows_stay_within_limits() -> None:
    result = top_spenders(rows=100, total_count=5000)
    message = render(
        result.model_copy(update={"rows": tuple(spender(i + 1, "n" * 300, 5) for i in range(100))})
    )
    assert_slack_valid(message)


def test_spend_series_with_breakdown_and_sparkline() -> None:
    result = SpendSeries(
        period=PERIOD,
        freshness=FRESH,
        notes=("Nov 23 may still be revised.",),
        by="product",
        points=(),
        breakdown=(
            BreakdownRow(
                key="claude_code",
                label="Claude Code",
                value=300 * DOLLAR,
                share_pct=75.0,
                previous=200 * DOLLAR,
            ),
            BreakdownRow(
                key=HOSTILE, label=HOSTILE, value=100 * DOLLAR, share_pct=25.0, previous=0
            ),
        ),
        total_microcents=400 * DOLLAR,
        list_total_microcents=500 * DOLLAR,
        previous_total_microcents=200 * DOLLAR,
        change=Delta.of(400 * DOLLAR, 200 * DOLLAR),
        sparkline=(1, 2, 3, 4, 5, 6, 8),
    )
    message = render(result, today=TODAY)
    assert_slack_valid(message)
    assert_no_raw_hostile(message)
    text = blocks_to_text(message.blocks)
    assert "Spend: $400.00" in text
    assert "▲ +$200.00 (+100.0%)" in text
    assert "▁▂▃▄▅▆█" in text
    assert "Claude Code" in text
    assert "new" in text
    assert "Nov 23 may still be revised." in text
    assert "Data (UTC days): activity through Nov 20, 2026" in text


def test_tokens_and_none_previous() -> None:
    result = TokenSeries(
        period=PERIOD,
        freshness=FRESH,
        by=None,
        points=(),
        breakdown=(),
        total_tokens=1_234_567,
        requests=890,
        previous_total_tokens=None,
        change=Delta.of(1_234_567, None),
        sparkline=(),
    )
    text = blocks_to_text(render(result).blocks)
    assert "Tokens: 1,234,567" in text
    assert "no previous data" in text


def test_adoption_fields() -> None:
    result = Adoption(
        period=PERIOD,
        freshness=FRESH,
        latest_day=date(2026, 11, 20),
        dau=42,
        wau=80,
        mau=120,
        dau_avg=40.5,
        wau_avg=None,
        mau_avg=None,
        seats=150,
        pending_invites=3,
        utilisation_pct=80.0,
        products=(
            ProductActives(
                product="chat", label=HOSTILE, daily=30, weekly=60, monthly=100, daily_avg=29.0
            ),
        ),
        active_users=90,
        new_users=10,
        returning_users=80,
        lapsed_users=5,
        dau_change=Delta.of(40.5, 36.0),
        mau_change=None,
        sparkline=(30, 35, 40, 42, 41, 40, 42),
        points=(),
    )
    message = render(result, today=TODAY)
    assert_slack_valid(message)
    assert_no_raw_hostile(message)
    text = blocks_to_text(message.blocks)
    assert "Daily actives (Nov 20): 42" in text
    assert "Seat utilisation (MAU): 80.0%" in text
    assert "40.5 (▲ +4.5 (+12.5%))" in text
    assert "10 · 80 · 5" in text


def profile() -> UserProfile:
    return UserProfile(
        period=PERIOD,
        freshness=FRESH,
        user=UserIdentity(user_id="user_001", email="ada@example.com", name=HOSTILE),
        spend_microcents=55 * DOLLAR,
        list_spend_microcents=60 * DOLLAR,
        requests=12,
        tokens=9000,
        spend_by_product=(
            BreakdownRow(key="chat", label="Chat", value=55 * DOLLAR, share_pct=100.0),
        ),
        spend_by_model=(),
        tokens_by_product=(),
        tokens_by_model=(),
        chat=ChatActivity(
            messages=10,
            conversations=3,
            projects_used=None,
            files_uploaded=0,
            artifacts_created=None,
        ),
        claude_code=CodeActivity(
            sessions=4,
            commits=2,
            pull_requests=1,
            lines_added=100,
            lines_removed=5,
            tool_accepted=9,
            tool_rejected=1,
            acceptance_rate_pct=90.0,
        ),
        cowork=CoworkActivity(
            messages=None, sessions=None, actions=None, dispatch_turns=None, file_edits=None
        ),
        office=(),
        design=DesignActivity(messages=None, sessions=None, projects_created=None),
        web_searches=None,
        active_days=5,
        first_seen=date(2026, 2, 1),
        last_seen=date(2026, 11, 20),
        spend_change=Delta.of(55 * DOLLAR, 50 * DOLLAR),
        tokens_change=None,
        active_days_change=None,
        spend_rank=3,
        spenders=40,
    )


def test_user_profile() -> None:
    message = render(profile(), today=TODAY)
    assert_slack_valid(message)
    assert_no_raw_hostile(message)
    text = blocks_to_text(message.blocks)
    assert "Spend: $55.00 (▲ +$5.00 (+10.0%))" in text
    assert "Spend rank: #3 of 40" in text
    code = "Claude Code: sessions 4 · commits 2 · PRs 1 · lines + 100 · lines − 5"
    assert f"{code} · edits accepted 90.0%" in text
    assert "Cowork" not in text


def test_rankings_status_finance_compare_help_export() -> None:
    ranking = Ranking(
        period=PERIOD,
        freshness=FRESH,
        kind="projects",
        ranked_by="messages",
        rows=(
            RankingRow(
                rank=1,
                key="p1",
                name=HOSTILE,
                peak_daily_users=4,
                user_days=10,
                messages=300,
                sessions=None,
                invocations=None,
                spend_microcents=None,
                list_spend_microcents=None,
                score=300,
                delta=Delta.of(300, 200),
            ),
        ),
        limit=10,
        total_count=1,
    )
    finance = FinanceComparisons(
        period=PERIOD,
        freshness=FRESH,
        mtd=Delta.of(900 * DOLLAR, 1000 * DOLLAR),
        mtd_previous_period=None,
        projected_month_microcents=1200 * DOLLAR,
        yesterday_day=date(2026, 11, 23),
        yesterday_microcents=40 * DOLLAR,
        trailing_avg_microcents=30 * DOLLAR,
        yesterday_vs_avg=Delta.of(40 * DOLLAR, 30 * DOLLAR),
        seats=100,
        mau=80,
        idle_seats=20,
        seat_price_cents=3000,
        idle_seat_cost_microcents=600 * DOLLAR,
    )
    compare = Comparison(
        period=PERIOD,
        freshness=FRESH,
        mode="week",
        previous=PERIOD.previous(),
        spend=Delta.of(400 * DOLLAR, 300 * DOLLAR),
        tokens=None,
        dau_avg=Delta.of(10.0, 8.0),
        wau=None,
        mau=None,
        active_users=Delta.of(50, 40),
        new_users=1,
        returning_users=2,
        lapsed_users=3,
        movers_up=(
            Mover(
                user_id="user_1",
                email=None,
                name=HOSTILE,
                current_microcents=90 * DOLLAR,
                previous_microcents=10 * DOLLAR,
                change_microcents=80 * DOLLAR,
            ),
        ),
        movers_down=(),
        spend_sparkline=(1, 2, 3),
        tokens_sparkline=(),
        dau_sparkline=(),
        previous_spend_sparkline=(3, 2, 1),
    )
    status = StatusReport(
        period=PERIOD,
        freshness=FRESH,
        datasets=(
            DatasetStatus(
                dataset="users",
                first_day=date(2026, 1, 1),
                last_day=date(2026, 11, 20),
                days=324,
                final_days=324,
                revisable_days=0,
                rows=5000,
                last_fetched_at=None,
            ),
        ),
    )
    export = Export(
        period=PERIOD,
        freshness=FRESH,
        report="top-spenders",
        filename="top.csv",
        header=("a",),
        rows=(("1",),),
    )
    for result in (ranking, finance, compare, status, export):
        message = render(result, today=TODAY)
        assert_slack_valid(message)
        assert_no_raw_hostile(message)
    finance_text = blocks_to_text(render(finance).blocks)
    assert "Month to date: $900.00" in finance_text
    assert "▼ −$100.00 (−10.0%)" in finance_text
    assert "Idle seat cost / month: $600.00" in finance_text
    assert "▲ +$100.00 (+33.3%)" in blocks_to_text(render(compare).blocks)
    help_message = render(
        HelpResult(text="Usage: /claude-usage <subcommand>\n  spend --product claude_code")
    )
    help_text = blocks_to_text(help_message.blocks)
    assert "/claude-usage <subcommand>" in help_text
    assert "claude_code" in help_text


def test_error_sentences_keep_our_mentions_and_code_but_escape_input() -> None:
    sentence = "Per-user spend is limited to admins (<@U1ADMIN>). Try `user me` not `<!channel>`."
    safe = escape_sentence(sentence)
    assert "<@U1ADMIN>" in safe
    assert "`user me`" in safe
    assert "<!channel>" not in safe
    assert "`&lt;!channel&gt;`" in safe
    assert error_message("x").blocks[0]["text"]["text"].startswith(":warning:")


@pytest.mark.parametrize("n", [1, 49, 50, 51, 200])
def test_many_breakdown_rows_never_exceed_limits(n: int) -> None:
    rows = tuple(
        BreakdownRow(key=f"k{i}", label="L" * 180 + str(i), value=i * DOLLAR, share_pct=None)
        for i in range(n)
    )
    result = SpendSeries(
        period=PERIOD,
        freshness=FRESH,
        by="model",
        points=(),
        breakdown=rows,
        total_microcents=0,
        list_total_microcents=0,
        previous_total_microcents=0,
        change=Delta.of(0, 0),
        sparkline=(),
    )
    assert_slack_valid(render(result))


def test_plain_text_fallback_is_escaped() -> None:
    message = render(top_spenders())
    assert not re.search(r"<[@!#h]", message.text)


def test_our_leading_emoji_survives_escaping() -> None:
    from bot.slack.answer import WORKING
    from bot.slack.blocks import text_message

    assert text_message(WORKING).text.startswith(":hourglass_flowing_sand: Working on it")
    assert escape_sentence("a :white_check_mark: b") == "a :white_check_mark: b"  # in-word _


def test_render_handles_every_command_result_type() -> None:
    import inspect
    import typing

    from bot.reports.types import CommandResult

    source = inspect.getsource(render)
    for cls in typing.get_args(CommandResult):
        assert f"case {cls.__name__}():" in source, cls


@pytest.mark.parametrize(
    ("period", "title"),
    [
        (Period(start=date(2026, 11, 23), end=date(2026, 11, 24), label="this week", unit="week"),
         "This week vs the week before"),
        (PERIOD, "Last 7 days vs previous 7 days"),
    ],
)  # fmt: skip
def test_a_comparison_of_any_period_has_a_capitalised_title(period: Period, title: str) -> None:
    """`compare this-week` was titled "this week vs the week before"."""
    result = Comparison(
        period=period,
        freshness=FRESH,
        mode="period",
        previous=period.previous(),
        spend=Delta.of(400 * DOLLAR, 300 * DOLLAR),
        tokens=None,
        dau_avg=None,
        wau=None,
        mau=None,
        active_users=None,
        new_users=None,
        returning_users=None,
        lapsed_users=None,
        movers_up=(),
        movers_down=(),
        spend_sparkline=(),
        tokens_sparkline=(),
        dau_sparkline=(),
        previous_spend_sparkline=(),
    )
    (first, *_rest) = render(result, today=TODAY).blocks
    assert first == header(title)
