"""Posting a digest to its channel exactly once, with its charts in the thread.

    publish_digest(poster, db, channel=…, spec=…)

1. If this (channel, kind, period) is already done, skipped or given up, say so and stop
   (nothing is computed).
2. Build and render the digest, then `Poster.post_once` (claim → post with metadata → mark).
3. Follow-ups, by whoever holds the posted row: remember what the channel was told (for
   restatements), upload the charts into the message's thread with `files_upload_v2`, mark done.
   A process that died after posting is replaced by the next one, which finds the message and
   does the follow-ups instead; uploads happen at most once per holder of the row.

`force=True` posts a new attempt of the same period (`digest run --force`); `manual=True` (a
person running `digest run`) posts a run the scheduler skipped or gave up on, still once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlite_utils import Database

from bot.controls import strip_controls
from bot.digest import Digest, DigestSpec, build_digest
from bot.digest.charts import Chart, digest_charts
from bot.digest.render import render_digest, title_of
from bot.digest.restate import remember
from bot.digest.schedule import period_key
from bot.slack.mrkdwn import escape
from bot.slack.once import Outcome, Poster
from bot.store import posts
from bot.store.posts import PostKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestRun:
    outcome: Outcome
    key: PostKey
    ts: str | None = None
    charts: int = 0
    """Charts uploaded by this run."""
    error: str | None = None

    def sentence(self) -> str:
        """What happened, for `digest run` and the logs."""
        what = f"{self.key.kind} digest for {self.key.period} in {self.key.channel}"
        return {
            "posted": f"Posted the {what} (ts {self.ts}, {self.charts} charts).",
            "recovered": f"The {what} was already in Slack (ts {self.ts}); not posted again.",
            "already_posted": f"The {what} was already posted (ts {self.ts}); nothing sent.",
            "in_progress": f"Another process is posting the {what} right now; nothing sent.",
            "skipped": f"The {what} was skipped (missed its time by more than the grace period).",
            "failed": f"Could not post the {what}: {self.error or 'Slack refused it'}.",
        }[self.outcome]


def digest_key(channel: str, spec: DigestSpec) -> PostKey:
    return PostKey(channel, spec.kind, period_key(spec.period))


def publish_digest(
    poster: Poster,
    db: Database,
    *,
    channel: str,
    spec: DigestSpec,
    force: bool = False,
    manual: bool = False,
    wait: float = 0.0,
    charts: Callable[[Database, Digest], list[Chart]] = digest_charts,
) -> DigestRun:
    key = digest_key(channel, spec)
    if force:
        key = posts.next_attempt(db, key)
    elif manual:
        key = _manual_key(db, key)
    row = posts.get_post(db, key)
    if row is not None and row.state in ("done", "skipped", "failed"):
        outcome: Outcome = "already_posted" if row.state == "done" else row.state
        return DigestRun(outcome, key, row.ts, error=row.note)
    digest = build_digest(db, spec, channel=channel)
    sent = poster.post_once(
        db, key, render_digest(digest), payload={"period": key.period}, wait=wait
    )
    if sent.ts is None:
        return DigestRun(sent.outcome, key, error=sent.error)
    uploaded = _follow_up(poster, db, key, sent.ts, digest, charts)
    return DigestRun(sent.outcome, key, sent.ts, uploaded)


def _manual_key(db: Database, key: PostKey) -> PostKey:
    """A run asked for by a person: the latest attempt, or a new one when the latest was
    skipped (missed its grace period) or given up. Two such runs still race for one key."""
    latest = posts.latest_attempt(db, key)
    if latest is None:
        return key
    if latest.state in ("skipped", "failed"):
        return posts.next_attempt(db, key)
    return latest.key


def _follow_up(
    poster: Poster,
    db: Database,
    key: PostKey,
    ts: str,
    digest: Digest,
    charts: Callable[[Database, Digest], list[Chart]],
) -> int:
    """Restatement memory and charts, once, by the holder of the posted row."""
    if not posts.hold(db, key, owner=poster.owner, now=poster.now(), lease=poster.lease):
        return 0
    remember(
        db, key.channel, digest.product, digest.reported, digest.restatements, now=poster.now()
    )
    uploaded = 0
    try:
        made = charts(db, digest)
        poster.sender.files_upload_v2(  # no connection retry: never share a chart twice
            channel=key.channel,
            thread_ts=ts,
            initial_comment=f"Charts for the {escape(title_of(digest))}.",
            file_uploads=[  # titles name a product as the API spelled it: no controls
                {
                    "content": c.png,
                    "filename": c.filename,
                    "title": strip_controls(c.title),
                    "alt_txt": strip_controls(c.alt),
                }
                for c in made
            ],
        )
        uploaded = len(made)
    except SlackApiError as exc:
        log.warning("chart upload for %s failed: %s", key.claim_id, exc.response.get("error"))
    except (SlackClientError, OSError) as exc:
        log.warning("chart upload for %s got no answer: %s", key.claim_id, exc)
    posts.mark_done(db, key, now=poster.now())
    return uploaded
