"""Channel digests: compute a typed `Digest` from the store, render it, chart it.

    build_digest(db, spec, channel=…)   daily or weekly digest (pure: store in, model out)
    render_digest(digest)               Block Kit `Message`; `digest_text` the same as text
    digest_charts(db, digest)           the two PNG charts (spend by product, active users)
    schedule                            when a subscription fires and which days it reports

Posting (exactly once, with the charts in the thread) is `bot.slack.digest_post`; running on a
schedule is `bot.scheduler`. Nothing here talks to Slack or the API.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.digest.daily import daily_digest
from bot.digest.model import Digest, DigestSpec, Restatement
from bot.digest.restate import restatements
from bot.digest.weekly import weekly_digest

__all__ = ["Digest", "DigestSpec", "build_digest"]


def build_digest(db: Database, spec: DigestSpec, *, channel: str | None = None) -> Digest:
    """The digest `spec` asks for; with a `channel`, it also says which days that channel was
    told about have been revised since (`bot.digest.restate`)."""
    restated: tuple[Restatement, ...] = ()
    if channel is not None:
        restated = restatements(db, channel, spec.product, before=spec.period.start)
    if spec.kind == "daily":
        return daily_digest(db, spec, restated)
    return weekly_digest(db, spec, restated)
