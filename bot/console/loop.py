"""The interactive console that `claude-usage demo` opens, one line at a time:

    /claude-usage top-spenders 7d     the `/claude-usage` is optional: answered as Slack answers it
    2, or show more                   a button of the last answer, by its number or its label:
                                      runs the words that button runs in Slack
    tour                              every subcommand once (through a pager on a terminal)
    quit                              ends (so does Ctrl-D)
    anything else                     a question, answered as a DM would be (`bot.console.ask`)

On a terminal, input has line editing and history (`bot.console.lineedit`); answers go through
rich, which wraps lines between words at the terminal's width.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from bot.console.answer import ConsoleSession, TerminalAnswer
from bot.console.render import Button
from bot.console.sanitize import clean_lines

QUIT_WORDS = frozenset({"quit", "exit", "q", ":q"})
_NOT_A_WORD = re.compile(r"[^\w\s]")


def show(out: Console, text: str) -> None:
    """Answer text (already terminal-safe) wrapped by rich between words, never as markup."""
    out.print(Text(clean_lines(text.rstrip("\n"))), overflow="fold")


def answer_one(
    line: str, session: ConsoleSession, out: Console, *, numbered: bool = False
) -> tuple[Button, ...]:
    """A command or a question, printed; returns the buttons drawn with numbers."""
    from bot.console.ask import ask_line, is_command

    if not is_command(line, today=session.deps.today()):
        buttons = ask_line(line, session, out, numbered=numbered)
        out.print()
        return buttons
    started = time.perf_counter()
    answer = session.answer(line, numbered=numbered)
    elapsed_ms = (time.perf_counter() - started) * 1000
    show(out, answer.text)
    _alert_preview(session, answer, out)
    out.print(f"[dim]({elapsed_ms:.0f} ms from the store)[/]\n")
    return answer.buttons


def _alert_preview(session: ConsoleSession, answer: TerminalAnswer, out: Console) -> None:
    """After `budget set`, the alert the hourly check would post now for that budget (budgets
    and alerts can be tried without Slack)."""
    from bot.console.render import blocks_to_text
    from bot.reports.command_models import BudgetCommand
    from bot.slack.alert_blocks import alert_message, status_line
    from bot.slack.alert_post import breaches

    command = answer.command
    channel = session.settings.alert_channel
    if not answer.ok or not isinstance(command, BudgetCommand) or command.action != "set":
        return
    if channel is None:
        return
    now = session.deps.now()
    scope = command.product or ""
    for breach in breaches(session.db, now):
        if breach.kind == "budget" and breach.scope == scope:
            message = alert_message(
                breach.body, breach.value, status_line(None, None, None, None, now)
            )
            out.print(Text(f"The next hourly alert check posts this in #{channel}:", style="dim"))
            show(out, blocks_to_text(message.blocks))


def run_tour(session: ConsoleSession, out: Console, lines: Iterable[str]) -> None:
    for line in lines:
        out.print(Rule(f"/claude-usage {line}", align="left"))
        answer_one(line, session, out)


def press(line: str, buttons: tuple[Button, ...]) -> Button | str | None:
    """The button `line` names (its number, or its label without arrows, any case), a sentence
    when it names a number that is not a button, or None when it names no button."""
    typed = line.strip()
    if typed.isdigit():
        for button in buttons:
            if button.number == int(typed):
                return button
        if not buttons:
            return "The last answer has no buttons to press."
        return f"There is no button {typed}: the last answer's buttons are 1–{len(buttons)}."
    wanted = _label_words(typed)
    for button in buttons:
        if wanted and _label_words(button.label) == wanted:
            return button
    return None


def _label_words(label: str) -> str:
    return " ".join(_NOT_A_WORD.sub("", label).casefold().split())


def paged(out: Console) -> AbstractContextManager[object]:
    """A pager (rich's, which uses $PAGER or less) on a terminal; the console itself otherwise."""
    return out.pager(styles=False) if out.is_terminal else nullcontext()


def console_loop(
    session: ConsoleSession,
    out: Console,
    read_line: Callable[[str], str],
    tour: Callable[[], list[str]],
) -> None:
    buttons: tuple[Button, ...] = ()
    while True:
        try:
            line = read_line("claude-usage> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if not line:
            continue
        if line.lower() in QUIT_WORDS:
            return
        if line.lower() == "tour":
            with paged(out):
                run_tour(session, out, tour())
            buttons = ()
            continue
        pressed = press(line, buttons)
        if isinstance(pressed, str):
            out.print(pressed, markup=False)
            continue
        if pressed is not None:
            out.print(Text(f"→ /claude-usage {pressed.words}", style="dim"))
            line = pressed.words
        buttons = answer_one(line, session, out, numbered=True)
