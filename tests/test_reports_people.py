"""Resolving a person to exactly one account when an address has belonged to several.

The scenario from the review: ada@example.com belonged to a user who was deleted; the address
was reassigned to a new hire. Before the fix, the cost API's `email: null` for the deleted user
never overwrote the stored address, `find_user` took any row with that email, and the new hire's
`user me` showed the former owner's spend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.reports.people import find_user
from bot.reports.periods import Period
from bot.reports.profile import UnknownUserError, user_profile
from bot.store.flatten import DirectoryEntry
from bot.store.writers import Batch, write_batch
from tests.report_factories import StoreBuilder, mc

AT = datetime(2026, 11, 25, 6, tzinfo=UTC)
OLD, NEW = "user_01FORMER", "user_02NEWHIRE"
EMAIL = "ada@example.com"


def _cost_day(store: StoreBuilder, day: date, user: str, cents: str, who: DirectoryEntry) -> None:
    row = {
        "day": day.isoformat(), "user_id": user, "product": "chat", "model": "m",
        "amount_microcents": mc(cents), "list_amount_microcents": mc(cents), "requests": 1,
    }  # fmt: skip
    write_batch(store.db, Batch("user_cost", (day,), [row], frozenset(), AT, [who]), fetched_at=AT)


def _reassigned() -> StoreBuilder:
    store = StoreBuilder()
    old_days = (date(2026, 10, 1), date(2026, 10, 2))
    for day in old_days:  # the former owner, while the address was theirs
        _cost_day(store, day, OLD, "90000", DirectoryEntry(OLD, EMAIL, "Ada One", False, day))
        store.activity(day, OLD, email=EMAIL)
    gone = date(2026, 10, 20)  # the cost API now reports the account deleted, email withdrawn
    _cost_day(store, gone, OLD, "1", DirectoryEntry(OLD, None, "Deleted User", True, gone))
    hired = date(2026, 11, 3)
    _cost_day(store, hired, NEW, "250", DirectoryEntry(NEW, EMAIL, "Ada Two", False, hired))
    return store


def test_a_withdrawn_email_is_not_kept_for_the_deleted_account() -> None:
    store = _reassigned()
    former = store.db.table("directory").get(OLD)
    assert former["deleted"] == 1
    assert former["email"] is None
    assert store.db.table("directory").get(NEW)["email"] == EMAIL


def test_me_is_the_new_hire_and_never_the_former_owner() -> None:
    store = _reassigned()
    assert find_user(store.db, email=EMAIL, living_only=True) == NEW
    assert find_user(store.db, email=EMAIL.upper()) == NEW
    profile = user_profile(
        store.db, Period.between(date(2026, 10, 1), date(2026, 11, 24)), email=EMAIL,
        living_only=True,
    )  # fmt: skip
    assert profile.user.user_id == NEW
    assert profile.spend_microcents == mc("250")  # not the former owner's $1,800


def test_only_the_deleted_owner_left_is_unknown_for_me_but_visible_to_an_admin_lookup() -> None:
    store = StoreBuilder()
    day = date(2026, 10, 1)
    store.activity(day, OLD, email=EMAIL)
    store.person(OLD, None, "Deleted User", deleted=True)
    store.user_cost(day, OLD, "90000")
    period = Period.between(day, date(2026, 10, 31))
    with pytest.raises(UnknownUserError, match=EMAIL):
        user_profile(store.db, period, email=EMAIL, living_only=True)
    admin_view = user_profile(store.db, period, email=EMAIL)
    assert admin_view.user.user_id == OLD
    assert admin_view.user.deleted


def test_two_living_accounts_with_one_address_resolve_to_the_one_seen_last() -> None:
    store = StoreBuilder()
    rows = [("user_b", 0, "2026-11-01"), ("user_a", 0, "2026-11-20"), ("user_c", 1, "2026-11-24")]
    store.db.table("directory").insert_all(
        {"user_id": uid, "email": EMAIL, "name": uid, "deleted": gone, "seen_on": seen}
        for uid, gone, seen in rows
    )
    for _ in range(5):  # deterministic whatever order SQLite returns rows in
        assert find_user(store.db, email=EMAIL) == "user_a"
