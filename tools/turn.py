"""One question's turn: the text shown so far, its figure check, tool calls and tokens.

Streamed text is buffered and released a sentence at a time (`Turn.piece`); each sentence's
figures are checked against the evidence gathered so far (every tool result of this turn, and
nothing else) before a surface sees it, so no figure is shown unchecked.
`AskEvents` is how a surface follows along; `AskResult` is what the agent returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.figures import FigureCheck
from tools.handlers import ToolOutcome
from tools.pricing import TokenUsage

Outcome = Literal["answered", "round_limit"]
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n")


@dataclass
class AskEvents:
    """Callbacks for a surface that shows progress (Slack); each may be left out."""

    tool_started: Callable[[str, str, Mapping[str, Any]], None] = lambda _id, _name, _input: None
    tool_finished: Callable[[str, ToolOutcome], None] = lambda _id, _outcome: None
    text: Callable[[str], None] = lambda _piece: None


@dataclass(frozen=True)
class AskResult:
    text: str
    """Everything Claude wrote (checked), plus our round-limit or cut-short sentence."""
    caveat: str | None
    calls: tuple[ToolOutcome, ...]
    rounds: int
    outcome: Outcome
    usage: TokenUsage
    cost_microcents: int | None
    figures_checked: int
    unverified: tuple[str, ...]
    question_id: int


@dataclass
class Turn:
    question: str
    events: AskEvents
    check: FigureCheck = field(default_factory=FigureCheck)
    calls: list[ToolOutcome] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)
    pending: str = ""
    gap: bool = False

    def begin_round(self) -> None:
        """Text of a new round starts a new paragraph."""
        self.gap = bool(self.shown)

    def note(self, text: str) -> None:
        """A sentence of ours (the round limit, a cut-short answer) as a paragraph of its own:
        it quotes no data, so it is shown as is, not checked against the tool results."""
        self.piece("", final=True)
        self.begin_round()
        shown = ("\n\n" if self.gap else "") + text
        self.gap = False
        self.shown.append(shown)
        self.events.text(shown)

    def piece(self, delta: str, *, final: bool = False) -> None:
        """Buffer streamed text; release whole sentences, each figure-checked first."""
        if self.gap and delta:
            delta, self.gap = "\n\n" + delta, False
        self.pending += delta
        cut = len(self.pending) if final else _last_boundary(self.pending)
        if cut:
            ready, self.pending = self.pending[:cut], self.pending[cut:]
            self.check.check(ready)
            self.shown.append(ready)
            self.events.text(ready)


def _last_boundary(text: str) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return ends[-1] if ends else 0
