"""Who may see what: the one rule every surface applies to a parsed command before it runs.

Each surface knows who is asking in its own way (a Slack identity and its email, `--as` on the
command line, the Slack user behind a DM) and fills in a `user` target that names the asker
(`me`, a mention) with its own `resolve` step. Then `authorize` decides, the same for the slash
command, App Home, DMs (Claude's tools and the keyless router) and `claude-usage ask`:

    admins      everything as asked; an email may name a deleted account (admins look people up)
    members     no exports and no per-person reports, except their OWN profile, which is always
                their living account however they named it (`me`, a mention, their email): an
                address once held by a since-deleted account never shows that account's spend;
                breakdowns only by groups of at least `MIN_GROUP` people (`min_group`, folded by
                the report functions, see `bot.reports.privacy`)

A refusal is `Refused`, naming what was refused; each surface words it its own way (Slack names
the admins, a tool result tells Claude what to answer instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from bot.errors import ClaudeUsageError
from bot.reports.command_models import (
    CommandBase,
    ExportCommand,
    TopSpendersCommand,
    UserCommand,
    UserTarget,
)
from bot.reports.privacy import MIN_GROUP

C = TypeVar("C", bound=CommandBase)


class Who(Protocol):
    """The asker as a surface knows them (`bot.slack.auth.Viewer`, `tools.report_tools.Asker`)."""

    @property
    def user_id(self) -> str: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def email(self) -> str | None: ...


class Refused(ClaudeUsageError):
    """The asker may not see this answer; `what` names it ("Per-user spend")."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is limited to Claude usage admins.")
        self.what = what


def as_typed(command: UserCommand) -> UserCommand:
    """The `resolve` step of a surface that has nothing to fill in."""
    return command


def authorize(command: C, who: Who, resolve: Callable[[UserCommand], UserCommand] = as_typed) -> C:
    """The command to run for `who`, or `Refused`. `resolve` fills in the email of a `user`
    target the surface can identify (`me`, a mention); it runs only once exports are allowed."""
    if isinstance(command, ExportCommand) and not who.is_admin:
        raise Refused("Exporting reports")
    inner = command.report if isinstance(command, ExportCommand) else command
    if isinstance(inner, UserCommand):
        target = resolve(inner).target
        if not who.is_admin:
            if not is_own(target, who):
                raise Refused("Other people's usage")
            target = target.model_copy(update={"own": True})  # never a former owner's account
        if isinstance(command, ExportCommand):
            report = inner.model_copy(update={"target": target})
            return command.model_copy(update={"report": report})
        return command.model_copy(update={"target": target})
    if command.per_user and not who.is_admin:
        spenders = isinstance(inner, TopSpendersCommand)
        raise Refused("Per-user spend" if spenders else "Per-user data")
    if not who.is_admin:  # groups, never individuals: small slices are folded
        return command.model_copy(update={"min_group": MIN_GROUP})
    return command


def is_own(target: UserTarget, who: Who) -> bool:
    """Whether `target` names the asker: their mention, `me`, or their own email address."""
    if target.slack_id is not None:
        return target.slack_id == who.user_id
    if target.me:
        return True
    return bool(who.email and target.email and target.email.lower() == who.email.lower())
