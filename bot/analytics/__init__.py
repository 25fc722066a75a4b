"""Typed client of the Claude Enterprise Analytics API (`/v1/organizations/analytics/*`)."""

import logging

from bot.analytics.client import AnalyticsClient
from bot.analytics.pagination import Paged
from bot.analytics.retry import RetryPolicy

__all__ = ["AnalyticsClient", "Paged", "RetryPolicy"]

# A library logs; the application decides where logs go (and Python's last-resort handler would
# otherwise print warnings beside the CLI's one-line error).
logging.getLogger(__name__).addHandler(logging.NullHandler())
