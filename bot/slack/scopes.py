"""The bot token scopes the app needs: exactly `manifest.yaml`'s (a test keeps them equal).

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
    "usergroups:read",
    "users:read",
    "users:read.email",
)
