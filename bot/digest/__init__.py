"""Channel digests: compute a typed `Digest` from the store, render it, chart it.

    build_digest(db, spec, channel=…)   daily or weekly digest (pure: store in, model out)
    render_digest(digest)               Block Kit `Message`; `digest_text` the same as text
    digest_charts(db, digest)           the two PNG charts (spend by product, active users)
    schedule                            when a subscription fires and which days it reports

Posting (exactly once, with the charts in the thread) is `bot.slack.digest_post`; running on a
schedule is `bot.scheduler`. Nothing here talks to Slack or the API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.digest.build import build_digest
    from bot.digest.model import Digest, DigestSpec

__all__ = ["Digest", "DigestSpec", "build_digest"]
_WHERE = {
    "build_digest": "bot.digest.build",
    "Digest": "bot.digest.model",
    "DigestSpec": "bot.digest.model",
}


def __getattr__(name: str) -> Any:
    """Exports load on first use: `claude-usage --help` imports `bot.digest.cli`, which must not
    pull in every report."""
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
