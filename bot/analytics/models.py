"""Typed responses of the Analytics API: engagement rows, cost & usage rows, page envelopes.

Tolerant models, strict identity. The real API is not our simulator: older and feature-gated
organisations leave fields out, new blocks appear during the year (office_metrics, cowork_metrics),
and other implementations differ. So only what identifies a row is required — a user id, a day or
bucket's bounds, a project/skill/connector/plugin name or id, the actor of a per-user row, the
amount of a cost row. Every metric, metric block and nested counter is `X | None = None`: absent
means "not reported", which the store keeps as NULL and reports show as "—", never as zero.
`extra="allow"` keeps fields the API adds later (`model_extra`, re-emitted by `model_dump`).
Money is `Decimal` from the API's decimal strings, or exactly from a JSON number's text (see
`model_base`). The cost & usage models live in `report_models` and are re-exported here.

Both eras of the API are read: today's (the anthropic SDK 2.17 types: `/summaries` as
`{"data": [...], "next_page": null}`, Chat and Cowork unified, Claude Tag, artifacts created
in Claude Code and Cowork, the new `/projects`) and the older guide's (`{"summaries": [...]}`).
Blocks today's API omits where a feature is not offered stay None like any other.

Bulk sync does not build these objects: `bot.analytics.row_dicts` derives plain-dict validators
from them (same fields, same identity, same money rule), which is several times faster.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic, Self

from pydantic import model_validator

from bot.analytics.model_base import ApiModel, Money, RowT
from bot.analytics.report_models import (
    Actor,
    CacheCreation,
    CostBucket,
    CostRow,
    ReportKeys,
    ReportPage,
    ServerToolUse,
    UsageBucket,
    UsageRow,
    UserCostRow,
    UserUsageRow,
)

__all__ = [
    "Actor", "ApiModel", "ArtifactActivity", "CacheCreation", "ChatProjectUsage",
    "ConnectorUsage", "CostBucket", "CostRow", "DailySummary", "EngagementPage", "Money",
    "PluginUsage", "ProjectUsage", "ReportKeys", "ReportPage", "ServerToolUse", "SkillUsage",
    "SummariesResponse", "UsageBucket", "UsageRow", "UserActivity", "UserCostRow",
    "UserUsageRow",
]  # fmt: skip


class UserRef(ApiModel):
    id: str
    email_address: str | None = None
    type: str | None = None


class GroupKeys(ApiModel):
    """Keys engagement rows carry only when grouped by that dimension."""

    product: str | None = None
    rbac_group_id: str | None = None
    rbac_group_name: str | None = None
    user_id: str | None = None


# --- /users ---------------------------------------------------------------------------------


class ChatMetrics(ApiModel):
    message_count: int | None = None
    thinking_message_count: int | None = None
    distinct_conversation_count: int | None = None
    distinct_projects_created_count: int | None = None
    distinct_projects_used_count: int | None = None
    distinct_files_uploaded_count: int | None = None
    distinct_artifacts_created_count: int | None = None
    distinct_shared_artifacts_viewed_count: int | None = None
    shared_conversations_viewed_count: int | None = None
    distinct_skills_used_count: int | None = None
    connectors_used_count: int | None = None
    distinct_connectors_used_count: int | None = None


class LinesOfCode(ApiModel):
    added_count: int | None = None
    removed_count: int | None = None


class CoreMetrics(ApiModel):
    commit_count: int | None = None
    pull_request_count: int | None = None
    distinct_session_count: int | None = None
    lines_of_code: LinesOfCode | None = None
    artifacts_created_count: int | None = None


class ToolAction(ApiModel):
    accepted_count: int | None = None
    rejected_count: int | None = None


class ToolActions(ApiModel):
    edit_tool: ToolAction | None = None
    multi_edit_tool: ToolAction | None = None
    notebook_edit_tool: ToolAction | None = None
    write_tool: ToolAction | None = None


class ClaudeCodeMetrics(ApiModel):
    core_metrics: CoreMetrics | None = None
    tool_actions: ToolActions | None = None


class CoworkMetrics(ApiModel):
    message_count: int | None = None
    action_count: int | None = None
    dispatch_turn_count: int | None = None
    distinct_session_count: int | None = None
    skills_used_count: int | None = None
    distinct_skills_used_count: int | None = None
    connectors_used_count: int | None = None
    distinct_connectors_used_count: int | None = None
    plugins_used_count: int | None = None
    distinct_plugins_used_count: int | None = None
    file_edit_count: int | None = None
    edit_tool_count: int | None = None
    multi_edit_tool_count: int | None = None
    write_tool_count: int | None = None
    notebook_edit_tool_count: int | None = None
    sessions_with_file_edits_count: int | None = None
    artifacts_created_count: int | None = None


class UnifiedMetrics(ApiModel):
    """Chat and Cowork unified: a member's chat (`chat`) and Cowork sessions (`sessions`) on a
    day they had it on, counted here *instead of* `chat_metrics` / `cowork_metrics`."""

    chat: ChatMetrics | None = None
    sessions: CoworkMetrics | None = None


class ClaudeTagMetrics(ApiModel):
    """Claude in Slack (Claude Tag) by a user who linked a Claude account."""

    active_day_count: int | None = None
    active_message_count: int | None = None


class OfficeAppMetrics(ApiModel):
    message_count: int | None = None
    distinct_session_count: int | None = None
    skills_used_count: int | None = None
    distinct_skills_used_count: int | None = None
    connectors_used_count: int | None = None
    distinct_connectors_used_count: int | None = None


class OfficeMetrics(ApiModel):
    excel: OfficeAppMetrics | None = None
    powerpoint: OfficeAppMetrics | None = None
    word: OfficeAppMetrics | None = None
    outlook: OfficeAppMetrics | None = None


class DesignMetrics(ApiModel):
    message_count: int | None = None
    distinct_session_count: int | None = None
    distinct_projects_created_count: int | None = None
    distinct_projects_used_count: int | None = None


class ScienceMetrics(ApiModel):
    message_count: int | None = None
    distinct_session_count: int | None = None
    delegation_count: int | None = None
    remote_compute_job_count: int | None = None
    skills_used_count: int | None = None


class UserActivity(ApiModel):
    """One `/users` row: a user's day (or range), or an RBAC group's when grouped."""

    user: UserRef | None = None
    rbac_group_id: str | None = None
    rbac_group_name: str | None = None
    distinct_user_count: int | None = None
    last_activity_date: dt.date | None = None
    web_search_count: int | None = None
    chat_metrics: ChatMetrics | None = None
    claude_code_metrics: ClaudeCodeMetrics | None = None
    cowork_metrics: CoworkMetrics | None = None
    office_metrics: OfficeMetrics | None = None
    design_metrics: DesignMetrics | None = None
    science_metrics: ScienceMetrics | None = None
    chat_cowork_unified_metrics: UnifiedMetrics | None = None
    claude_tag_metrics: ClaudeTagMetrics | None = None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        # A grouped row names its group (or is the "no group" row, rbac_group_id null).
        if self.user is None and "rbac_group_id" not in self.model_fields_set:
            raise ValueError("a /users row needs user.id (or rbac_group_id when grouped)")
        return self


# --- /summaries -----------------------------------------------------------------------------


class DailySummary(ApiModel):
    """One org-wide (or RBAC-scoped) day; per-product keys are absent until enabled."""

    starting_at: dt.datetime
    ending_at: dt.datetime
    daily_active_user_count: int | None = None
    weekly_active_user_count: int | None = None
    monthly_active_user_count: int | None = None
    assigned_seat_count: int | None = None
    pending_invite_count: int | None = None
    daily_adoption_rate: float | None = None
    weekly_adoption_rate: float | None = None
    monthly_adoption_rate: float | None = None
    cowork_daily_active_user_count: int | None = None
    cowork_weekly_active_user_count: int | None = None
    cowork_monthly_active_user_count: int | None = None
    chat_daily_active_user_count: int | None = None
    chat_weekly_active_user_count: int | None = None
    chat_monthly_active_user_count: int | None = None
    claude_code_daily_active_user_count: int | None = None
    claude_code_weekly_active_user_count: int | None = None
    claude_code_monthly_active_user_count: int | None = None
    claude_design_daily_active_user_count: int | None = None
    claude_design_weekly_active_user_count: int | None = None
    claude_design_monthly_active_user_count: int | None = None
    office_agent_daily_active_user_count: int | None = None
    office_agent_weekly_active_user_count: int | None = None
    office_agent_monthly_active_user_count: int | None = None
    science_daily_active_user_count: int | None = None
    science_weekly_active_user_count: int | None = None
    science_monthly_active_user_count: int | None = None
    science_entitled_user_count: int | None = None
    chat_cowork_unified_daily_active_user_count: int | None = None
    chat_cowork_unified_weekly_active_user_count: int | None = None
    chat_cowork_unified_monthly_active_user_count: int | None = None
    claude_tag_daily_active_user_count: int | None = None
    claude_tag_weekly_active_user_count: int | None = None
    claude_tag_monthly_active_user_count: int | None = None


class SummariesResponse(ApiModel):
    """Either envelope: today's `{"data": [...], "next_page": null}` or the guide's
    `{"summaries": [...]}`. The series comes in full, so `next_page` ends it either way."""

    data: list[DailySummary] | None = None
    summaries: list[DailySummary] | None = None
    next_page: str | None = None

    @model_validator(mode="after")
    def _enveloped(self) -> Self:
        if self.data is None and self.summaries is None:
            raise ValueError("a /summaries body needs data (or summaries, as the guide has it)")
        return self

    @property
    def rows(self) -> list[DailySummary]:
        return self.data if self.data is not None else self.summaries or []


# --- skills, connectors, chat projects, plugins, artifacts --------------------------------


class SkillChat(ApiModel):
    distinct_conversation_skill_used_count: int | None = None


class SkillSessions(ApiModel):
    distinct_session_skill_used_count: int | None = None


class SkillOffice(ApiModel):
    excel: SkillSessions | None = None
    powerpoint: SkillSessions | None = None
    word: SkillSessions | None = None
    outlook: SkillSessions | None = None


class SkillUnified(ApiModel):
    chat: SkillChat | None = None
    sessions: SkillSessions | None = None


class SkillUsage(GroupKeys):
    skill_name: str
    distinct_user_count: int | None = None
    chat_metrics: SkillChat | None = None
    claude_code_metrics: SkillSessions | None = None
    cowork_metrics: SkillSessions | None = None
    office_metrics: SkillOffice | None = None
    chat_cowork_unified_metrics: SkillUnified | None = None
    invocation_count: int | None = None
    enable_count: int | None = None
    estimated_overage_spend: Money | None = None
    attributed_list_price: Money | None = None
    currency: str | None = None
    share_status: str | None = None
    skill_display_name: str | None = None


class ConnectorChat(ApiModel):
    distinct_conversation_connector_used_count: int | None = None


class ConnectorSessions(ApiModel):
    distinct_session_connector_used_count: int | None = None


class ConnectorOffice(ApiModel):
    excel: ConnectorSessions | None = None
    powerpoint: ConnectorSessions | None = None
    word: ConnectorSessions | None = None
    outlook: ConnectorSessions | None = None


class ConnectorUnified(ApiModel):
    chat: ConnectorChat | None = None
    sessions: ConnectorSessions | None = None


class ConnectorUsage(GroupKeys):
    connector_name: str
    connector_display_name: str | None = None
    """Today's API: a readable name for a connector whose `connector_name` is an opaque id."""
    distinct_user_count: int | None = None
    chat_metrics: ConnectorChat | None = None
    claude_code_metrics: ConnectorSessions | None = None
    cowork_metrics: ConnectorSessions | None = None
    office_metrics: ConnectorOffice | None = None
    chat_cowork_unified_metrics: ConnectorUnified | None = None
    read_call_count: int | None = None
    write_call_count: int | None = None
    unclassified_call_count: int | None = None
    managed_auth_distinct_user_count: int | None = None
    individual_auth_distinct_user_count: int | None = None


class ChatProjectUsage(GroupKeys):
    project_id: str
    project_name: str | None = None
    distinct_user_count: int | None = None
    distinct_conversation_count: int | None = None
    message_count: int | None = None
    created_at: dt.datetime | None = None
    created_by: UserRef | None = None


class ProjectCreator(ApiModel):
    user_id: str
    email_address: str | None = None
    type: str | None = None


class ProjectUsage(GroupKeys):
    """`/projects`: a project of the new projects experience (`chan_…`), apart from the
    classic chat projects of `/apps/chat/projects` (today's API only; elsewhere a 404)."""

    project_id: str
    project_name: str | None = None
    project_status: str | None = None
    distinct_user_count: int | None = None
    distinct_session_count: int | None = None
    message_count: int | None = None
    created_at: dt.datetime | None = None
    created_by: ProjectCreator | None = None
    estimated_overage_spend: Money | None = None
    attributed_list_price: Money | None = None
    currency: str | None = None


class PluginSessions(ApiModel):
    distinct_session_plugin_used_count: int | None = None


class PluginUsage(GroupKeys):
    plugin_name: str
    plugin_id: str | None = None
    distinct_user_count: int | None = None
    install_count: int | None = None
    invocation_count: int | None = None
    claude_code_metrics: PluginSessions | None = None
    cowork_metrics: PluginSessions | None = None
    chat_cowork_unified_metrics: PluginSessions | None = None


class ArtifactActivity(GroupKeys):
    artifact_type: str
    is_shared: bool
    artifacts_created_count: int | None = None
    published_artifacts_created_count: int | None = None
    distinct_user_count: int | None = None


class EngagementPage(ApiModel, Generic[RowT]):
    """One page of an engagement endpoint: rows and the cursor of the next page (None = last)."""

    data: list[RowT]
    next_page: str | None = None

    @property
    def rows(self) -> list[RowT]:
        return self.data
