"""One user's engagement on one day, derived from (seed, user, day) alone.

`user_day()` is the single source of engagement truth: the `/users` row, and the skills,
connectors, plugins, chat projects and artifacts endpoints all aggregate these records, so the
endpoints agree with each other by construction (a skill row's users are exactly the users whose
day lists that skill). Metric objects are nested dicts shaped like the JSON they become.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bot.simulator import catalog
from bot.simulator.metrics import zero_metrics, zero_office
from bot.simulator.profiles import CHAT, CODE, COWORK, DESIGN, OFFICE, SCIENCE, Project, User
from bot.simulator.stable import rng

SURFACE_PRODUCT = {
    "chat": "chat",
    "claude_code": "claude_code",
    "cowork": "cowork",
    "unified_chat": "chat_cowork_unified",
    "unified_sessions": "chat_cowork_unified",
    "excel": "office_agent",
    "powerpoint": "office_agent",
    "word": "office_agent",
    "outlook": "office_agent",
}
# Common skills and connectors are drawn far more often than the long tail of odd names.
_SKILL_DRAW = tuple(i for i in range(len(catalog.SKILLS)) for _ in range(6 if i < 6 else 1))
_CONNECTOR_DRAW = tuple(i for i in range(len(catalog.CONNECTORS)) for _ in range(5 if i < 6 else 1))
_CODE_CONNECTORS = (0, 1, 1, 1, 4, 4, 9)


@dataclass(frozen=True, slots=True)
class UserDay:
    """Everything one active user did on one UTC day (inactive users have no UserDay)."""

    user: int
    day: int  # date ordinal
    products: int  # bitmask of profiles.CHAT … CHROME
    metrics: dict[str, Any]  # the /users metric objects + web_search_count, nested like JSON
    projects: tuple[tuple[int, int, int], ...]  # (project index, messages, conversations)
    skills: tuple[tuple[int, str, int, int], ...]  # (skill index, surface, sessions, invocations)
    connectors: tuple[
        tuple[int, str, int, int, int, int], ...
    ]  # (idx, surface, sessions, calls, read, write)
    plugins: tuple[
        tuple[int, str, int, int, bool], ...
    ]  # (idx, surface, sessions, invocations, installed)
    artifacts: tuple[
        tuple[int, bool, int, int, str], ...
    ]  # (type index, shared, created, published, surface)
    unified: bool = False  # chat and Cowork counted in chat_cowork_unified_metrics this day
    session_projects: tuple[tuple[int, int, int], ...] = ()  # (index, messages, sessions)


def _uses(
    r: random.Random, draw: tuple[int, ...], surface: str, p: float, max_sessions: int
) -> list[tuple[int, str, int, int]]:
    if r.random() >= p:
        return []
    picked = sorted({r.choice(draw) for _ in range(r.randint(1, 2))})
    out = []
    for idx in picked:
        sessions = r.randint(1, max(1, max_sessions))
        out.append((idx, surface, sessions, sessions + r.randint(0, 3)))
    return out


def _connector_uses(
    r: random.Random, draw: tuple[int, ...], surface: str, p: float, max_sessions: int
) -> list[tuple[int, str, int, int, int, int]]:
    out = []
    for idx, surf, sessions, calls in _uses(r, draw, surface, p, max_sessions):
        calls = calls * r.randint(1, 4)
        read = r.randint(0, calls)
        out.append((idx, surf, sessions, calls, read, r.randint(0, calls - read)))
    return out


def _chat(
    r: random.Random,
    user: User,
    day: int,
    projects: tuple[Project, ...],
    out: dict[str, Any],
    acc: dict[str, list[Any]],
) -> None:
    msgs = max(1, int(r.gammavariate(2.0, 7.0) * user.persona.p_active * user.propensity * 1.6))
    conversations = r.randint(1, max(1, msgs // 3))
    for p in user.projects:
        if projects[p].created_on <= day and r.random() < 0.4:
            pm = r.randint(1, max(1, msgs // 2))
            acc["projects"].append((p, pm, r.randint(1, min(pm, conversations))))
    skills = _uses(r, _SKILL_DRAW, "chat", 0.2, conversations)
    connectors = _connector_uses(r, _CONNECTOR_DRAW, "chat", 0.25, conversations)
    created = r.randint(1, 3) if r.random() < 0.25 else 0
    for _ in range(created):
        shared = r.random() < 0.2
        acc["artifacts"].append(
            (
                r.randrange(len(catalog.ARTIFACT_TYPES)),
                shared,
                1,
                int(shared and r.random() < 0.5),
                "chat",
            )
        )
    acc["skills"] += skills
    acc["connectors"] += connectors
    out["chat_metrics"] = {
        "message_count": msgs,
        "thinking_message_count": r.randint(0, msgs // 4),
        "distinct_conversation_count": conversations,
        "distinct_projects_created_count": int(r.random() < 0.03),
        "distinct_projects_used_count": len(acc["projects"]),
        "distinct_files_uploaded_count": r.randint(1, 4) if r.random() < 0.3 else 0,
        "distinct_artifacts_created_count": created,
        "distinct_shared_artifacts_viewed_count": r.randint(1, 2) if r.random() < 0.1 else 0,
        "shared_conversations_viewed_count": r.randint(1, 3) if r.random() < 0.1 else 0,
        "distinct_skills_used_count": len({s[0] for s in skills}),
        "connectors_used_count": sum(c[3] for c in connectors),
        "distinct_connectors_used_count": len({c[0] for c in connectors}),
    }
    out["web_search_count"] = r.randint(0, 8) if r.random() < 0.5 else 0


def _code(r: random.Random, user: User, out: dict[str, Any], acc: dict[str, list[Any]]) -> None:
    sessions = r.randint(1, 8)
    commits = r.randint(0, sessions * 2)
    added = int(r.randint(40, 2500) * user.propensity)

    def tool(p: float, n: int) -> dict[str, int]:
        acc_n = r.randint(0, n) if r.random() < p else 0
        return {"accepted_count": acc_n, "rejected_count": r.randint(0, max(0, acc_n // 8))}

    out["claude_code_metrics"] = {
        "core_metrics": {
            "commit_count": commits,
            "pull_request_count": r.randint(0, commits // 2),
            "distinct_session_count": sessions,
            "lines_of_code": {"added_count": added, "removed_count": r.randint(0, added // 2)},
        },
        "tool_actions": {
            "edit_tool": tool(0.95, 60),
            "multi_edit_tool": tool(0.5, 12),
            "notebook_edit_tool": tool(0.05, 4),
            "write_tool": tool(0.7, 10),
        },
    }
    acc["skills"] += _uses(r, _SKILL_DRAW, "claude_code", 0.3, sessions)
    acc["connectors"] += _connector_uses(r, _CODE_CONNECTORS, "claude_code", 0.45, sessions)
    if r.random() < 0.35:
        idx = r.randrange(len(catalog.PLUGINS))
        n = r.randint(1, sessions)
        acc["plugins"].append((idx, "claude_code", n, n * r.randint(1, 6), r.random() < 0.1))


def _cowork(r: random.Random, out: dict[str, Any], acc: dict[str, list[Any]]) -> None:
    sessions = r.randint(1, 4)
    skills = _uses(r, _SKILL_DRAW, "cowork", 0.35, sessions)
    connectors = _connector_uses(r, _CONNECTOR_DRAW, "cowork", 0.4, sessions)
    plugins = []
    if r.random() < 0.3:
        n = r.randint(1, sessions)
        idx = r.randrange(len(catalog.PLUGINS))
        plugins.append((idx, "cowork", n, n * r.randint(1, 4), r.random() < 0.1))
    edits = [r.randint(0, 6), r.randint(0, 2), r.randint(0, 3), r.randint(0, 1)]
    out["cowork_metrics"] = {
        "message_count": r.randint(2, 40),
        "action_count": r.randint(0, 80),
        "dispatch_turn_count": r.randint(0, 5) if r.random() < 0.3 else 0,
        "distinct_session_count": sessions,
        "skills_used_count": sum(s[3] for s in skills),
        "distinct_skills_used_count": len({s[0] for s in skills}),
        "connectors_used_count": sum(c[3] for c in connectors),
        "distinct_connectors_used_count": len({c[0] for c in connectors}),
        "plugins_used_count": sum(p[3] for p in plugins),
        "distinct_plugins_used_count": len({p[0] for p in plugins}),
        "file_edit_count": sum(edits),
        "edit_tool_count": edits[0],
        "multi_edit_tool_count": edits[1],
        "write_tool_count": edits[2],
        "notebook_edit_tool_count": edits[3],
        "sessions_with_file_edits_count": min(sessions, sum(1 for e in edits if e)),
    }
    acc["skills"] += skills
    acc["connectors"] += connectors
    acc["plugins"] += plugins


def _office(r: random.Random, out: dict[str, Any], acc: dict[str, list[Any]]) -> None:
    apps = {r.choice(catalog.OFFICE_APPS) for _ in range(r.randint(1, 2))}
    office = {}
    for app in catalog.OFFICE_APPS:
        if app not in apps:
            office[app] = zero_office()
            continue
        sessions = r.randint(1, 3)
        skills = _uses(r, _SKILL_DRAW, app, 0.2, sessions)
        connectors = _connector_uses(r, _CONNECTOR_DRAW, app, 0.15, sessions)
        office[app] = {
            "message_count": r.randint(1, 25),
            "distinct_session_count": sessions,
            "skills_used_count": sum(s[3] for s in skills),
            "distinct_skills_used_count": len({s[0] for s in skills}),
            "connectors_used_count": sum(c[3] for c in connectors),
            "distinct_connectors_used_count": len({c[0] for c in connectors}),
        }
        acc["skills"] += skills
        acc["connectors"] += connectors
    out["office_metrics"] = office


_UNIFIED_SURFACE = {"chat": "unified_chat", "cowork": "unified_sessions"}


def _relabel(items: list[Any]) -> list[Any]:
    """Items used in chat or Cowork, moved to the unified surfaces (index 1 is the surface)."""
    return [(i[0], _UNIFIED_SURFACE.get(i[1], i[1]), *i[2:]) for i in items]


def _sdk_day(
    seed: int,
    user: User,
    day: int,
    products: int,
    tag: bool,
    session_projects: tuple[tuple[int, int], ...],
    metrics: dict[str, Any],
    acc: dict[str, list[Any]],
) -> bool:
    """What today's API adds to a day: artifacts created in Claude Code and Cowork, Claude Tag
    activity, work in the new projects, and (from the day a user turns it on) chat and Cowork
    counted as Chat and Cowork unified. Drawn from a generator of its own, so every value the
    older shapes carry stays what it was. Returns whether the day is a unified one."""
    r = rng(seed, "userday-sdk", user.index, day)
    for bit, block, surface in ((CODE, "claude_code_metrics", "claude_code"),
                                (COWORK, "cowork_metrics", "cowork")):  # fmt: skip
        created = r.randint(1, 3) if products & bit and r.random() < 0.3 else 0
        target = metrics[block]["core_metrics"] if bit == CODE else metrics[block]
        target["artifacts_created_count"] = created
        for _ in range(created):
            acc["artifacts"].append(
                (r.randrange(len(catalog.ARTIFACT_TYPES)), False, 1, 0, surface)
            )
    if tag:
        metrics["claude_tag_metrics"] = {
            "active_day_count": 1,
            "active_message_count": r.randint(1, 12),
        }
    unified = day >= user.unified_from and bool(products & (CHAT | COWORK))
    for index, created_on in session_projects:
        if created_on <= day and (unified or products & CODE) and r.random() < 0.5:
            messages = r.randint(1, 20)
            acc["session_projects"].append((index, messages, r.randint(1, min(messages, 4))))
    if unified:
        both = metrics["chat_cowork_unified_metrics"]
        both["chat"], metrics["chat_metrics"] = metrics["chat_metrics"], both["chat"]
        both["sessions"], metrics["cowork_metrics"] = metrics["cowork_metrics"], both["sessions"]
        for key in ("skills", "connectors", "plugins", "artifacts"):
            acc[key] = _relabel(acc[key])
    return unified


def build_user_day(
    seed: int,
    user: User,
    day: int,
    products: int,
    projects: tuple[Project, ...],
    *,
    tag: bool = False,
    session_projects: tuple[tuple[int, int], ...] = (),
) -> UserDay:
    """Derive the whole day of an active user; `products` comes from the org's activity draw,
    `tag` whether they used Claude in Slack that day, `session_projects` the (index, created
    on) of the new-experience projects they belong to."""
    r = rng(seed, "userday", user.index, day)
    metrics = zero_metrics()
    acc: dict[str, list[Any]] = {
        "projects": [],
        "skills": [],
        "connectors": [],
        "plugins": [],
        "artifacts": [],
        "session_projects": [],
    }
    if products & CHAT:
        _chat(r, user, day, projects, metrics, acc)
    if products & CODE:
        _code(r, user, metrics, acc)
    if products & COWORK:
        _cowork(r, metrics, acc)
    if products & OFFICE:
        _office(r, metrics, acc)
    if products & DESIGN:
        sessions = r.randint(1, 3)
        metrics["design_metrics"] = {
            "message_count": r.randint(sessions, 30),
            "distinct_session_count": sessions,
            "distinct_projects_created_count": int(r.random() < 0.2),
            "distinct_projects_used_count": r.randint(1, 2),
        }
    if products & SCIENCE:
        sessions = r.randint(1, 3)
        metrics["science_metrics"] = {
            "message_count": r.randint(sessions, 30),
            "distinct_session_count": sessions,
            "delegation_count": r.randint(0, 6),
            "remote_compute_job_count": r.randint(0, 3),
            "skills_used_count": r.randint(0, 4),
        }
    unified = _sdk_day(seed, user, day, products, tag, session_projects, metrics, acc)
    return UserDay(
        user=user.index,
        day=day,
        products=products,
        metrics=metrics,
        projects=tuple(acc["projects"]),
        skills=tuple(acc["skills"]),
        connectors=tuple(acc["connectors"]),
        plugins=tuple(acc["plugins"]),
        artifacts=tuple(acc["artifacts"]),
        unified=unified,
        session_projects=tuple(acc["session_projects"]),
    )
