"""run_command end to end on a hand-built store, export rows (exact cents), status."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from bot.reports.commands import CommandError, export_rows, parse_command, run_command
from bot.reports.export import cents, text
from bot.reports.periods import parse_period
from bot.reports.status import status
from bot.reports.types import (
    Adoption,
    Comparison,
    Export,
    FinanceComparisons,
    HelpResult,
    Ranking,
    SpendSeries,
    StatusReport,
    TokenSeries,
    TopSpenders,
    UserProfile,
)
from tests.report_factories import TODAY, StoreBuilder, d, days, mc


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder().person("u1", "ada@x.com", "=cmd|' /C calc'!A0")
    for day in days("2026-11-01", "2026-11-24"):
        s.cost(day, "41280.000001").usage(day, uncached=10).user_cost(day, "u1", "0.5")
        s.summary(day, dau=3, wau=4, mau=5, seats=10)
        s.activity(day, "u1", email="ada@x.com", chat_metrics__message_count=1)
    for table in ("chat_projects", "skills", "connectors"):
        s.synced(table, *days("2026-11-01", "2026-11-24"))
    s.project(d("2026-11-20"), "p1", "Plan", distinct_user_count=1, message_count=2)
    return s


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("help", HelpResult),
        ("top-spenders", TopSpenders),
        ("spend by product", SpendSeries),
        ("tokens by token-type", TokenSeries),
        ("adoption", Adoption),
        ("user ada@x.com", UserProfile),
        ("projects", Ranking),
        ("skills", Ranking),
        ("connectors", Ranking),
        ("compare", Comparison),
        ("finance", FinanceComparisons),
        ("status", StatusReport),
        ("export spend 30d", Export),
    ],
)
def test_every_subcommand_runs(store: StoreBuilder, words: str, kind: type) -> None:
    result = run_command(
        parse_command(words, today=TODAY), store.db, today=TODAY, seat_price_cents=100
    )
    assert isinstance(result, kind)


def test_mention_without_email_needs_resolving(store: StoreBuilder) -> None:
    command = parse_command("user <@U1|ada>", today=TODAY)
    with pytest.raises(CommandError, match="without their email"):
        run_command(command, store.db, today=TODAY, seat_price_cents=None)
    resolved = command.with_email("ada@x.com")  # type: ignore[union-attr]
    result = run_command(resolved, store.db, today=TODAY, seat_price_cents=None)
    assert isinstance(result, UserProfile)
    assert result.user.user_id == "u1"


def test_export_keeps_exact_cents_and_defuses_formulas(store: StoreBuilder) -> None:
    result = run_command(
        parse_command("export top-spenders 7d", today=TODAY),
        store.db,
        today=TODAY,
        seat_price_cents=None,
    )
    assert isinstance(result, Export)
    assert result.filename == "claude-usage-top-spenders-2026-11-18-2026-11-24.csv"
    assert result.header[:6] == (
        "rank",
        "user_id",
        "email",
        "name",
        "amount_cents",
        "list_amount_cents",
    )
    row = result.rows[0]
    assert row[4] == "3.500000"  # 7 days × 0.5 cents, exact
    assert row[3].startswith("'=")
    spend = run_command(
        parse_command("spend 7d", today=TODAY), store.db, today=TODAY, seat_price_cents=None
    )
    assert isinstance(spend, SpendSeries)
    header, rows = export_rows(spend)
    assert header == ("day", "total_cents")
    assert sum(Decimal(r[1]) for r in rows) == Decimal("288960.000007")
    assert sum(Decimal(r[1]) for r in rows) * 1_000_000 == spend.total_microcents
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    assert buffer.getvalue().splitlines()[1] == "2026-11-18,41280.000001"


@pytest.mark.parametrize("kind", ["projects", "skills", "connectors"])
def test_ranking_export_header_is_unique_and_names_what_is_ranked(
    store: StoreBuilder, kind: str
) -> None:
    result = run_command(
        parse_command(f"export {kind} 7d", today=TODAY),
        store.db,
        today=TODAY,
        seat_price_cents=None,
    )
    assert isinstance(result, Export)
    assert len(set(result.header)) == len(result.header), result.header
    assert all(len(row) == len(result.header) for row in result.rows)
    if kind == "projects":
        (row,) = (dict(zip(result.header, r, strict=True)) for r in result.rows)
        assert (row["key"], row["ranked_by"], row["score"], row["messages"]) == (
            "p1",
            "messages",
            "2",
            "2",
        )
        assert row["previous_score"] == "0"


def _org_with_many_spenders(spenders: int, projects: int) -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-10-20", "2026-11-24"):
        s.synced("user_cost", day).synced("chat_projects", day)
    rows = []
    for i in range(spenders):
        for day, model in ((d("2026-11-01"), "opus"), (d("2026-11-20"), "sonnet")):
            micro = 1_000_000 * (i + 1) + i  # whole cents plus i micro-cents: sums stay exact
            rows.append(
                {
                    "day": day.isoformat(),
                    "user_id": f"u{i:04d}",
                    "product": "chat",
                    "model": model,
                    "amount_microcents": micro,
                    "list_amount_microcents": 2 * micro,
                    "requests": 1,
                }
            )
    rows.append({**rows[0], "user_id": "idle", "amount_microcents": 0, "list_amount_microcents": 0})
    s.db.table("user_cost").insert_all(rows)
    for i in range(projects):
        s.project(d("2026-11-10"), f"p{i:04d}", f"Project {i}", message_count=i + 1)
    return s


def test_exports_carry_every_row_while_messages_stay_limited() -> None:
    s = _org_with_many_spenders(spenders=150, projects=120)

    def run(words: str) -> object:
        return run_command(parse_command(words, today=TODAY), s.db, today=TODAY)

    export = run("export top-spenders 30d")
    assert isinstance(export, Export)
    assert len(export.rows) == 150  # one row per user with spend; "idle" has none
    column = {name: i for i, name in enumerate(export.header)}
    assert len({r[column["user_id"]] for r in export.rows}) == 150
    for name in ("amount", "list_amount"):
        (stored,) = s.db.execute(
            f"SELECT sum({name}_microcents) FROM user_cost "  # noqa: S608
            "WHERE day BETWEEN '2026-10-26' AND '2026-11-24'"
        ).fetchone()
        exported = sum(Decimal(r[column[f"{name}_cents"]]) for r in export.rows)
        assert exported * 1_000_000 == stored
    assert [r[column["rank"]] for r in export.rows] == [str(i) for i in range(1, 151)]
    projects = run("export projects 30d")
    assert isinstance(projects, Export)
    assert len(projects.rows) == 120
    limited = run("export top-spenders 30d --limit 5")
    assert isinstance(limited, Export)
    assert len(limited.rows) == 5
    message = run("top-spenders 30d --limit 100")
    assert isinstance(message, TopSpenders)
    assert (len(message.rows), message.total_count, message.more_count) == (100, 150, 50)
    default = run("projects 30d")
    assert isinstance(default, Ranking)
    assert (len(default.rows), default.more_count) == (10, 110)


def test_export_of_metric_reports(store: StoreBuilder) -> None:
    finance = run_command(
        parse_command("finance", today=TODAY), store.db, today=TODAY, seat_price_cents=250
    )
    assert isinstance(finance, FinanceComparisons)
    header, rows = export_rows(finance)
    assert header == ("metric", "current", "previous", "change", "percent_change")
    assert ("idle_seats", "5", "", "", "") in rows
    assert ("idle_seat_cost_cents", "1250.000000", "", "", "") in rows
    profile = run_command(
        parse_command("user ada@x.com", today=TODAY), store.db, today=TODAY, seat_price_cents=None
    )
    assert isinstance(profile, UserProfile)
    _, rows = export_rows(profile)
    assert ("chat:messages", "7", "", "", "") in rows


def test_money_and_text_cells() -> None:
    assert cents(mc("41280")) == "41280.000000"
    assert cents(-1) == "-0.000001"
    assert cents(None) == ""
    assert text("@SUM(A1)") == "'@SUM(A1)"
    assert text("ada") == "ada"


def test_status_reads_the_ledger(store: StoreBuilder) -> None:
    store.synced("cost_buckets", d("2026-10-01"), final=True)
    result = status(store.db, today=TODAY)
    cost = next(x for x in result.datasets if x.dataset == "cost_buckets")
    assert (cost.first_day, cost.last_day, cost.days, cost.final_days, cost.revisable_days) == (
        d("2026-10-01"),
        d("2026-11-24"),
        25,
        1,
        24,
    )
    assert (result.period.start, result.period.end) == (d("2026-10-01"), d("2026-11-24"))
    empty = status(StoreBuilder().db, today=TODAY)
    assert empty.period == parse_period("today", today=TODAY)
    assert all(x.days == 0 for x in empty.datasets)
    assert "Nothing has been synced" in empty.notes[0]
