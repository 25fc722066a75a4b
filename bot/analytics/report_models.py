"""Typed responses of the cost & usage endpoints: per-user rows, time buckets, report pages.

Money fields are `Decimal` cents parsed from the API's strings. Grouping keys are None unless the
request grouped by that dimension (or the usage could not be attributed).
"""

from __future__ import annotations

import datetime as dt
from typing import Generic

from bot.analytics.model_base import ApiModel, Money, RowT


class Actor(ApiModel):
    """Who a per-user row belongs to; `user_id` is always set and is the key to use."""

    type: str = "user_actor"
    user_id: str
    email: str | None = None
    name: str | None = None
    deleted: bool = False


class CacheCreation(ApiModel):
    ephemeral_5m_input_tokens: int
    ephemeral_1h_input_tokens: int


class ServerToolUse(ApiModel):
    web_search_requests: int


class ReportKeys(ApiModel):
    """Grouping keys of cost/usage rows: null unless grouped by that dimension (or unattributed)."""

    product: str | None = None
    model: str | None = None
    context_window: str | None = None
    inference_geo: str | None = None
    speed: str | None = None
    rbac_group_id: str | None = None


class UsageRow(ReportKeys):
    uncached_input_tokens: int
    cache_read_input_tokens: int
    cache_creation: CacheCreation
    output_tokens: int
    requests: int | None = None
    server_tool_use: ServerToolUse


class CostRow(ReportKeys):
    amount: Money
    list_amount: Money
    currency: str
    cost_type: str | None = None
    token_type: str | None = None
    requests: int | None = None


class UserUsageRow(UsageRow):
    actor: Actor
    total_tokens: int
    starting_at: dt.datetime | None = None
    ending_at: dt.datetime | None = None


class UserCostRow(CostRow):
    actor: Actor
    starting_at: dt.datetime | None = None
    ending_at: dt.datetime | None = None


class UsageBucket(ApiModel):
    starting_at: dt.datetime
    ending_at: dt.datetime
    results: list[UsageRow]


class CostBucket(ApiModel):
    starting_at: dt.datetime
    ending_at: dt.datetime
    results: list[CostRow]


class ReportPage(ApiModel, Generic[RowT]):
    """One page of a cost/usage endpoint, with the export watermark that served it."""

    data: list[RowT]
    has_more: bool
    next_page: str | None = None
    data_refreshed_at: dt.datetime
    organization_id: str

    @property
    def rows(self) -> list[RowT]:
        return self.data
