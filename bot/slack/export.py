"""CSV exports: exact figures as text, uploaded to the requester's DM with `files_upload_v2`."""

from __future__ import annotations

import csv
import io
import re

from slack_sdk import WebClient

from bot.reports.types import Export

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run: API text starting like a formula gets a leading `'`.

    Plain numbers (including negative amounts such as `-12.50`) are left exactly as they are.
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_bytes(export: Export) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export.header)
    for row in export.rows:
        writer.writerow([safe_cell(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")


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
