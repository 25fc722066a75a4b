"""`/claude-usage` answered in a terminal: Slack's own path, with a console user for a request.

Every line goes through `bot.slack.answer.answer`, the function the slash command, buttons and
App Home call: parse → authorize (`bot.reports.access`, as the `ConsoleUser` of
`bot.console.identity`) → report, or digest and budget management against the store → Block Kit;
errors and refusals are the one sentence Slack would show. Then `blocks_to_text` shows the
message. So `user me`, `digest subscribe` and `budget set` work here as in Slack, and a member
is refused here as in Slack. An export prints its CSV (Slack uploads it to the DM).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.config import Settings
from bot.console.identity import ConsoleDirectory, ConsoleUser, console_user
from bot.console.render import Button, blocks_to_text, pressable
from bot.reports.command_models import Command
from bot.reports.export import csv_bytes
from bot.reports.types import Export
from bot.slack.answer import answer
from bot.slack.auth import Viewer
from bot.slack.deps import Deps, StoreAccess, utc_now

SLASH = "/claude-usage"


@dataclass(frozen=True)
class TerminalAnswer:
    text: str
    ok: bool
    exit_code: int = 0
    csv: bool = False
    """The text is an export's CSV: exact data, cleaned only when shown on a terminal."""
    buttons: tuple[Button, ...] = ()
    """The buttons drawn with numbers (only when asked for: the interactive console)."""
    command: Command | None = None


def strip_slash(line: str) -> str:
    """Accept `/claude-usage top-spenders 7d` as well as `top-spenders 7d`."""
    text = line.strip()
    if text.lower().startswith(SLASH):
        text = text[len(SLASH) :]
    return text.strip()


class ConsoleSession:
    """The console as `user`: Slack's `Deps` around the store, with the console's directory and
    no refresher (the console answers from the store as it is)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        user: ConsoleUser,
        *,
        people: Mapping[str, str] = {},
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.user = user
        self.deps = Deps(
            settings=settings,
            store=StoreAccess(db, opener=lambda _path: db),
            directory=ConsoleDirectory(settings, user, people),
            now=now,
        )

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def viewer(self) -> Viewer:
        return self.deps.directory.viewer(self.user.user_id)

    def answer(self, line: str, *, numbered: bool = False) -> TerminalAnswer:
        """One line in, readable text out; `numbered` numbers the buttons it can press."""
        words = strip_slash(line) or "help"
        found = answer(
            self.deps, user_id=self.user.user_id, channel_id=self.user.channel_id, text=words
        )
        if found.export is not None:
            return TerminalAnswer(export_csv(found.export), ok=True, csv=True)
        blocks = found.message.blocks
        text = blocks_to_text(blocks, numbered=numbered)
        if found.response_type == "in_channel":
            text += f"(In Slack, everyone in #{self.user.channel_id} sees this answer.)\n"
        return TerminalAnswer(
            text,
            ok=found.exit_code == 0,
            exit_code=found.exit_code,
            buttons=pressable(blocks) if numbered else (),
            command=found.command,
        )


def answer_line(
    line: str,
    db: Database,
    *,
    settings: Settings,
    now: datetime | None = None,
    user: ConsoleUser | None = None,
) -> TerminalAnswer:
    """One line answered for `user` (default: the operator, an admin), at `now`."""
    who = user or console_user(settings, None)
    clock = utc_now if now is None else _fixed(now)
    return ConsoleSession(db, settings, who, now=clock).answer(line)


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def export_csv(export: Export) -> str:
    """The CSV Slack would upload to the requester's DM, exact cents and all."""
    return csv_bytes(export).decode("utf-8")
