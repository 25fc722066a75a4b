"""The interactive console: buttons are pressed by number or label.

Before: buttons were drawn but `show more` was read as a question.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from itertools import pairwise

from rich.console import Console

from bot.console.demo import run_demo
from bot.reports.periods import parse_period, utc_today
from bot.slack.blocks.message import period_arg
from bot.slack.blocks.spend import MORE_STEP


def console_run(lines: Sequence[str], *, width: int = 250) -> list[str]:
    """What the demo console printed for each of `lines`."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    marks: list[int] = []
    queue = list(lines)

    def read_line(_prompt: str) -> str:
        marks.append(buffer.tell())
        return queue.pop(0) if queue else "quit"

    assert run_demo(users=20, interactive=True, console=console, read_line=read_line) == 0
    text = buffer.getvalue()
    return [text[a:b] for a, b in pairwise(marks)]


def test_buttons_are_numbered_and_run_what_the_slack_button_runs() -> None:
    first, more, previous, missing, question = console_run(
        ["top-spenders 7d --limit 3", "Show more", "1", "9", "who spent most last week?"]
    )
    week = parse_period("7d", today=utc_today())
    buttons = re.findall(r"\[(\d+) ([^\]]+)\]", first)
    assert buttons[0] == ("1", "◀ Previous")
    assert [n for n, _label in buttons] == [str(n) for n in range(1, len(buttons) + 1)]
    assert ("4", "Show more") in buttons
    assert more.startswith(
        f"→ /claude-usage top-spenders {period_arg(week)} --limit {3 + MORE_STEP}\n"
    )
    assert "   4. " in more  # more rows than the first answer's 3
    assert previous.startswith(  # ◀ Previous of the answer to "Show more"
        f"→ /claude-usage top-spenders {period_arg(week.shifted(-1))} --limit {3 + MORE_STEP}\n"
    )
    assert "Top spenders · " in previous
    assert re.fullmatch(r"There is no button 9: the last answer's buttons are 1–\d+\.\n", missing)
    assert "I read this as: top spenders last week." in question
    assert re.search(r"\[1 ◀ Previous\]", question)  # the keyless router's report has them too
