"""Typed responses of the cost & usage endpoints: per-user rows, time buckets, report pages.

Tolerant like every model here (see `bot.analytics.models`): required are only a per-user row's
actor (`user_id`), a bucket's bounds and a cost row's `amount`; every token count, `list_amount`,
`currency`, the watermark and `has_more` may be absent. Money fields are `Decimal` cents parsed
exactly from the API's strings or numbers. Grouping keys are None unless the request grouped by
that dimension (or the usage could not be attributed).
"""

from __future__ import annotations

import datetime as dt
from typing import Generic

from pydantic import Field

from bot.analytics.model_base import ApiModel, Money, RowT


class Actor(ApiModel):
    """Who a per-user row belongs to; `user_id` is always set and is the key to use.

    Today's API names the address `email_address` (SDK 2.17 `BetaAnalyticsUserActor`); the
    older guide named it `email`. Either is read; `address` is whichever was sent."""

    type: str = "user_actor"
    user_id: str
    email_address: str | None = None
    email: str | None = None
    name: str | None = None
    deleted: bool | None = None

    @property
    def address(self) -> str | None:
        return self.email_address or self.email


class CacheCreation(ApiModel):
    ephemeral_5m_input_tokens: int | None = None
    ephemeral_1h_input_tokens: int | None = None


class ServerToolUse(ApiModel):
    web_search_requests: int | None = None


class ReportKeys(ApiModel):
    """Grouping keys of cost/usage rows: null unless grouped by that dimension (or unattributed)."""

    product: str | None = None
    model: str | None = None
    context_window: str | None = None
    inference_geo: str | None = None
    speed: str | None = None
    rbac_group_id: str | None = None
    claude_tag_category: str | None = None
    claude_tag_user_id: str | None = None
    slack_channel_id: str | None = None


class UsageRow(ReportKeys):
    uncached_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation: CacheCreation | None = None
    output_tokens: int | None = None
    requests: int | None = None
    server_tool_use: ServerToolUse | None = None


class CostRow(ReportKeys):
    amount: Money
    list_amount: Money | None = None
    currency: str | None = None
    cost_type: str | None = None
    token_type: str | None = None
    requests: int | None = None


class UserUsageRow(UsageRow):
    actor: Actor
    total_tokens: int | None = None
    starting_at: dt.datetime | None = None
    ending_at: dt.datetime | None = None


class UserCostRow(CostRow):
    actor: Actor
    starting_at: dt.datetime | None = None
    ending_at: dt.datetime | None = None


class UsageBucket(ApiModel):
    starting_at: dt.datetime
    ending_at: dt.datetime
    results: list[UsageRow] = Field(default_factory=list)


class CostBucket(ApiModel):
    starting_at: dt.datetime
    ending_at: dt.datetime
    results: list[CostRow] = Field(default_factory=list)


class ReportPage(ApiModel, Generic[RowT]):
    """One page of a cost/usage endpoint, with the export watermark that served it."""

    data: list[RowT]
    has_more: bool | None = None
    """Absent → the cursor alone decides (`next_page` null ends the sequence)."""
    next_page: str | None = None
    data_refreshed_at: dt.datetime | None = None
    """Absent → no day of this page can be judged final; it stays revisable."""
    organization_id: str | None = None

    @property
    def rows(self) -> list[RowT]:
        return self.data
