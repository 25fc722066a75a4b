"""Every figure in an answer must come from the tool results of that turn.

Claude reads compact results and writes prose; a number it made up (or miscopied, or computed
itself) would look exactly as trustworthy as one it read. `FigureCheck` collects the numbers of
a turn's evidence (tool results, tool inputs and the question) and looks up each number of the
answer among them, allowing the same value written another way:

    $7,272.00  $7,272  $7.3k  7272        thousands separators, currency, k/M/B suffixes
    7.9%  8%                              rounding to the precision the answer shows
    −$12  -12  +12                        signs (changes are quoted with either)

Dates and times are not figures (`Nov 13`, `2026-11-13`, `10:00`), nor are list markers
(`1.` at the start of a line) or digits inside identifiers (`claude-opus-5`, `user_01…`, `7d`).
An answer with a figure found nowhere gets a visible caveat (`caveat`); the outcome is logged by
the caller and stored with the question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_NOT_FIGURES = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+Z?)?"  # ISO dates and timestamps
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"  # Nov 13, 2026
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?"  # 13 Nov
    rf"|\b{_MONTH}\s+\d{{4}}\b"  # November 2026
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # 10:00
    r"|^\s*\d{1,2}[.)]\s",  # list markers
    re.IGNORECASE | re.MULTILINE,
)
_NUMBER = re.compile(
    r"(?<![\w.\-/])(?P<sign>[-+−])?(?P<cur>\$)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suffix>\s?(?:[kKMB]|thousand|million|billion)(?![\w]))?(?P<pct>\s?%)?(?![\w])"
)
_EVIDENCE_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
          "b": 1_000_000_000, "billion": 1_000_000_000}  # fmt: skip
CAVEAT = (
    "⚠️ I couldn't find {figures} in the data I looked up for this answer; it may be my own "
    "calculation or a mistake, so check it before relying on it."
)


@dataclass(frozen=True)
class Figure:
    text: str
    value: Decimal
    tolerance: Decimal


def figures_in(answer: str) -> list[Figure]:
    """The figures an answer states (dates, times, list markers and identifiers left out)."""
    cleaned = _NOT_FIGURES.sub(" ", answer)
    found: list[Figure] = []
    for match in _NUMBER.finditer(cleaned):
        digits = match["num"].replace(",", "")
        try:
            value = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the regex only matches numbers
            continue
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        scale = _SCALE.get((match["suffix"] or "").strip().lower(), 1)
        tolerance = Decimal(5) / Decimal(10) ** (decimals + 1) * scale  # half the last digit
        found.append(Figure(match[0].strip(), value * scale, tolerance))
    return found


def evidence_values(texts: Iterable[str]) -> set[Decimal]:
    values: set[Decimal] = set()
    for text in texts:
        for match in _EVIDENCE_NUMBER.finditer(text):
            values.add(Decimal(match[0].replace(",", "")))
    return values


@dataclass
class FigureCheck:
    """Figures checked so far in one turn, against the evidence gathered so far."""

    evidence: list[str] = field(default_factory=list)
    checked: int = 0
    unverified: list[str] = field(default_factory=list)
    _values: set[Decimal] = field(default_factory=set)

    def add_evidence(self, *texts: str) -> None:
        self.evidence.extend(texts)
        self._values |= evidence_values(texts)

    def check(self, text: str) -> list[str]:
        """Check the figures of `text` (a piece of the answer); returns those found nowhere."""
        missing = []
        for figure in figures_in(text):
            self.checked += 1
            if not any(abs(value - figure.value) <= figure.tolerance for value in self._values):
                missing.append(figure.text)
        self.unverified.extend(m for m in missing if m not in self.unverified)
        return missing

    @property
    def ok(self) -> bool:
        return not self.unverified

    def caveat(self) -> str | None:
        if self.ok:
            return None
        shown = ", ".join(self.unverified[:5])
        more = f" and {len(self.unverified) - 5} more" if len(self.unverified) > 5 else ""
        return CAVEAT.format(figures=shown + more)
