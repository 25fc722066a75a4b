"""Readable names for the API's raw keys (products, cost and token types, Office apps).

Only labels: the raw key stays in every result so nothing is lost, and unknown keys (a product
the API adds tomorrow) fall back to the key itself. Model ids are shown as they are.
"""

from __future__ import annotations

from bot.reports.privacy import SMALL_KEY, SMALL_LABEL
from bot.store.schema import NONE_KEY

PRODUCTS = {
    "chat": "Claude chat",
    "claude_code": "Claude Code",
    "cowork": "Cowork",
    "office_agent": "Claude in Office",
    "claude_in_chrome": "Claude in Chrome",
    "claude_design": "Claude Design",
    "claude_tag": "Claude in Slack",
    "claude-in-slack": "Claude in Slack",
    "claude-tag": "Claude in Slack",
    "chat_cowork_unified": "Chat and Cowork (unified)",
    "science": "Claude Science",
    "other": "Other (unattributed)",
}
COST_TYPES = {
    "tokens": "Tokens",
    "web_search": "Web search",
    "code_execution": "Code execution",
}
TOKEN_TYPES = {
    "uncached_input_tokens": "Input (uncached)",
    "cache_read_input_tokens": "Cache reads",
    "cache_creation.ephemeral_5m_input_tokens": "Cache writes (5 min)",
    "cache_creation.ephemeral_1h_input_tokens": "Cache writes (1 h)",
    "cache_creation__ephemeral_5m_input_tokens": "Cache writes (5 min)",
    "cache_creation__ephemeral_1h_input_tokens": "Cache writes (1 h)",
    "output_tokens": "Output",
}
OFFICE_APPS = {"excel": "Excel", "powerpoint": "PowerPoint", "word": "Word", "outlook": "Outlook"}
OTHER_KEY = "(other)"
"""A remainder slice: grouped rows the API left out (it returns at most 100 groups per day)."""
NONE_LABELS = {
    "product": "No product (code execution)",
    "model": "No model (tools, code execution)",
}
"""A grouping key the API sent as null means something specific (reference §3.1): sandbox and
code-execution spans carry no product; web search and code execution carry no model. That is
not the same as the API's own `other` product ("unattributed"), so the two keep two labels."""
BOTH_UNATTRIBUTED_NOTE = (
    "“No product” is code execution, which the API never attributes to a product; “Other "
    "(unattributed)” is usage it could not attribute."
)


def label_for(kind: str, key: str) -> str:
    if key == SMALL_KEY:
        return SMALL_LABEL
    if key == NONE_KEY:
        return NONE_LABELS.get(kind, "Not attributed")
    if key == OTHER_KEY:
        return "Other (not itemised)"
    table = {
        "product": PRODUCTS,
        "cost-type": {**COST_TYPES, **TOKEN_TYPES},
        "token-type": TOKEN_TYPES,
        "office": OFFICE_APPS,
    }.get(kind, {})
    return table.get(key, key)
