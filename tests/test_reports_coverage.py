"""`coverage.notes`: the sentences about days of a period the store does not hold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.reports.coverage import Coverage, notes
from bot.reports.periods import Period

WEEK = Period(start=date(2026, 11, 2), end=date(2026, 11, 8), label="last 7 days")


def covering(*held: int) -> Coverage:
    """The week with the days at these offsets synced."""
    days = frozenset(WEEK.start + timedelta(days=n) for n in held)
    return Coverage("users", WEEK, days, first_synced=min(days), last_synced=max(days))


@pytest.mark.parametrize(
    ("held", "sentence"),
    [
        ((0, 1, 2, 3, 4, 5), "Activity is available through Nov 7, 2026 only; 1 day of last 7 "
         "days is not available yet."),
        ((0, 1, 2, 3, 4), "Activity is available through Nov 6, 2026 only; 2 days of last 7 "
         "days are not available yet."),
        ((1, 2, 3, 4, 5, 6), "Activity starts on Nov 3, 2026 in the store; 1 day before it was "
         "not synced."),
        ((2, 3, 4, 5, 6), "Activity starts on Nov 4, 2026 in the store; 2 days before it were "
         "not synced."),
        ((0, 1, 3, 4, 5, 6), "1 day of activity inside the period is not synced."),
        ((0, 3, 4, 5, 6), "2 days of activity inside the period are not synced."),
    ],
)  # fmt: skip
def test_the_verb_agrees_with_the_number_of_days(held: tuple[int, ...], sentence: str) -> None:
    """ "1 day of last 7 days are not available yet" read wrong."""
    assert notes(covering(*held), "activity") == [sentence]
