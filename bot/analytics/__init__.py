"""Typed client of the Claude Enterprise Analytics API (`/v1/organizations/analytics/*`).

`AnalyticsClient`, `Paged` and `RetryPolicy` are loaded on first use (PEP 562), so importing a
light submodule — `claude-usage --help` imports `bot.analytics.cli` — does not load the SDK and
every response model.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.analytics.client import AnalyticsClient
    from bot.analytics.pagination import Paged
    from bot.analytics.retry import RetryPolicy

__all__ = ["AnalyticsClient", "Paged", "RetryPolicy"]
_WHERE = {
    "AnalyticsClient": "bot.analytics.client",
    "Paged": "bot.analytics.pagination",
    "RetryPolicy": "bot.analytics.retry",
}

# A library logs; the application decides where logs go (and Python's last-resort handler would
# otherwise print warnings beside the CLI's one-line error).
logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
