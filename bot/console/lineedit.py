"""Line editing and history for the console, from the standard library's `readline`.

Importing `readline` is what gives `input()` line editing: arrows, Home/End, Ctrl-R to search,
Up for the previous line (without it a terminal echoes `^[[A`). The history is kept between runs
in `history_file()` (`$XDG_STATE_HOME/claude-usage/console-history`, else under
`~/.local/state`), at most `HISTORY_LINES` lines, and Tab completes subcommand names. Only on a
terminal: a pipe, or a test's scripted lines, are read as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bot.config import Settings

log = logging.getLogger(__name__)

HISTORY_LINES = 1000


def history_file(settings: Settings) -> Path:
    state = settings.state_home or Path.home() / ".local" / "state"
    return state / "claude-usage" / "console-history"


@contextmanager
def line_editing(settings: Settings, words: Iterable[str]) -> Iterator[None]:
    """`input()` with editing, history and completion of `words` while inside."""
    try:
        import readline
    except ImportError:  # a Python built without it: plain input()
        yield
        return
    path = history_file(settings)
    with suppress(OSError):  # the first run, or an unreadable file: an empty history
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LINES)
    readline.set_completer(_completer(sorted(words)))
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError as exc:
            log.info("could not save the console history to %s: %s", path, exc)


def _completer(words: list[str]) -> Callable[[str, int], str | None]:
    def complete(text: str, state: int) -> str | None:
        matches = [w for w in words if w.startswith(text.lower())]
        return matches[state] if state < len(matches) else None

    return complete
