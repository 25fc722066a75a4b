"""`adoption --people new|lapsed [--product P]`: who is behind adoption's new and lapsed counts.

Admins only; the list without a product is exactly the count's people (same rows, same days);
with a product, "active" means spend in it. The week of Nov 15–21 against Nov 8–14.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.console.render import answer_text
from bot.reports.access import Refused, authorize
from bot.reports.adoption import adoption
from bot.reports.command_models import AdoptionCommand
from bot.reports.commands import CommandError, parse_command, run_command
from bot.reports.export import export_rows
from bot.reports.periods import parse_period
from bot.reports.types import Adoption
from bot.slack.blocks import render
from bot.slack.blocks.adoption import PEOPLE_SHOWN
from tests.report_factories import TODAY, StoreBuilder, d, days
from tools.compact_reports import compact_report
from tools.report_tools import Asker

PERIOD = parse_period("2026-11-15..2026-11-21", today=TODAY)
ADMIN = Asker("UADMIN0001", is_admin=True)
MEMBER = Asker("UMEMBER001", is_admin=False, email="m@x.com")


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-11-08", "2026-11-21"):
        s.summary(day, dau=8, wau=30, mau=70, seats=100)
    # a, e new (e twice); b returning; c, f lapsed; d not active at all
    for when, who in [("11-16", "a"), ("11-20", "b"), ("11-10", "b"), ("11-09", "c"),
                      ("11-18", "e"), ("11-21", "e"), ("11-12", "f"), ("11-14", "f")]:  # fmt: skip
        s.activity(d(f"2026-{when}"), who, email=f"{who}@x.com")
    s.activity(d("2026-11-17"), "d", email="d@x.com", active=False)
    s.synced("users", *days("2026-11-08", "2026-11-21"))
    for uid, name in [("a", "Ada"), ("b", "Bob"), ("c", "Cy"), ("e", "Eve"), ("f", "Fay")]:
        s.person(uid, f"{uid}@x.com", name)
    # Claude Code spend: b new to it (chat before), c kept it, f stopped; a $0 row is no use
    s.user_cost(d("2026-11-10"), "b", "100", product="chat")
    s.user_cost(d("2026-11-19"), "b", "250", product="claude_code")
    s.user_cost(d("2026-11-11"), "c", "300", product="claude_code")
    s.user_cost(d("2026-11-17"), "c", "300", product="claude_code")
    s.user_cost(d("2026-11-13"), "f", "500", product="claude_code")
    s.user_cost(d("2026-11-16"), "a", "0", product="claude_code")
    s.synced("user_cost", *days("2026-11-08", "2026-11-21"))
    return s


def test_the_new_and_lapsed_lists_are_the_counted_people(store: StoreBuilder) -> None:
    new = adoption(store.db, PERIOD, people="new")
    lapsed = adoption(store.db, PERIOD, people="lapsed")
    assert new.people is not None
    assert lapsed.people is not None
    assert [(p.name, p.first_active, p.last_active) for p in new.people.people] == [
        ("Ada", d("2026-11-16"), d("2026-11-16")),
        ("Eve", d("2026-11-18"), d("2026-11-21")),
    ]
    assert [(p.name, p.last_active) for p in lapsed.people.people] == [
        ("Cy", d("2026-11-09")),
        ("Fay", d("2026-11-14")),
    ]
    assert len(new.people.people) == new.new_users == 2
    assert len(lapsed.people.people) == lapsed.lapsed_users == 2
    assert (new.people.current.start, new.people.previous.end) == (d("2026-11-15"), d("2026-11-14"))
    assert adoption(store.db, PERIOD).people is None  # counts only unless asked


def test_a_product_list_counts_spend_in_that_product(store: StoreBuilder) -> None:
    new = adoption(store.db, PERIOD, people="new", product="claude_code")
    lapsed = adoption(store.db, PERIOD, people="lapsed", product="claude_code")
    assert new.people is not None
    assert lapsed.people is not None
    assert [p.user_id for p in new.people.people] == ["b"]  # a's $0 row is not use
    assert [p.user_id for p in lapsed.people.people] == ["f"]
    assert new.people.product == "claude_code"


def test_without_the_previous_period_nobody_is_called_new() -> None:
    s = StoreBuilder()
    s.summary(d("2026-11-21"), dau=1, wau=1, mau=1, seats=10)
    s.activity(d("2026-11-21"), "a", email="a@x.com")
    result = adoption(s.db, parse_period("2026-11-21", today=TODAY), people="new")
    assert result.people is None
    assert any("can't tell who is new" in n for n in result.notes)


def test_the_grammar_and_the_access_rule(store: StoreBuilder) -> None:
    command = parse_command("adoption last-week --people new --product code", today=TODAY)
    assert isinstance(command, AdoptionCommand)
    assert (command.people, command.product, command.per_user) == ("new", "claude_code", True)
    assert not parse_command("adoption 30d", today=TODAY).per_user
    for words, message in [
        ("adoption --product code", "add `--people new` or `--people lapsed`"),
        ("adoption --people old", "`--people` takes `new` or `lapsed`, not `old`."),
        ("adoption --people", "`--people` needs a value, e.g. `--people new`."),
    ]:
        with pytest.raises(CommandError, match=message.replace("(", r"\(")):
            parse_command(words, today=TODAY)
    with pytest.raises(ValidationError):  # Claude's adoption tool gets the same rule
        AdoptionCommand(period=PERIOD, product="claude_code")
    for words in ("adoption 30d --people lapsed", "export adoption --people new"):
        with pytest.raises(Refused):
            authorize(parse_command(words, today=TODAY), MEMBER)
    assert authorize(parse_command("adoption 30d", today=TODAY), MEMBER).min_group == 5


def test_the_answer_lists_the_people_and_says_how_many_more(store: StoreBuilder) -> None:
    command = parse_command("adoption 2026-11-15..2026-11-21 --people new", today=TODAY)
    result = run_command(command, store.db, today=TODAY)
    assert isinstance(result, Adoption)
    text = answer_text(result, today=TODAY)
    assert "New: 2 (active Nov 15 – Nov 21, 2026, not Nov 8 – Nov 14, 2026)" in text
    assert "Ada" in text
    assert "a@x.com" in text
    assert "first Nov 16" in text
    message = render(result, today=TODAY)
    assert any("--people new" in str(block) for block in message.blocks)  # buttons keep it
    many = StoreBuilder().summary(d("2026-11-21"), dau=1, wau=1, mau=1, seats=10)
    for n in range(PEOPLE_SHOWN + 3):
        many.activity(d("2026-11-16"), f"u{n:02}", email=f"u{n}@x.com")
    many.synced("users", *days("2026-11-08", "2026-11-21"))
    crowded = adoption(many.db, PERIOD, people="new")
    shown = answer_text(crowded, today=TODAY)
    assert "…and 3 more" in shown
    compact = compact_report(crowded)
    assert compact["people"]["count"] == PEOPLE_SHOWN + 3
    assert compact["people"]["more"] == PEOPLE_SHOWN + 3 - 10


def test_the_export_has_every_person(store: StoreBuilder) -> None:
    header, rows = export_rows(adoption(store.db, PERIOD, people="lapsed"))
    assert header == ("user_id", "email", "name", "first_active", "last_active")
    assert rows == [
        ("c", "c@x.com", "Cy", "2026-11-09", "2026-11-09"),
        ("f", "f@x.com", "Fay", "2026-11-12", "2026-11-14"),
    ]
