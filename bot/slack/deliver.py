"""Sending an `Answer`: through `respond` (response_url), as a DM, and with a CSV when exporting."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.answer import Answer
from bot.slack.blocks import Message, error_message
from bot.slack.export import dm_channel, send_export

log = logging.getLogger(__name__)

UPLOAD_FAILED = (
    "I couldn't upload the CSV to your direct messages with me; ask an admin to check the app "
    "has the files:write scope."
)


class Respond(Protocol):
    def __call__(self, **kwargs: Any) -> Any: ...


def respond_message(
    respond: Respond, message: Message, *, response_type: str, replace_original: bool
) -> None:
    respond(
        text=message.text,
        blocks=message.blocks,
        response_type=response_type,
        replace_original=replace_original,
    )


def with_export(client: WebClient, user_id: str, result: Answer) -> Message:
    """Upload the export (if any) and return the message to show next to it."""
    if result.export is None:
        return result.message
    try:
        send_export(client, user_id, result.export)
    except SlackApiError as exc:
        log.warning("export upload failed: %s", exc.response.get("error"))
        return error_message(UPLOAD_FAILED)
    return result.message


def via_respond(
    respond: Respond,
    client: WebClient,
    user_id: str,
    result: Answer,
    *,
    replace_original: bool,
) -> None:
    message = with_export(client, user_id, result)
    replace = replace_original and result.response_type == "ephemeral"
    if replace_original and not replace:
        # An in-channel answer cannot replace the asker's ephemeral "working on it": remove
        # that one, then post the answer for everyone.
        respond(delete_original=True)
    respond_message(respond, message, response_type=result.response_type, replace_original=replace)


def via_dm(client: WebClient, user_id: str, result: Answer) -> None:
    message = with_export(client, user_id, result)
    client.chat_postMessage(
        channel=dm_channel(client, user_id), text=message.text, blocks=message.blocks
    )
