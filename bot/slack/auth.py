"""Who may see what, decided in code before any report runs.

    admins      `Settings.admins` plus, when set, the members of `Settings.admin_usergroup`
                (read with `usergroups.users.list`, cached for a short TTL; fail closed)
    non-admins  organisation-level answers (adoption, spend and token totals, rankings of projects,
                skills and connectors, finance, status, help) and their OWN profile, matched by
                the email Slack has for them (`users.info`), always their living account;
                breakdowns only by groups of at least five people (the rule for every
                surface is `bot.reports.access`; Slack adds identities and the wording)

Refusals are one polite sentence naming who can see the answer. Sharing (`--share`): an answer
goes to the channel only when an admin asks for it in one of `Settings.digest_channels`; anywhere
else, or from anyone else, it stays visible only to the asker with a sentence saying why.
Organisation spend is as sensitive to post as per-user data (a public or Slack Connect channel
can hold people outside the company), so the rule is the same for every answer, and for
digests: `may_post_figures` is the one rule, which `--share`, `digest subscribe`, the
scheduler and `claude-usage digest run` all ask.

Who is who comes from an `Identities`: Slack's `Directory` (the lookups above), or the terminal
console's (`bot.console.identity`), which knows its one user and asks nobody, so the console
runs every rule here exactly as Slack does.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.errors import ClaudeUsageError, InputError
from bot.reports import access
from bot.reports.access import C
from bot.reports.commands import Command, UserCommand
from bot.slack.mrkdwn import channel_link, is_subteam_id, is_user_id, mention

log = logging.getLogger(__name__)

ADMIN_TTL_SECONDS = 60.0
EMAIL_TTL_SECONDS = 600.0
SHOWN_ADMINS = 5


class AccessDenied(ClaudeUsageError):
    """The viewer may not see this answer; the message says who can."""


@dataclass(frozen=True)
class Viewer:
    user_id: str
    is_admin: bool
    email: str | None


class _TtlCache:
    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl, self.clock = ttl, clock
        self._items: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], object]) -> object:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and self.clock() - hit[0] < self.ttl:
                return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (self.clock(), value)
        return value


class Identities(ABC):
    """Who is who for one surface: the admins, a person's email, and whether the bot can post in
    a channel. Slack's `Directory` asks Slack; the terminal console asks nobody
    (`bot.console.identity`). What follows from the answers (a `Viewer`, the admins a refusal
    names) is decided here, the same for both."""

    def __init__(self, settings: Settings) -> None:
        self.static_admins = frozenset(a for a in settings.admins if is_user_id(a))
        self.usergroup = settings.admin_usergroup

    def _group_members(self) -> frozenset[str]:
        return frozenset()

    @abstractmethod
    def email_of(self, user_id: str) -> str | None:
        """The person's email address (lower case), or None when it cannot be known."""

    @abstractmethod
    def require_member(self, channel: str) -> None:
        """Raise, saying how to invite the bot, unless the bot can post in `channel`."""

    def admins(self) -> frozenset[str]:
        return self.static_admins | self._group_members()

    def viewer(self, user_id: str) -> Viewer:
        return Viewer(
            user_id=user_id, is_admin=user_id in self.admins(), email=self.email_of(user_id)
        )

    def admin_names(self) -> str:
        """`<@U1>, <@U2>` (or the user group) for refusals; built only from validated IDs."""
        shown = [mention(a) for a in sorted(self.static_admins)[:SHOWN_ADMINS]]
        if self.usergroup and is_subteam_id(self.usergroup):
            shown.append(f"<!subteam^{self.usergroup}>")
        extra = len(self.static_admins) - SHOWN_ADMINS
        if extra > 0:
            shown.append(f"{extra} more")
        return ", ".join(shown)


class Directory(Identities):
    """Slack-side identity: admin membership and emails, cached briefly."""

    def __init__(
        self,
        client: WebClient,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings)
        self.client = client
        self._groups = _TtlCache(ADMIN_TTL_SECONDS, clock)
        self._emails = _TtlCache(EMAIL_TTL_SECONDS, clock)

    def _group_members(self) -> frozenset[str]:
        if not self.usergroup:
            return frozenset()
        group = self.usergroup

        def load() -> frozenset[str]:
            try:
                response = self.client.usergroups_users_list(usergroup=group)
            except SlackApiError as exc:
                log.warning("usergroups.users.list %s failed: %s", group, exc.response.get("error"))
                return frozenset()  # fail closed: nobody is an admin through the group
            users: list[str] = response.get("users") or []
            return frozenset(u for u in users if is_user_id(u))

        members = self._groups.get(group, load)
        assert isinstance(members, frozenset)
        return members

    def email_of(self, user_id: str) -> str | None:
        def load() -> str | None:
            try:
                response = self.client.users_info(user=user_id)
            except SlackApiError as exc:
                log.info("users.info %s failed: %s", user_id, exc.response.get("error"))
                return None
            profile = (response.get("user") or {}).get("profile") or {}
            email = profile.get("email")
            return email.lower() if isinstance(email, str) and email else None

        email = self._emails.get(user_id, load)
        return email if isinstance(email, str) else None

    def require_member(self, channel: str) -> None:
        """Ask Slack (`conversations.info`) whether the bot is in `channel`."""
        invite = (
            f"I'm not in {channel_link(channel)} yet, so I can't post there. Add me with "
            "`/invite @claude-usage` in the channel, then subscribe again."
        )
        try:
            info = self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in ("channel_not_found", "not_in_channel"):
                raise InputError(invite) from None
            log.warning("conversations.info %s failed: %s", channel, error)
            raise ClaudeUsageError(
                "I couldn't check whether I'm in this channel; ask an admin to check the app has "
                "the channels:read and groups:read scopes."
            ) from None
        if not (info.get("channel") or {}).get("is_member"):
            raise InputError(invite)


def refusal(what: str, directory: Identities) -> str:
    names = directory.admin_names()
    who = (
        f"Claude usage admins ({names})"
        if names
        else "Claude usage admins, and none are set up yet (CLAUDE_USAGE_ADMINS)"
    )
    return f"{what} is limited to {who}. You can still run `adoption`, `spend` or `user me`."


def authorize(command: C, viewer: Viewer, directory: Identities) -> C:
    """The command to run for `viewer` (a `user` target resolved to an email), or AccessDenied.
    The rule itself is `bot.reports.access.authorize`; Slack adds identities and the wording."""
    try:
        return access.authorize(
            command, viewer, lambda user: resolve_target(user, viewer, directory)
        )
    except access.Refused as exc:
        raise AccessDenied(refusal(exc.what, directory)) from None


def resolve_target(command: UserCommand, viewer: Viewer, directory: Identities) -> UserCommand:
    """Fill in the email of a mentioned person (`<@U…>`, or `me`) from Slack's directory."""
    target = command.target
    if target.me and target.slack_id is None:
        target = target.model_copy(update={"slack_id": viewer.user_id})
        command = command.model_copy(update={"target": target})
    if target.email or target.slack_id is None:
        return command
    email = (
        viewer.email if target.slack_id == viewer.user_id else directory.email_of(target.slack_id)
    )
    if email is None:
        raise InputError(
            f"I can't see an email address for {mention(target.slack_id)} in Slack, so I can't "
            "match them to Claude usage; try their email address instead."
        )
    return command.with_email(email)


Visibility = Literal["ephemeral", "in_channel"]


def may_post_figures(settings: Settings, channel_id: str | None) -> bool:
    """Whether organisation figures, and names an admin chose to show, may be posted for the
    whole of `channel_id` to read: only in the channels whoever runs the bot listed in
    `CLAUDE_USAGE_DIGEST_CHANNELS`. One rule for an admin's `--share` and for digests (which an
    admin subscribes), so a channel gets both or neither."""
    return channel_id is not None and channel_id in settings.digest_channels


def figure_channels(settings: Settings) -> str:
    """Where `may_post_figures` allows posting, to end a sentence: "in #a, #b"."""
    allowed = ", ".join(channel_link(c) for c in sorted(settings.digest_channels) if c[:1] in "CG")
    return f"in {allowed}" if allowed else "in a digest channel (none are configured yet)"


def visibility(
    command: Command, viewer: Viewer, channel_id: str | None, settings: Settings
) -> tuple[Visibility, str | None]:
    """Where the answer goes, plus a sentence when `--share` was asked for but not allowed."""
    if not command.share:
        return "ephemeral", None
    if viewer.is_admin and may_post_figures(settings, channel_id):
        return "in_channel", None
    who = "you can share answers" if viewer.is_admin else "Claude usage admins can share answers"
    return "ephemeral", f"Only you can see this: {who} {figure_channels(settings)}."
