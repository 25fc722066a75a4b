"""Typed responses of the Analytics API: engagement rows, cost & usage rows, page envelopes.

Every documented field of all 11 endpoints is modelled; `extra="allow"` keeps fields the API adds
later (reachable via `model_extra`, re-emitted by `model_dump`) instead of breaking a sync. Gated or
optional fields are `X | None = None`: None means "not available", which reports must never show as
zero. Money is `Decimal` parsed from the API's decimal strings; floats are refused. The cost &
usage models live in `report_models` and are re-exported here, so one import serves both.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic

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
    "PluginUsage", "ReportKeys", "ReportPage", "ServerToolUse", "SkillUsage",
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
    message_count: int
    thinking_message_count: int
    distinct_conversation_count: int | None = None
    distinct_projects_created_count: int | None = None
    distinct_projects_used_count: int | None = None
    distinct_files_uploaded_count: int | None = None
    distinct_artifacts_created_count: int | None = None
    distinct_shared_artifacts_viewed_count: int | None = None
    shared_conversations_viewed_count: int
    distinct_skills_used_count: int | None = None
    connectors_used_count: int
    distinct_connectors_used_count: int | None = None


class LinesOfCode(ApiModel):
    added_count: int
    removed_count: int


class CoreMetrics(ApiModel):
    commit_count: int
    pull_request_count: int
    distinct_session_count: int | None = None
    lines_of_code: LinesOfCode


class ToolAction(ApiModel):
    accepted_count: int
    rejected_count: int


class ToolActions(ApiModel):
    edit_tool: ToolAction
    multi_edit_tool: ToolAction
    notebook_edit_tool: ToolAction
    write_tool: ToolAction


class ClaudeCodeMetrics(ApiModel):
    core_metrics: CoreMetrics
    tool_actions: ToolActions


class CoworkMetrics(ApiModel):
    message_count: int
    action_count: int
    dispatch_turn_count: int
    distinct_session_count: int | None = None
    skills_used_count: int
    distinct_skills_used_count: int | None = None
    connectors_used_count: int
    distinct_connectors_used_count: int | None = None
    plugins_used_count: int | None = None
    distinct_plugins_used_count: int | None = None
    file_edit_count: int | None = None
    edit_tool_count: int | None = None
    multi_edit_tool_count: int | None = None
    write_tool_count: int | None = None
    notebook_edit_tool_count: int | None = None
    sessions_with_file_edits_count: int | None = None


class OfficeAppMetrics(ApiModel):
    message_count: int
    distinct_session_count: int | None = None
    skills_used_count: int
    distinct_skills_used_count: int | None = None
    connectors_used_count: int
    distinct_connectors_used_count: int | None = None


class OfficeMetrics(ApiModel):
    excel: OfficeAppMetrics
    powerpoint: OfficeAppMetrics
    word: OfficeAppMetrics
    outlook: OfficeAppMetrics


class DesignMetrics(ApiModel):
    message_count: int
    distinct_session_count: int | None = None
    distinct_projects_created_count: int | None = None
    distinct_projects_used_count: int | None = None


class ScienceMetrics(ApiModel):
    message_count: int
    distinct_session_count: int | None = None
    delegation_count: int
    remote_compute_job_count: int
    skills_used_count: int


class UserActivity(ApiModel):
    """One `/users` row: a user's day (or range), or an RBAC group's when grouped."""

    user: UserRef | None = None
    rbac_group_id: str | None = None
    rbac_group_name: str | None = None
    distinct_user_count: int | None = None
    last_activity_date: dt.date | None = None
    web_search_count: int
    chat_metrics: ChatMetrics
    claude_code_metrics: ClaudeCodeMetrics
    cowork_metrics: CoworkMetrics
    office_metrics: OfficeMetrics
    design_metrics: DesignMetrics | None = None
    science_metrics: ScienceMetrics | None = None


# --- /summaries -----------------------------------------------------------------------------


class DailySummary(ApiModel):
    """One org-wide (or RBAC-scoped) day; per-product keys are absent until enabled."""

    starting_at: dt.datetime
    ending_at: dt.datetime
    daily_active_user_count: int
    weekly_active_user_count: int
    monthly_active_user_count: int
    assigned_seat_count: int | None = None
    pending_invite_count: int | None = None
    daily_adoption_rate: float | None = None
    weekly_adoption_rate: float | None = None
    monthly_adoption_rate: float | None = None
    cowork_daily_active_user_count: int
    cowork_weekly_active_user_count: int
    cowork_monthly_active_user_count: int
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


class SummariesResponse(ApiModel):
    summaries: list[DailySummary]

    @property
    def rows(self) -> list[DailySummary]:
        return self.summaries

    @property
    def next_page(self) -> str | None:
        """`/summaries` is not paginated: there is never a next page."""
        return None


# --- skills, connectors, chat projects, plugins, artifacts --------------------------------


class SkillChat(ApiModel):
    distinct_conversation_skill_used_count: int | None = None


class SkillSessions(ApiModel):
    distinct_session_skill_used_count: int | None = None


class SkillOffice(ApiModel):
    excel: SkillSessions
    powerpoint: SkillSessions
    word: SkillSessions
    outlook: SkillSessions


class SkillUsage(GroupKeys):
    skill_name: str
    distinct_user_count: int
    chat_metrics: SkillChat | None = None
    claude_code_metrics: SkillSessions | None = None
    cowork_metrics: SkillSessions
    office_metrics: SkillOffice
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
    excel: ConnectorSessions
    powerpoint: ConnectorSessions
    word: ConnectorSessions
    outlook: ConnectorSessions


class ConnectorUsage(GroupKeys):
    connector_name: str
    distinct_user_count: int
    chat_metrics: ConnectorChat | None = None
    claude_code_metrics: ConnectorSessions | None = None
    cowork_metrics: ConnectorSessions
    office_metrics: ConnectorOffice
    read_call_count: int | None = None
    write_call_count: int | None = None
    unclassified_call_count: int | None = None


class ChatProjectUsage(GroupKeys):
    project_id: str
    project_name: str
    distinct_user_count: int
    distinct_conversation_count: int | None = None
    message_count: int
    created_at: dt.datetime | None = None
    created_by: UserRef | None = None


class PluginSessions(ApiModel):
    distinct_session_plugin_used_count: int | None = None


class PluginUsage(GroupKeys):
    plugin_name: str
    plugin_id: str | None = None
    distinct_user_count: int
    install_count: int
    invocation_count: int
    claude_code_metrics: PluginSessions | None = None
    cowork_metrics: PluginSessions | None = None


class ArtifactActivity(GroupKeys):
    artifact_type: str
    is_shared: bool
    artifacts_created_count: int
    published_artifacts_created_count: int
    distinct_user_count: int


class EngagementPage(ApiModel, Generic[RowT]):
    """One page of an engagement endpoint: rows and the cursor of the next page (None = last)."""

    data: list[RowT]
    next_page: str | None = None

    @property
    def rows(self) -> list[RowT]:
        return self.data
