"""`run_checks`: every check of `claude-usage doctor`, in order (see `bot.doctor`)."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.config import Settings
from bot.doctor.analytics import check_analytics
from bot.doctor.claude import check_claude
from bot.doctor.model import Report
from bot.doctor.slack import check_slack
from bot.doctor.store import check_store, subscribed_channels


def run_checks(
    settings: Settings, *, slack: WebClient | None = None, now: datetime | None = None
) -> Report:
    """Every check, in the order of `bot.doctor`'s docstring. `slack`: the client to ask (default:
    one made from the settings; none when SLACK_BOT_TOKEN is not set)."""
    moment = now or datetime.now(UTC)
    path = settings.db_path
    if slack is None and settings.slack_bot_token is not None:
        from bot.slack.app import make_client

        slack = make_client(settings)
    findings = check_store(path)
    findings += check_analytics(settings, now=moment)
    findings += check_slack(settings, slack, subscribed_channels(path))
    findings.append(check_claude(settings, now=moment))
    return Report(tuple(findings))
