"""One spelling per product: the API spells some products differently by endpoint and era.

Claude in Slack ("Claude Tag") is `claude_tag` on today's `/cost` and `/usage` and in the
`/summaries` field names, `claude-tag` on the four legacy cost/usage reports (SDK 2.17's
`BetaAnalyticsProductFilter`), `claude-in-slack` in the older guide's model descriptions, and
`claude_in_slack` for the retiring v1 Slack bot. The store keeps one value, `claude_tag`, so a
report, a budget or `--product slack` finds every row whatever the API sent. Other products
(`chat_cowork_unified`, `claude_design`, API products, values the API adds later) are kept
as they come.
"""

from __future__ import annotations

CLAUDE_TAG = "claude_tag"
UNIFIED = "chat_cowork_unified"
"""Chat and Cowork unified: a member's chat and Cowork usage once they turn it on."""
SPELLINGS = {
    "claude-tag": CLAUDE_TAG,
    "claude-in-slack": CLAUDE_TAG,
    "claude_in_slack": CLAUDE_TAG,
}
"""Other spellings of a product → its stored value."""


def canonical_product(value: str) -> str:
    """The stored spelling of a product value sent by any endpoint of either era."""
    return SPELLINGS.get(value, value)
