"""Sending one Slack message exactly once: claim in the store, post with metadata, mark.

`post_once` is the one path for scheduled posts (digests, alerts). The sequence is

    1. already posted (or skipped)?      → say so, send nothing
    2. claim the key (`bot.store.posts`) → the winner sends; everyone else stops here
    3. post with message metadata        {"event_type": METADATA_EVENT,
                                          "event_payload": {"claim": key.claim_id, …}}
    4. mark posted with the message ts

A process that dies between 3 and 4 leaves a claim without a ts. Whoever finds such a claim
first looks in the channel's history for a message whose metadata names it (`find_post`): if it
is there, the claim is marked posted and nothing is sent again. Only when the lease ran out and
Slack has no such message is the claim taken over and sent.

Slack retries: the Web client used for the post has no connection-error retry (a connection
that breaks after Slack stored the message would otherwise post it twice); rate limits are
retried (Slack refused those). When the post fails without an answer, the history decides.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlite_utils import Database

from bot.slack.blocks import Message
from bot.store import posts
from bot.store.posts import PostKey, PostRow

log = logging.getLogger(__name__)

METADATA_EVENT = "claude_usage_post"
LEASE = timedelta(minutes=10)
"""How long a claim holder may take to post before others look for its post and take over."""
RETRY_AFTER = timedelta(minutes=10)
HISTORY_SLACK = timedelta(minutes=5)
"""History is searched from a little before the claim (clocks of two hosts may differ)."""
HISTORY_PAGES = 5

Outcome = Literal["posted", "already_posted", "recovered", "in_progress", "skipped", "failed"]


@dataclass(frozen=True)
class Sent:
    outcome: Outcome
    key: PostKey
    ts: str | None = None
    """The message's ts when it exists (posted now, before, or found in the history)."""
    error: str | None = None

    @property
    def exists(self) -> bool:
        return self.ts is not None


def no_retry_client(client: WebClient) -> WebClient:
    """A client like `client` that retries rate limits only (never a post Slack may have)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def find_post(client: WebClient, channel: str, key: PostKey, since: datetime) -> str | None:
    """The ts of the message in `channel` whose metadata names `key`, posted after `since`."""
    oldest = f"{(since - HISTORY_SLACK).timestamp():.6f}"
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        response = client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
        )
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == METADATA_EVENT and payload.get("claim") == key.claim_id:
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            return None
    return None


class Poster:
    """Posts through `post_once` for one process (`owner` names it in the claims)."""

    def __init__(
        self,
        client: WebClient,
        owner: str,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lease: timedelta = LEASE,
    ) -> None:
        self.client = client
        self.sender = no_retry_client(client)
        self.owner = owner
        self.now = now
        self.lease = lease
        self._wake = threading.Event()

    def post_once(
        self,
        db: Database,
        key: PostKey,
        message: Message,
        *,
        payload: dict[str, Any] | None = None,
        wait: float = 0.0,
        thread_ts: str | None = None,
    ) -> Sent:
        """Post `message` under `key` unless it exists; `wait` seconds for another holder."""
        row = posts.get_post(db, key)
        if row is None:
            if posts.claim(db, key, owner=self.owner, now=self.now(), lease=self.lease):
                return self._send(db, key, message, payload, thread_ts)
            row = posts.get_post(db, key)
            assert row is not None
        return self._existing(db, row, message, payload, wait, thread_ts)

    def _existing(
        self,
        db: Database,
        row: PostRow,
        message: Message,
        payload: dict[str, Any] | None,
        wait: float,
        thread_ts: str | None,
    ) -> Sent:
        key = row.key
        if row.state in ("posted", "done"):
            return Sent("already_posted", key, row.ts)
        if row.state in ("skipped", "failed"):
            return Sent("skipped" if row.state == "skipped" else "failed", key, error=row.note)
        try:
            found = find_post(self.client, key.channel, key, row.claimed_at)
        except SlackApiError as exc:
            if exc.response.get("error") != "missing_scope":
                return self._unverifiable(key, exc)
            # The operator left out the history scopes (manifest.yaml says what that costs):
            # nothing can tell whether the dead holder's post arrived, so once its lease has
            # run out it is sent, at the risk of a second copy, rather than never.
            log.warning(
                "cannot look for %s in %s without channels:history/groups:history; sending it "
                "once its claim expires (it may appear twice)",
                key.claim_id,
                key.channel,
            )
            found = None
        except (SlackClientError, OSError) as exc:
            return self._unverifiable(key, exc)
        if found is not None:
            posts.mark_posted(db, key, ts=found, now=self.now())
            log.info("found %s already in Slack (ts %s); not posting again", key.claim_id, found)
            return Sent("recovered", key, found)
        if not row.lease_expired(self.now()) and row.owner != self.owner:
            settled = self._wait(db, key, wait)
            if settled is not None and settled.state in ("posted", "done"):
                return Sent("already_posted", key, settled.ts)
            return Sent("in_progress", key)
        if posts.take_over(db, row, owner=self.owner, now=self.now(), lease=self.lease):
            return self._send(db, key, message, payload, thread_ts)
        return Sent("in_progress", key)

    @staticmethod
    def _unverifiable(key: PostKey, exc: Exception) -> Sent:
        """The history could not be read (the bot was removed, Slack is down): never post on a
        guess. The claim stays; a later run looks again."""
        log.warning("could not read the history of %s: %s", key.channel, exc)
        return Sent("failed", key, error="could not read the channel history")

    def _wait(self, db: Database, key: PostKey, seconds: float) -> PostRow | None:
        """Poll the store until another holder marks the post, or `seconds` pass (real time:
        this waits for another process, whatever clock the claims are stamped with)."""
        row = posts.get_post(db, key)
        deadline = time.monotonic() + seconds
        while row is not None and row.state == "claimed" and time.monotonic() < deadline:
            self._wake.wait(0.1)
            row = posts.get_post(db, key)
        return row

    def _send(
        self,
        db: Database,
        key: PostKey,
        message: Message,
        payload: dict[str, Any] | None,
        thread_ts: str | None,
    ) -> Sent:
        metadata = {
            "event_type": METADATA_EVENT,
            "event_payload": {"claim": key.claim_id, "kind": key.kind, **(payload or {})},
        }
        try:
            response = self.sender.chat_postMessage(
                channel=key.channel,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "error")
            state = posts.record_failure(
                db, key, owner=self.owner, now=self.now(), retry_after=RETRY_AFTER, note=error
            )
            log.warning("Slack refused %s: %s (%s)", key.claim_id, error, state)
            return Sent("failed", key, error=error)
        except (SlackClientError, OSError) as exc:
            # No answer: Slack may or may not have the message. The lease stays; whoever looks
            # next (after it runs out) checks the history before sending.
            log.warning("posting %s got no answer: %s", key.claim_id, exc)
            return Sent("failed", key, error="no answer from Slack")
        ts = str(response["ts"])
        posts.mark_posted(db, key, ts=ts, now=self.now())
        return Sent("posted", key, ts)
