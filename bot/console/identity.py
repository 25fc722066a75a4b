"""Who the console is, in Slack's terms: one Slack user in one channel, with no Slack to ask.

The console answers through Slack's own path (`bot.slack.answer.answer`: parse, authorize,
report or manage, Block Kit). Where Slack has a request, the console has a `ConsoleUser`; where
Slack has its directory (`bot.slack.auth.Directory`), the console has a `ConsoleDirectory` that
knows that user, and the few people the demo names, and asks nobody:

    claude-usage command …            the operator: an admin, with no email (`user me` needs one)
    claude-usage command --as U…      that Slack user: an admin when in CLAUDE_USAGE_ADMINS
    claude-usage command --as EMAIL   a member with that email, to see what a member gets
    claude-usage demo [--as …]        the demo's admin (or `--as` someone) in the demo's channel
    --channel C…                      the channel the line is typed in (none: a direct message)

`--as` reads exactly as it does for `claude-usage ask` (`tools.cli.asker_for`). Whether the bot is
a member of the channel is Slack's to say, so the console does not check it (a digest posted
later to a channel the bot is not in fails there, and is logged).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import InputError
from bot.slack.auth import Identities
from bot.slack.mrkdwn import is_user_id

OPERATOR_ID = "U0OPERATOR"
"""The person at the keyboard of `claude-usage command` (they hold the store and its key)."""
MEMBER_ID = "U0CONSOLEMEMBER"
"""The Slack ID of a member named only by `--as EMAIL`."""
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")


@dataclass(frozen=True)
class ConsoleUser:
    user_id: str
    is_admin: bool
    email: str | None = None
    channel_id: str | None = None
    """Where the line is typed: a channel ID, or None for a direct message with the bot."""


def console_user(
    settings: Settings,
    who: str | None,
    *,
    channel: str | None = None,
    default: ConsoleUser | None = None,
    people: Mapping[str, str] = {},
) -> ConsoleUser:
    """The user `--as who` names (`default`, else the operator, when it is None), in `channel`.
    `people` are the emails the console knows by Slack ID (the demo's)."""
    from tools.cli import asker_for

    if channel is not None and not _CHANNEL_ID.match(channel):
        raise InputError(f"--channel takes a Slack channel ID (C… or G…), not {channel!r}.")
    if who is None and default is not None:
        user = default
    else:
        asker = asker_for(settings, who)
        user_id = asker.user_id if is_user_id(asker.user_id) else None
        if user_id is None:
            user_id = OPERATOR_ID if asker.is_admin else MEMBER_ID
        email = asker.email or people.get(user_id)
        user = ConsoleUser(user_id, is_admin=asker.is_admin, email=email)
    if channel is None:
        return user
    return ConsoleUser(user.user_id, user.is_admin, user.email, channel)


class ConsoleDirectory(Identities):
    """Slack's directory for the console: the admins of `settings` (plus the console user, when
    an admin), and the emails of the console user and of `people`."""

    def __init__(
        self, settings: Settings, user: ConsoleUser, people: Mapping[str, str] = {}
    ) -> None:
        super().__init__(settings)
        if user.is_admin:
            self.static_admins = self.static_admins | {user.user_id}
        self.emails = dict(people)
        if user.email is not None:
            self.emails[user.user_id] = user.email

    def email_of(self, user_id: str) -> str | None:
        email = self.emails.get(user_id)
        return email.lower() if email else None

    def require_member(self, channel: str) -> None:
        """Nothing to check: without Slack the console cannot know, and need not post."""
