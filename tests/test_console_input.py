"""The interactive console: buttons are pressed by number or label, lines wrap between words,
and on a terminal input has readline's editing and history and the tour goes through a pager.

Before: buttons were drawn but `show more` was read as a question, answers were printed
unwrapped (the terminal broke them mid-word), Up printed `^[[A`, and `tour` printed ~360 lines
straight to the screen.
"""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

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


def test_answers_wrap_between_words_at_the_console_width() -> None:
    (answer,) = console_run(["top-spenders 7d --limit 3"], width=60)
    lines = answer.splitlines()
    assert max(len(line) for line in lines) <= 60
    flowing = " ".join(line.strip() for line in lines)
    assert "spend revisable until" in flowing  # the freshness line, wrapped between words
    assert "so it is higher than the sum over users." in flowing


ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """`claude-usage demo` on a pseudo-terminal: what it prints, and keys sent to it."""

    def __init__(self, tmp: Path, **env: str) -> None:
        import pty

        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CLAUDE_", "SLACK_", "ANTHROPIC_")) and k not in ("MANPAGER",)
        }
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo", "--users", "20"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env={**base, "HOME": str(tmp), "XDG_STATE_HOME": str(tmp / "state"),
                 "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "120", "LINES": "40", **env},
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.seen = b""

    def expect(self, text: str, count: int = 1, timeout: float = 60.0) -> None:
        """Wait until `text` has been printed `count` times."""
        deadline = time.monotonic() + timeout
        wanted = text.encode()
        while self.seen.count(wanted) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"waited for {text!r} x{count}; got {self.seen[-3000:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the demo has exited
                    chunk = b""
                assert chunk, f"the demo ended before {text!r}: {self.seen[-3000:]!r}"
                self.seen += chunk

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self) -> int:
        self.send("quit\r")
        try:
            while os.read(self.master, 65536):
                pass
        except OSError:
            pass
        code = self.proc.wait(timeout=60)
        os.close(self.master)
        return code


PROMPT = "claude-usage> "


def test_up_arrow_brings_back_the_previous_line_and_history_is_kept(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    term.expect(PROMPT)
    term.send("adoption 7d\r")
    term.expect("Adoption · last 7 days")
    term.expect(PROMPT, 2)
    term.send("\x1b[A\r")  # Up, Enter: the previous line again
    term.expect("Adoption · last 7 days", 2)
    assert b"^[[A" not in term.seen
    assert term.finish() == 0
    history = tmp_path / "state" / "claude-usage" / "console-history"
    assert "adoption 7d" in history.read_text().splitlines()


def test_the_tour_goes_through_the_pager_on_a_terminal(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    term = Terminal(tmp_path, PAGER=f"cat > {paged}")
    term.expect(PROMPT)
    term.send("tour\r")
    term.expect(PROMPT, 2)
    assert term.finish() == 0
    text = paged.read_text(encoding="utf-8")
    for line in ("help", "compare month", "budget show", "top-spenders banana"):
        assert f"/claude-usage {line}" in text
    assert b"/claude-usage compare month" not in term.seen
