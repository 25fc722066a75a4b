"""The bot token scopes the app needs: exactly `manifest.yaml`'s (a test keeps them equal), plus
`usergroups:read` only where `CLAUDE_USAGE_ADMIN_USERGROUP` makes a user group's members admins.

They live in code as well because the image does not ship the manifest, and `claude-usage
doctor` compares them with what Slack says the installed token was granted (the `x-oauth-scopes`
header of `auth.test`): an app installed before a scope was added to the manifest lacks it until
it is reinstalled, and fails only when that feature is first used.
"""

from __future__ import annotations

BOT_SCOPES: tuple[str, ...] = (
    "assistant:write",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
)

ADMIN_GROUP_SCOPE = "usergroups:read"
"""Read the members of `CLAUDE_USAGE_ADMIN_USERGROUP` (`usergroups.users.list`). Not in the
manifest: an app that names its admins one by one never asks to read the workspace's groups."""


def required_scopes(*, admin_usergroup: str | None) -> tuple[str, ...]:
    """The scopes this configuration needs: the manifest's, and the group scope if a group
    makes admins."""
    return (*BOT_SCOPES, ADMIN_GROUP_SCOPE) if admin_usergroup else BOT_SCOPES
