"""The `/users` metric objects: their all-zero shape, and combining them into aggregated rows.

Additive counters are summed. `distinct_*` counters cannot be summed across days or users, so on
aggregated rows they are null, except creation counts (exact per-day sums, as documented) and
session counts (sessions practically never cross UTC midnight). Org-gated Cowork counters are
null (never 0) while the org does not have them enabled.
"""

from __future__ import annotations

from typing import Any

from bot.simulator import catalog

_SUMMABLE_DISTINCT = frozenset(
    {
        "distinct_projects_created_count",
        "distinct_artifacts_created_count",
        "distinct_session_count",
    }
)
COWORK_GATED = (
    "plugins_used_count",
    "distinct_plugins_used_count",
    "file_edit_count",
    "edit_tool_count",
    "multi_edit_tool_count",
    "write_tool_count",
    "notebook_edit_tool_count",
    "sessions_with_file_edits_count",
)


def _add(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict):
            _add(into[key], value)
        elif into[key] is not None and value is not None:
            into[key] += value


def _null_distinct(tree: dict[str, Any]) -> None:
    for key, value in tree.items():
        if isinstance(value, dict):
            _null_distinct(value)
        elif key.startswith("distinct_") and key not in _SUMMABLE_DISTINCT:
            tree[key] = None


def copy_tree(tree: dict[str, Any]) -> dict[str, Any]:
    """A copy of a metric tree (nested dicts of numbers): `copy.deepcopy` was most of the cost
    of serving a 1000-row `/users` page, as it tracks shared references these trees never have."""
    return {k: copy_tree(v) if isinstance(v, dict) else v for k, v in tree.items()}


def aggregate(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum metric trees of the same shape; distinct counters become null (see module doc)."""
    total = copy_tree(items[0])
    for item in items[1:]:
        _add(total, item)
    _null_distinct(total)
    return total


def gate(metrics: dict[str, Any], enabled: bool) -> dict[str, Any]:
    """Org-gated Cowork counters are null (never 0) while not enabled, in Cowork and in the
    sessions of Chat and Cowork unified alike."""
    if not enabled:
        blocks = [metrics["cowork_metrics"]]
        unified = metrics.get("chat_cowork_unified_metrics")
        if isinstance(unified, dict):
            blocks.append(unified["sessions"])
        for block in blocks:
            for key in COWORK_GATED:
                block[key] = None
    return metrics


def zero_office() -> dict[str, int]:
    keys = (
        "message_count",
        "distinct_session_count",
        "skills_used_count",
        "distinct_skills_used_count",
        "connectors_used_count",
        "distinct_connectors_used_count",
    )
    return dict.fromkeys(keys, 0)


def zero_metrics() -> dict[str, Any]:
    """The metric objects of a user who did nothing (every counter zero, nothing null)."""
    chat_keys = (
        "message_count", "thinking_message_count", "distinct_conversation_count",
        "distinct_projects_created_count", "distinct_projects_used_count",
        "distinct_files_uploaded_count", "distinct_artifacts_created_count",
        "distinct_shared_artifacts_viewed_count", "shared_conversations_viewed_count",
        "distinct_skills_used_count", "connectors_used_count", "distinct_connectors_used_count",
    )  # fmt: skip
    cowork_keys = (
        "message_count", "action_count", "dispatch_turn_count", "distinct_session_count",
        "skills_used_count", "distinct_skills_used_count", "connectors_used_count",
        "distinct_connectors_used_count", "plugins_used_count", "distinct_plugins_used_count",
        "file_edit_count", "edit_tool_count", "multi_edit_tool_count", "write_tool_count",
        "notebook_edit_tool_count", "sessions_with_file_edits_count",
    )  # fmt: skip
    tool = {"accepted_count": 0, "rejected_count": 0}
    return {
        "chat_metrics": dict.fromkeys(chat_keys, 0),
        "claude_code_metrics": {
            "core_metrics": {
                "commit_count": 0,
                "pull_request_count": 0,
                "distinct_session_count": 0,
                "lines_of_code": {"added_count": 0, "removed_count": 0},
                "artifacts_created_count": 0,
            },
            "tool_actions": {
                k: dict(tool)
                for k in ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
            },
        },
        "cowork_metrics": dict.fromkeys((*cowork_keys, "artifacts_created_count"), 0),
        "office_metrics": {app: zero_office() for app in catalog.OFFICE_APPS},
        "design_metrics": dict.fromkeys(
            (
                "message_count",
                "distinct_session_count",
                "distinct_projects_created_count",
                "distinct_projects_used_count",
            ),
            0,
        ),
        "science_metrics": dict.fromkeys(
            (
                "message_count",
                "distinct_session_count",
                "delegation_count",
                "remote_compute_job_count",
                "skills_used_count",
            ),
            0,
        ),
        "web_search_count": 0,
        "chat_cowork_unified_metrics": {
            "chat": dict.fromkeys(chat_keys, 0),
            "sessions": dict.fromkeys((*cowork_keys, "artifacts_created_count"), 0),
        },
        "claude_tag_metrics": {"active_day_count": 0, "active_message_count": 0},
    }
