"""Periods as people write them ("in October", "past two weeks", "since Nov 1") → grammar words.

The `/claude-usage` grammar only knows `7d`, `last-week`, `mtd`, ISO dates and so on, and refuses
days in the future, before 2026-01-01 or more than 365 days back. `read_period` finds the phrase
in a lower-cased question and returns the grammar word, already fitted to those bounds, plus a
sentence when it had to bend the request: a guessed answer that says so beats an error. Kept
apart from `tools.fallback` so the router's intent table stays short enough to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.analytics.windows import FIRST_DAY, MAX_LOOKBACK_DAYS
from bot.reports.command_words import DEFAULT_PERIOD
from bot.reports.periods import PeriodError, day_label, parse_period

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_ISO = r"\d{4}-\d{2}-\d{2}"
_DAY = (  # one day: 2026-11-03, Nov 3rd, November 3 2026, 3 Nov
    rf"(?:{_ISO}|{_MON}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+20\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+20\d\d)?)"
)
_UNTIL = r"\s*(?:\.\.|to|and|until|till|through|-|–)\s*"
_WHOLE_MONTH = (
    rf"(?:\b(?P<ctx>in|for|during|of|over)\s+)?\b(?P<mon>{_MON})\.?(?:,?\s+(?P<yr>20\d\d))?"
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = (
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues?|wed|thu(?:rs?)?|fri)"
    r"\b(?!s)"
)
_UNIT_DAYS = {"week": 7, "fortnight": 14, "month": 30, "quarter": 90}
_NAMES = {"mtd": "month to date"}  # other grammar words read fine with their dashes as spaces

Span = str | tuple[date, date]
"""A period as found: a grammar word (`last-week`, `30d`) or its first and last day."""


def _day(text: str, today: date) -> date:
    """`2026-11-03`, `Nov 3rd` or `3 November 2026`; with no year, the latest not after today."""
    if re.fullmatch(_ISO, text):
        return date.fromisoformat(text)
    month = _MONTHS.index(re.findall(_MON, text)[0][:3]) + 1
    day = int(re.findall(r"(?<!\d)\d{1,2}(?!\d)", text)[0])
    if year := re.search(r"20\d\d", text):
        return date(int(year[0]), month, day)
    guess = date(today.year, month, day)
    return guess if guess <= today else date(today.year - 1, month, day)


def _month(m: re.Match[str], today: date) -> tuple[date, date] | None:
    """A month name is the latest such month not after today, unless a year is given."""
    if m["mon"] == "may" and not (m["ctx"] or m["yr"]):
        return None  # "may I see…" is not May
    month = _MONTHS.index(m["mon"][:3]) + 1
    first = date(int(m["yr"]) if m["yr"] else today.year - (month > today.month), month, 1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _weekday(name: str, today: date) -> date:
    """ "On Tuesday": the latest Tuesday before today (today is not complete yet)."""
    back = (today.weekday() - _WEEKDAYS.index(name[:3])) % 7
    return today - timedelta(days=back or 7)


def _since(start: date, today: date) -> tuple[date, date]:
    """From `start` to yesterday (today is partial), or just `start` if that is today."""
    return start, max(start, today - timedelta(days=1))


def _days(m: re.Match[str]) -> str:
    """`last 3 weeks` → `21d`, `past fortnight` → `14d`, `30d` → `30d`."""
    return f"{int(m[1] or 1) * _UNIT_DAYS.get(m[2], 1)}d"


PERIODS: tuple[tuple[str, Callable[[re.Match[str], date], Span | None]], ...] = (
    # most specific first; the first pattern that reads as a period wins
    (rf"({_ISO}){_UNTIL}({_ISO})", lambda m, t: (_day(m[1], t), _day(m[2], t))),
    (
        rf"\b(?:from|between)\s+({_DAY}){_UNTIL}({_DAY})",
        lambda m, t: (_day(m[1], t), _day(m[2], t)),
    ),
    (rf"\bsince\s+({_DAY})", lambda m, t: _since(_day(m[1], t), t)),
    (rf"\bsince\s+{_WHOLE_MONTH}", lambda m, t: _since(w[0], t) if (w := _month(m, t)) else None),
    (rf"(?<![\w-])({_DAY})", lambda m, t: (_day(m[1], t), _day(m[1], t))),
    (_WEEKDAY, lambda m, t: (w := _weekday(m[1], t), w)),
    (_WHOLE_MONTH, _month),
    (r"\b(yesterday|today)\b", lambda m, t: m[1]),
    (r"\b(?:this|current) week\b|\bweek so far\b", lambda m, t: "this-week"),
    (r"\b(?:last|previous|prior) week\b", lambda m, t: "last-week"),
    (r"\b(?:this|current) month\b|month[ -]to[ -]date|\bmtd\b", lambda m, t: "mtd"),
    (r"\b(?:last|previous|prior) month\b", lambda m, t: "last-month"),
    (r"\b(?:last|past|previous)\s+(\d{1,3})\s+(day|week|month)s?\b", lambda m, t: _days(m)),
    (r"\b(?:last|past)\s+()(day|week|fortnight|month|quarter)\b", lambda m, t: _days(m)),
    (r"\b(\d{1,3})d()\b", lambda m, t: _days(m)),
    (r"\b(?:in|for|over|within)\s+(\d{1,3})\s+(day|week|month)s?\b", lambda m, t: _days(m)),
    (r"\bthis year\b|\bytd\b|year[ -]to[ -]date", lambda m, t: (date(t.year, 1, 1), t)),
    (r"\ball[ -]time\b|\bever\b|\bpast year\b", lambda m, t: (t - timedelta(days=365), t)),
    (r"\blast year\b", lambda m, t: (date(t.year - 1, 1, 1), date(t.year - 1, 12, 31))),
    (
        r"\b(next|coming) (week|month|year)\b|\btomorrow\b",
        lambda m, t: (t + timedelta(1), t + timedelta(7)),
    ),
)


def read_period(text: str, today: date) -> tuple[str | None, str]:
    """The first period `PERIODS` finds in lower-cased `text`, fitted by `settle`; None if none."""
    for pattern, read in PERIODS:
        for match in re.finditer(pattern, text):
            try:
                span = read(match, today)
            except (ValueError, IndexError):  # "Feb 30" and friends are not days
                continue
            if span is not None:
                return settle(span, match[0].strip(), today)
    return None, ""


def settle(span: Span, phrase: str, today: date) -> tuple[str | None, str]:
    """A grammar word for `span` within the data's bounds, and a sentence if we had to bend it.

    A span wholly outside the data gives None (the caller falls back to its default period); one
    that overlaps is cut to the days we can have. A full calendar month stays an explicit range.
    """
    low = max(FIRST_DAY, today - timedelta(days=MAX_LOOKBACK_DAYS))
    reach = f"the data covers {day_label(low)} to today"
    word = span if isinstance(span, str) else None
    if isinstance(span, tuple):
        start, end = min(span), max(span)
    elif days := re.fullmatch(r"(\d+)d", span):
        word = f"{max(int(days[1]), 1)}d"  # "0d" covers no days; the nearest that does is 1d
        start, end = today - timedelta(days=int(word[:-1])), today - timedelta(days=1)
    else:
        try:
            parse_period(span, today=today)
        except PeriodError:
            return None, f" “{phrase}” is outside the data ({reach}), so I used the default period."
        return span, ""
    if start > today or end < low:
        why = "is in the future" if start > today else f"is before the data ({reach})"
        return None, f" “{phrase}” {why}, so I used the default period instead."
    first, last = max(start, low), min(end, today)
    if (first, last) == (start, end) and word:
        return word, ""
    found = f"{first.isoformat()}..{last.isoformat()}" if first < last else first.isoformat()
    found = "mtd" if (first, last) == (today.replace(day=1), today) else found
    bent = (first, last) != (start, end)
    return found, f" I shortened “{phrase}” to {found} because {reach}." if bent else ""


def describe(word: str | None, today: date) -> str:
    """How the explanation says a grammar period: "last week", "over the last 30 days", dates."""
    word = word or DEFAULT_PERIOD
    if days := re.fullmatch(r"(\d+)d", word):
        return "yesterday" if days[1] == "1" else f"over the last {days[1]} days"
    if not re.match(r"\d", word):
        return _NAMES.get(word, word.replace("-", " "))
    return f"for {parse_period(word, today=today).label}"


def before(period: str | None, today: date) -> str:
    """What a period is compared with, in words: "the week before", "the same days last month"."""
    word = period or DEFAULT_PERIOD
    named = {
        "mtd": "the same days last month",
        "this-week": "the same days last week",
        "last-week": "the week before",
        "last-month": "the month before",
        "today": "the day before",
        "yesterday": "the day before",
    }
    if word in named:
        return named[word]
    if days := re.fullmatch(r"(\d+)d", word):
        return "the day before" if days[1] == "1" else f"the {days[1]} days before"
    found = parse_period(word, today=today)
    if found.days == 1:
        return "the day before"
    return "the month before" if found.whole_month else "the period before"
