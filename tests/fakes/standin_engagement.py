"""Engagement rows of the stand-in (users, summaries, chat projects, skills, connectors).

Sparse on purpose: each row carries its identity fields and a varying subset of what the
reference describes. Which subset a row gets cycles with its position and the day (the `variant`),
so every kind of gap shows up in any listing with a handful of rows, whatever the seed:

- whole metric blocks missing, even those the reference calls "always present";
- nested counters missing, or a block that is an empty object;
- documented-nullable values null, optional keys absent;
- keys the reference never mentions (`beta_feature_count`, new `*_metrics` blocks).

Summaries carry only the base six fields; days after the latest available day are simply left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.fakes.standin_org import EARLIEST, Org, Person, rng, tagged_id

Row = dict[str, Any]

PROJECT_NAMES = (
    "<!channel>",
    "Q1 Sales Playbook",
    "R&D <notes> & more",
    "`rm -rf /` drills",
    "Ops > Finance",
    "<@U0123ABCDEF> onboarding",
    "Hiring *loop*",
    "日本語プロジェクト",
    "Board deck",
    "Support macros",
    "_legal_ review",
    "Roadmap 2027",
)
SKILL_NAMES = (
    "*bold* _it_",
    "<!everyone>",
    "brand-guidelines",
    "canvas-design",
    "docx",
    "internal-comms",
    "mcp-builder",
    "pdf",
    "pptx",
    "skill_01HxQ7opaqueSkillId00",
    "unknown",
    "webapp-testing",
    "xlsx",
    "~strike~ `code`",
)
CONNECTOR_NAMES = (
    "asana",
    "atlassian",
    "github",
    "gmail",
    "google-drive",
    "linear",
    "notion",
    "salesforce",
    "slack",
    "<script>alert(1)</script>",
)
_OFFICE_APPS = ("excel", "powerpoint", "word", "outlook")
_SPLIT_START = date(2026, 5, 29)  # connector read/write split exists from here (reference 2.5)


def _iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _variant(position: int, day: date, kinds: int) -> int:
    return (position + day.toordinal()) % kinds


# /summaries ---------------------------------------------------------------------------------
def summary_rows(org: Org, start: date, end: date, latest: date) -> list[Row]:
    """One row per available day in [start, end): only the six base fields."""
    rows = []
    day = start
    while day < end and day <= latest:
        rows.append(
            {
                "starting_at": _iso(day),
                "ending_at": _iso(day + timedelta(days=1)),
                "daily_active_user_count": len(org.active(day)),
                "weekly_active_user_count": len(org.active_between(day - timedelta(6), day)),
                "monthly_active_user_count": len(org.active_between(day - timedelta(29), day)),
                "assigned_seat_count": org.seats(day),
            }
        )
        day += timedelta(days=1)
    return rows


# /users -------------------------------------------------------------------------------------
def user_rows(org: Org, day: date) -> list[Row]:
    """One row per user with token consumption on `day`, by email ascending."""
    active = org.active(day)
    people = sorted((org.by_id[u] for u in active), key=lambda p: p.email)
    return [_user_row(org, p, active[p.user_id], day, pos) for pos, p in enumerate(people)]


def _counts(org: Org, person: Person, day: date, block: str, keys: tuple[str, ...]) -> Row:
    r = rng(org.seed, "eng", person.index, day, block)
    return {key: r.randint(0, 40) for key in keys}


def _user_row(org: Org, person: Person, products: tuple[str, ...], day: date, pos: int) -> Row:
    v = _variant(pos, day, 6)
    user: Row = {"id": person.user_id, "email_address": person.email}
    if v == 0:
        user["type"] = "user"
    row: Row = {"user": user}
    if "chat" in products:
        chat = _counts(org, person, day, "chat", _CHAT_KEYS)
        if v == 2:
            del chat["thinking_message_count"], chat["distinct_connectors_used_count"]
        row["chat_metrics"] = chat
    if "claude_code" in products:
        row["claude_code_metrics"] = _code_block(org, person, day, v)
    if "cowork" in products or v in (0, 5):
        cowork = _counts(org, person, day, "cowork", _COWORK_KEYS)
        if "cowork" not in products:
            cowork = dict.fromkeys(cowork, 0)
        if v == 5:
            cowork.update(dict.fromkeys(("plugins_used_count", "file_edit_count"), None))
        if v != 1:
            row["cowork_metrics"] = cowork
    if v not in (1, 2):
        apps = ("excel",) if v == 4 else _OFFICE_APPS
        used = "office_agent" in products
        row["office_metrics"] = {
            app: _counts(org, person, day, app, _OFFICE_KEYS)
            if used
            else dict.fromkeys(_OFFICE_KEYS, 0)
            for app in apps
        }
    if v == 5:
        row["design_metrics"] = dict.fromkeys(_DESIGN_KEYS, 0)
    if v != 4:
        row["web_search_count"] = rng(org.seed, "web", person.index, day).randint(0, 12)
    if v == 3:
        row["beta_feature_count"] = 3
        row["voice_metrics"] = {"message_count": 2, "distinct_session_count": 1}
    return row


def _code_block(org: Org, person: Person, day: date, v: int) -> Row:
    r = rng(org.seed, "code", person.index, day)
    core: Row = {
        "commit_count": r.randint(0, 9),
        "pull_request_count": r.randint(0, 3),
        "distinct_session_count": r.randint(1, 6),
    }
    if v != 2:
        core["lines_of_code"] = {
            "added_count": r.randint(0, 900),
            "removed_count": r.randint(0, 300),
        }
    tools = ("edit_tool", "multi_edit_tool", "write_tool") if v == 2 else _TOOLS
    actions = {
        t: {"accepted_count": r.randint(0, 30), "rejected_count": r.randint(0, 4)} for t in tools
    }
    return {"core_metrics": core, "tool_actions": actions}


_CHAT_KEYS = (
    "message_count",
    "thinking_message_count",
    "distinct_conversation_count",
    "distinct_projects_created_count",
    "distinct_projects_used_count",
    "distinct_files_uploaded_count",
    "distinct_artifacts_created_count",
    "distinct_shared_artifacts_viewed_count",
    "shared_conversations_viewed_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
)
_COWORK_KEYS = (
    "message_count",
    "action_count",
    "dispatch_turn_count",
    "distinct_session_count",
    "skills_used_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
)
_OFFICE_KEYS = (
    "message_count",
    "distinct_session_count",
    "skills_used_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
)
_DESIGN_KEYS = (
    "message_count",
    "distinct_session_count",
    "distinct_projects_created_count",
    "distinct_projects_used_count",
)
_TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")


# projects, skills, connectors ------------------------------------------------------------------
def _used(org: Org, kind: str, names: tuple[str, ...], day: date) -> list[tuple[str, int]]:
    """(name, distinct users) of the entities used on `day`; none on a day nobody was active."""
    dau = len(org.active(day))
    out = []
    for name in names:
        r = rng(org.seed, kind, name, day)
        if dau and r.random() < 0.8:
            out.append((name, r.randint(1, max(1, min(dau, 9)))))
    return out


def project_rows(org: Org, day: date) -> list[Row]:
    """Chat projects used on `day`, sorted by project_id."""
    used = [
        (tagged_id(org.seed, "claude_proj_", n), n, users)
        for n, users in _used(org, "project", PROJECT_NAMES, day)
    ]
    rows = []
    for pos, (project_id, name, users) in enumerate(sorted(used)):
        v = _variant(pos, day, 5)
        r = rng(org.seed, "project-metrics", name, day)
        row: Row = {"project_id": project_id, "project_name": name}
        if v != 1:
            row["distinct_user_count"] = users
        if v != 2:
            row["message_count"] = r.randint(users, users * 30)
        if v in (0, 3):
            row["distinct_conversation_count"] = r.randint(1, users * 3) if v == 0 else None
        creator = org.people[PROJECT_NAMES.index(name) % len(org.people)]
        created = datetime.combine(EARLIEST, datetime.min.time(), UTC) + timedelta(
            days=PROJECT_NAMES.index(name) * 7, hours=9, minutes=41
        )
        if v in (0, 2):
            row["created_at"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
            row["created_by"] = {"id": creator.user_id}
            if v == 0:
                row["created_by"]["email_address"] = creator.email
        if v == 4:
            row["created_at"] = None
            row["created_by"] = None
            row["artifact_metrics"] = {"distinct_artifacts_created_count": r.randint(0, 5)}
        if v == 3:
            row["beta_feature_count"] = 3
        rows.append(row)
    return rows


def _sessions(r: Any, apps: tuple[str, ...], key: str) -> Row:
    return {app: {key: r.randint(0, 6)} for app in apps}


def skill_rows(org: Org, day: date) -> list[Row]:
    """Skills explicitly used on `day`, sorted by skill_name."""
    rows = []
    for pos, (name, users) in enumerate(sorted(_used(org, "skill", SKILL_NAMES, day))):
        v = _variant(pos, day, 6)
        r = rng(org.seed, "skill-metrics", name, day)
        key = "distinct_session_skill_used_count"
        row: Row = {"skill_name": name}
        if v != 2:
            row["distinct_user_count"] = users
        if v in (0, 1, 3):
            row["chat_metrics"] = {"distinct_conversation_skill_used_count": r.randint(0, 20)}
        elif v == 4:
            row["chat_metrics"] = {}
        if v in (0, 2, 5):
            row["claude_code_metrics"] = {key: None if v == 5 else r.randint(0, 9)}
        if v in (0, 3):
            row["cowork_metrics"] = {key: r.randint(0, 4)}
        if v == 0:
            row["office_metrics"] = _sessions(r, _OFFICE_APPS, key)
            row["estimated_overage_spend"] = "1234.500000"
            row["attributed_list_price"] = "2469.000000"
            row["currency"] = "USD"
        elif v == 3:
            row["office_metrics"] = _sessions(r, ("word",), key)
        if v in (0, 1):
            row["invocation_count"] = r.randint(users, users * 6)
        elif v == 4:
            row["invocation_count"] = None
        if v == 1:
            row["share_status"] = "organization"
            row["estimated_overage_spend"] = 250
        if v == 5:
            row["estimated_overage_spend"] = None
            row["currency"] = None
            row["voice_metrics"] = {key: r.randint(0, 3)}
        if name.startswith("skill_01"):
            row["skill_display_name"] = "Quarterly <Report> *draft*"
        elif name == "unknown":
            row["skill_display_name"] = "Unknown skill"
        if v == 3:
            row["beta_feature_count"] = 3
        rows.append(row)
    return rows


def connector_rows(org: Org, day: date) -> list[Row]:
    """Connectors used on `day`, sorted by connector_name."""
    rows = []
    for pos, (name, users) in enumerate(sorted(_used(org, "connector", CONNECTOR_NAMES, day))):
        v = _variant(pos, day, 5)
        r = rng(org.seed, "connector-metrics", name, day)
        row: Row = {"connector_name": name}
        if v != 3:
            row["distinct_user_count"] = users
        if v in (0, 1, 4):
            row["chat_metrics"] = {"distinct_conversation_connector_used_count": r.randint(0, 30)}
        if v in (0, 2):
            row["claude_code_metrics"] = {"distinct_session_connector_used_count": r.randint(0, 9)}
        if v == 0:
            row["cowork_metrics"] = {"distinct_session_connector_used_count": r.randint(0, 3)}
            row["office_metrics"] = _sessions(
                r, _OFFICE_APPS, "distinct_session_connector_used_count"
            )
        elif v == 2:
            row["office_metrics"] = {
                "excel": {"distinct_session_connector_used_count": 1},
                "word": {},
            }
        split = ("read_call_count", "write_call_count", "unclassified_call_count")
        if day < _SPLIT_START or v == 3:
            if v in (0, 1, 3):
                row.update(dict.fromkeys(split, None))
        elif v in (0, 1, 2):
            row.update({k: r.randint(0, 40) for k in split})
        if v == 4:
            row["beta_feature_count"] = 3
            row["chrome_metrics"] = {"distinct_session_connector_used_count": r.randint(0, 2)}
        rows.append(row)
    return rows
