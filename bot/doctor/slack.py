"""Slack: the bot token (`auth.test`), the scopes it was granted against the manifest's, the
mode's own credential, and the bot's membership of every channel it must post in.

A channel the bot was never invited to only fails when the first digest or alert is due, often
at night; `conversations.info` says `is_member` now. The channels are every digest subscription
in the store, `CLAUDE_USAGE_DIGEST_CHANNELS` (where answers may be shared) and
`CLAUDE_USAGE_ALERT_CHANNEL`.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.doctor.model import Finding
from bot.slack.scopes import ADMIN_GROUP_SCOPE, required_scopes

XOXB_FIX = (
    "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into "
    "SLACK_BOT_TOKEN"
)
SCOPE_FIX = (
    "add them under OAuth & Permissions → Bot Token Scopes (or update the app from "
    "manifest.yaml), then reinstall the app to the workspace"
)
INVITE_FIX = "type `/invite @claude-usage` in that channel"


def check_slack(
    settings: Settings, client: WebClient | None, channels: list[tuple[str, str]]
) -> list[Finding]:
    """`client` is None when SLACK_BOT_TOKEN is not set. `channels`: (channel, why) from the
    store's digest subscriptions."""
    found = [_mode(settings)]
    if client is None:
        found.insert(0, Finding("Slack bot token", "fail", "SLACK_BOT_TOKEN is not set", XOXB_FIX))
        return found
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        found.insert(
            0, Finding("Slack bot token", "fail", f"rejected (auth.test: {error})", XOXB_FIX)
        )
        return found
    except (SlackClientError, OSError) as exc:
        found.insert(
            0,
            Finding(
                "Slack bot token",
                "warn",
                f"not checked: {settings.slack_api_url} did not answer ({type(exc).__name__})",
                "check outbound HTTPS to slack.com",
            ),
        )
        return found
    team, user = auth.get("team"), auth.get("user")
    found.insert(0, Finding("Slack bot token", "ok", f"valid: {user} in {team}"))
    found.insert(
        1, _scopes(auth.headers, required_scopes(admin_usergroup=settings.admin_usergroup))
    )
    found += _channels(settings, client, channels)
    return found


def _scopes(headers: dict[str, str] | None, needed: tuple[str, ...]) -> Finding:
    granted_text = next(
        (v for k, v in (headers or {}).items() if k.lower() == "x-oauth-scopes"), None
    )
    if granted_text is None:
        return Finding(
            "Slack scopes",
            "warn",
            "Slack did not say which scopes the token has (no x-oauth-scopes header)",
            "compare OAuth & Permissions → Bot Token Scopes with manifest.yaml",
        )
    granted = {s.strip() for s in granted_text.split(",") if s.strip()}
    missing = [s for s in needed if s not in granted]
    if missing:
        fix = SCOPE_FIX
        if ADMIN_GROUP_SCOPE in missing:
            fix += f" ({ADMIN_GROUP_SCOPE} is needed because CLAUDE_USAGE_ADMIN_USERGROUP is set)"
        return Finding("Slack scopes", "fail", f"the token lacks {', '.join(missing)}", fix)
    return Finding("Slack scopes", "ok", f"all {len(needed)} this configuration needs")


def _mode(settings: Settings) -> Finding:
    if settings.slack_app_token is not None:
        if not settings.slack_app_token.get_secret_value().startswith("xapp-"):
            return Finding(
                "Slack mode",
                "fail",
                "socket mode, but SLACK_APP_TOKEN is not an app-level token (xapp-…)",
                "generate one under Basic Information → App-Level Tokens with connections:write",
            )
        return Finding("Slack mode", "ok", "socket mode (SLACK_APP_TOKEN is set)")
    if settings.slack_signing_secret is None:
        return Finding(
            "Slack mode",
            "fail",
            "HTTP mode (no SLACK_APP_TOKEN), but SLACK_SIGNING_SECRET is not set",
            "copy the Signing Secret from Basic Information → App Credentials, or set "
            "SLACK_APP_TOKEN for socket mode",
        )
    return Finding("Slack mode", "ok", f"HTTP mode on port {settings.port} (/slack/events)")


def _channels(
    settings: Settings, client: WebClient, subscribed: list[tuple[str, str]]
) -> list[Finding]:
    wanted: dict[str, list[str]] = {}
    for channel, why in subscribed:
        wanted.setdefault(channel, []).append(why)
    for channel in sorted(settings.digest_channels):
        wanted.setdefault(channel, []).append("CLAUDE_USAGE_DIGEST_CHANNELS")
    if settings.alert_channel:
        wanted.setdefault(settings.alert_channel, []).append("CLAUDE_USAGE_ALERT_CHANNEL")
    if not wanted:
        return [Finding("channels", "ok", "no digest subscriptions or alert channel to post in")]
    return [_member(client, channel, ", ".join(why)) for channel, why in wanted.items()]


def _member(client: WebClient, channel: str, why: str) -> Finding:
    check = f"channel {channel}"
    try:
        info = client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        if error == "channel_not_found":
            return Finding(
                check,
                "fail",
                f"not found, or private and the bot is not in it ({why})",
                f"check the channel ID, then {INVITE_FIX}",
            )
        return Finding(check, "fail", f"conversations.info: {error} ({why})", SCOPE_FIX)
    except (SlackClientError, OSError) as exc:
        return Finding(check, "warn", f"not checked ({type(exc).__name__})", "try again later")
    name = (info.get("channel") or {}).get("name")
    label = f"#{name}" if name else "the channel"
    if not (info.get("channel") or {}).get("is_member"):
        return Finding(check, "fail", f"the bot is not a member of {label} ({why})", INVITE_FIX)
    return Finding(check, "ok", f"the bot is a member of {label} ({why})")
