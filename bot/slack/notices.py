"""One-off messages to the admins about the bot itself (not about usage).

Today one: the Analytics API rejected the key. Readers keep getting answers from the store and
never see the credential error (`bot.slack.answer`), so without this nobody would learn that the
data has stopped getting fresher. It is sent once per episode (`bot.slack.refresh` claims it in
the store), to each admin's DM with the bot.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.auth import Identities
from bot.slack.blocks import Message, escape_sentence
from bot.slack.blocks.primitives import context, section
from bot.slack.export import dm_channel
from bot.store.freshness import Freshness
from bot.store.runs import SyncRun


def key_rejected_message(run: SyncRun, freshness: Freshness) -> Message:
    when = f"{run.at:%b %-d %H:%M} UTC"
    text = (
        f":warning: *The Claude Analytics API rejected our key* ({when}). Every answer still "
        "comes from the store, but it will not get fresher until `CLAUDE_ANALYTICS_API_KEY` is "
        "replaced with a key that has `read:analytics` (a Primary Owner mints one at "
        "claude.ai/analytics/api-keys), and the bot restarted."
    )
    detail = escape_sentence(run.error or "The API answered 401 or 403.")
    return Message(
        text=f"The Analytics API rejected our key ({when}); replace CLAUDE_ANALYTICS_API_KEY.",
        blocks=[section(text), context(detail), context(escape_sentence(freshness.sentence()))],
    )


def tell_admins(client: WebClient, directory: Identities, message: Message) -> int:
    """DM every admin; returns how many received it (failures are logged, never raised)."""
    sent = 0
    for admin in sorted(directory.admins()):
        try:
            client.chat_postMessage(
                channel=dm_channel(client, admin), text=message.text, blocks=message.blocks
            )
            sent += 1
        except SlackApiError as exc:
            logging.getLogger(__name__).warning(
                "could not DM admin %s: %s", admin, exc.response.get("error")
            )
    return sent
