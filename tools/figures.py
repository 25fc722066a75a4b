"""Every figure in an answer must come from the tool results of that turn.

Claude reads compact results and writes prose; a number it made up (or miscopied, or computed
itself) would look exactly as trustworthy as one it read. `FigureCheck` collects the numbers of
a turn's evidence and looks up each number of the answer among them, allowing the same value
written another way:

    $7,272.00  $7,272  $7.3k  7272        thousands separators, currency, suffixes k, m/M
    $2.5m  $3.2K  1.5bn  670.4 million    (million), b/bn (billion) and the words, any case
    7.9%  8%                              rounding to the precision the answer shows
    −$12  -12  +12                        signs (changes are quoted with either)

Evidence is what the tools returned this turn, and nothing else: not the question (a figure
the asker typed is not a fact), not the system prompt's rules ("revised for 30 days") and not
the model's own tool inputs. In a result, dates and times are not evidence either, but for
their year (the 11 of `2026-11-13` is no figure, its 2026 is). A percentage in the answer is
found only among percentages: a number under a key that names one (`share_pct`,
`change_pct`, `daily_adoption_rate`, `utilisation_pct`, an SQL column `…_share`), a number
written with `%`, or a ratio or fraction (`…_ratio`: 0.079 is 7.9%); "30%" is not found in
"30 days".

Dates and times are not figures (`Nov 13`, `2026-11-13`, `10:00`), nor are list markers
(`1.` at the start of a line) or digits inside identifiers (`claude-opus-5`, `user_01…`, `7d`).
An answer with a figure found nowhere gets a visible caveat (`caveat`); the outcome is logged by
the caller and stored with the question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
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
_NUMBER = re.compile(  # the digits are atomic: "$2.5m" is never read as "$2"
    r"(?<![\w.\-/])(?P<sign>[-+−])?(?P<cur>\$)?"
    r"(?P<num>(?>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))"
    r"(?P<suffix>\s?(?i:k|m|bn|b|thousand|million|billion)(?!\w))?(?P<pct>\s?%)?(?!\w)"
)
_EVIDENCE_NUMBER = re.compile(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<pct>\s?%)?")
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
          "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}  # fmt: skip
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PERCENT_WORDS = frozenset(
    {"pct", "percent", "percentage", "rate", "share", "utilisation", "utilization"}
)
_FRACTION_WORDS = frozenset({"ratio", "fraction"})
_HUNDRED = Decimal(100)
CAVEAT = (
    "⚠️ I couldn't find {figures} in the data I looked up for this answer; it may be my own "
    "calculation or a mistake, so check it before relying on it."
)


@dataclass(frozen=True)
class Figure:
    text: str
    value: Decimal
    tolerance: Decimal
    percent: bool = False


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
        found.append(Figure(match[0].strip(), value * scale, tolerance, bool(match["pct"])))
    return found


@dataclass
class Evidence:
    """The numbers of the evidence: every one, and those that are percentages."""

    values: set[Decimal] = field(default_factory=set)
    percentages: set[Decimal] = field(default_factory=set)

    def add(self, text: str) -> None:
        """One tool result: JSON (keys say what a number is), or plain text if it is not."""
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        for value, kind in _numbers(parsed, ""):
            self.values.add(value)
            if kind == "percent":
                self.percentages.add(value)
            elif kind == "fraction":
                self.percentages.add(value * _HUNDRED)

    def has(self, figure: Figure) -> bool:
        pool = self.percentages if figure.percent else self.values
        return any(abs(value - figure.value) <= figure.tolerance for value in pool)


def _numbers(node: object, key: str) -> Iterator[tuple[Decimal, str]]:
    """(|value|, "percent" | "fraction" | "") for each number under `node`; a number's kind
    comes from the key it sits under (or, in a `columns` + rows table, its column's name)."""
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, int | float):
        if node == node and abs(node) != float("inf"):  # not NaN or infinite
            yield abs(Decimal(str(node))), _kind(key)
    elif isinstance(node, str):
        for date in _NOT_FIGURES.finditer(node):  # its year only: "in 2026" is supported
            yield from ((Decimal(year), "") for year in _YEAR.findall(date[0]))
        for match in _EVIDENCE_NUMBER.finditer(_NOT_FIGURES.sub(" ", node)):
            kind = "percent" if match["pct"] else _kind(key)
            yield Decimal(match["num"].replace(",", "")), kind
    elif isinstance(node, dict):
        columns = node.get("columns")
        names = [str(c) for c in columns] if isinstance(columns, list) else None
        for child_key, child in node.items():
            if names is not None and isinstance(child, list) and child_key != "columns":
                yield from _table(child, names, child_key)
            else:
                yield from _numbers(child, str(child_key))
    elif isinstance(node, list):
        for item in node:
            yield from _numbers(item, key)


def _table(rows: list[object], columns: list[str], key: str) -> Iterator[tuple[Decimal, str]]:
    for row in rows:
        if isinstance(row, list) and len(row) == len(columns):
            for column, cell in zip(columns, row, strict=True):
                yield from _numbers(cell, column)
        else:
            yield from _numbers(row, key)


def _kind(key: str) -> str:
    words = set(re.split(r"[^a-z]+", key.lower()))
    if words & _FRACTION_WORDS:
        return "fraction"
    return "percent" if words & _PERCENT_WORDS else ""


@dataclass
class FigureCheck:
    """Figures checked so far in one turn, against the evidence gathered so far."""

    evidence: list[str] = field(default_factory=list)
    checked: int = 0
    unverified: list[str] = field(default_factory=list)
    _numbers: Evidence = field(default_factory=Evidence)

    def add_evidence(self, *results: str) -> None:
        """Tool results of this turn (and only those: see the module docstring)."""
        self.evidence.extend(results)
        for result in results:
            self._numbers.add(result)

    def check(self, text: str) -> list[str]:
        """Check the figures of `text` (a piece of the answer); returns those found nowhere."""
        missing = []
        for figure in figures_in(text):
            self.checked += 1
            if not self._numbers.has(figure):
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
