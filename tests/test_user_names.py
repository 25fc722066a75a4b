"""`user "Ada Lovelace"`: admins look a person up by display name; members are refused.

A name resolves when exactly one account answers to it (a living one before a deleted one);
several, or none, get one sentence naming the candidates by the email that picks them out.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reports.access import Refused, authorize
from bot.reports.command_models import UserCommand
from bot.reports.commands import CommandError, parse_command, run_command
from bot.reports.people import NameNotFoundError, find_by_name
from bot.reports.types import UserProfile
from tests.report_factories import TODAY, StoreBuilder, mc
from tools.definitions import REPORTS
from tools.report_tools import Asker

ADMIN = Asker("UADMIN0001", is_admin=True, email="boss@example.com")
MEMBER = Asker("UMEMBER001", is_admin=False, email="ada.lovelace@example.com")
DAY = date(2026, 11, 20)


def _store() -> StoreBuilder:
    store = StoreBuilder()
    people = [
        ("user_ada", "ada.lovelace@example.com", "Ada Lovelace", False, "120"),
        ("user_grace1", "grace.hopper@example.com", "Grace Hopper", False, "30"),
        ("user_grace2", "grace.hopper2@example.com", "Grace Hopper", False, "40"),
        ("user_alan", "alan@example.com", "Alan Turing", False, "50"),
        ("user_gone", None, "Alan Turing", True, "60"),
        ("user_evil", "evil@example.com", "<@U0ADMIN01> <!channel>", False, "70"),
        ("user_barbara", "barbara@example.com", "Barbara Liskov", True, "80"),
    ]
    for uid, email, name, deleted, cents in people:
        store.person(uid, email, name, deleted=deleted)
        store.user_cost(DAY, uid, cents)
    return store


def _user(words: str) -> UserCommand:
    command = parse_command(words, today=TODAY)
    assert isinstance(command, UserCommand)
    return command


@pytest.mark.parametrize(
    ("words", "name"),
    [
        ('user "Ada Lovelace" 7d', "Ada Lovelace"),
        ("user “Ada  Lovelace” 7d", "Ada Lovelace"),  # Slack's curly quotes, spaces folded
        ('user "Ada" mtd', "Ada"),
        ('user "Ada Lovelace', "Ada Lovelace"),  # an unclosed quote runs to the end
    ],
)
def test_a_quoted_name_is_one_target(words: str, name: str) -> None:
    command = _user(words)
    assert command.target.name == name
    assert command.target.email is None
    assert not command.target.living  # admins may look up a deleted account by name
    assert command.per_user


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("user Ada", 'or their name in quotes (`user "Ada Lovelace"`)'),
        ("user <https://x.example|a link>", "is not a person"),
        ('user "" 7d', "Put a name between the quotes"),
        ('user "  "', "Put a name between the quotes"),
        ('user "' + "x" * 201 + '"', "at most 200 characters"),
    ],
)
def test_what_is_not_a_name_says_how_to_type_one(words: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_command(words, today=TODAY)


def test_a_unique_name_is_that_person_in_any_case() -> None:
    store = _store()
    for typed in ("Ada Lovelace", "ada lovelace", "ADA   LOVELACE", "ada", "Lovelace", "ad lov"):
        assert find_by_name(store.db, typed) == "user_ada", typed
    profile = run_command(_user('user "ada lovelace" 7d'), store.db, today=TODAY)
    assert isinstance(profile, UserProfile)
    assert profile.user.name == "Ada Lovelace"
    assert profile.spend_microcents == mc("120")


def test_a_living_account_wins_over_a_deleted_one_of_the_same_name() -> None:
    store = _store()
    assert find_by_name(store.db, "Alan Turing") == "user_alan"
    assert find_by_name(store.db, "Barbara Liskov") == "user_barbara"  # only a deleted one


def test_several_people_of_one_name_are_listed_by_the_email_that_picks_them() -> None:
    store = _store()
    with pytest.raises(NameNotFoundError) as caught:
        run_command(_user('user "Grace Hopper" 7d'), store.db, today=TODAY)
    assert str(caught.value) == (
        "2 people match “Grace Hopper”: Grace Hopper (`grace.hopper@example.com`), "
        "Grace Hopper (`grace.hopper2@example.com`); ask again with the one you mean (its email "
        "address, or user id)."
    )


def test_no_match_suggests_close_names_and_never_shows_a_hostile_one() -> None:
    store = _store()
    with pytest.raises(NameNotFoundError, match="Did you mean Ada Lovelace"):
        find_by_name(store.db, "Ada Lovelance")
    with pytest.raises(NameNotFoundError) as caught:
        find_by_name(store.db, "Nobody Atall")
    assert str(caught.value) == (
        "Nobody called “Nobody Atall” appears in the synced Claude usage data."
    )
    with pytest.raises(NameNotFoundError) as hostile:
        find_by_name(store.db, "<@U0ADMIN01> <!chanel")
    assert "<" not in str(hostile.value).split("Did you mean", 1)[1]
    assert "`evil@example.com`" in str(hostile.value)


def test_a_member_naming_anyone_is_refused_before_any_lookup() -> None:
    for words in ('user "Ada Lovelace"', 'user "Grace Hopper" mtd', 'export user "Ada"'):
        with pytest.raises(Refused):
            authorize(parse_command(words, today=TODAY), MEMBER)  # even their own name
    assert authorize(_user('user "Ada Lovelace"'), ADMIN).target.name == "Ada Lovelace"


def test_claude_s_user_tool_takes_a_display_name() -> None:
    (tool,) = [t for t in REPORTS if t.name == "user_usage"]
    command = tool.command({"person": "Ada Lovelace", "period": "7d"}, today=TODAY, asker=ADMIN)
    assert isinstance(command, UserCommand)
    assert command.target.name == "Ada Lovelace"
    email = tool.command({"person": "ada@example.com"}, today=TODAY, asker=ADMIN)
    assert isinstance(email, UserCommand)
    assert email.target.email == "ada@example.com"
    assert (
        "display name"
        in tool.input_model.model_json_schema()["properties"]["person"]["description"]
    )
