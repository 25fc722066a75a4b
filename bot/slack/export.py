"""CSV exports uploaded to the requester's DM with `files_upload_v2` (the CSV itself is built by
`bot.reports.export.csv_bytes`, which the terminal uses too)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.reports.export import csv_bytes
from bot.reports.types import Export


def dm_channel(client: WebClient, user_id: str) -> str:
    response = client.conversations_open(users=user_id)
    channel = response.get("channel") or {}
    return str(channel["id"])


def send_export(client: WebClient, user_id: str, export: Export) -> str:
    """Upload the CSV to `user_id`'s DM with the bot; returns the DM channel id."""
    channel = dm_channel(client, user_id)
    client.files_upload_v2(
        channel=channel,
        content=csv_bytes(export),
        filename=export.filename,
        title=export.filename,
        initial_comment=f"CSV export: {len(export.rows):,} rows, amounts in exact cents.",
    )
    return channel
