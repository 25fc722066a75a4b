"""Projects of the new projects experience (`/projects`): a static table built once per org.

Unlike the classic chat projects (`claude_proj_…`, `/apps/chat/projects`), these are tagged
`chan_…`, bill under one product for their whole life (`claude_code` or `chat_cowork_unified`),
may be private or deleted (no name to show) and may be archived. Members are users of Claude Code
or of Chat and Cowork unified; who belongs to which is drawn from generators of their own, so the
rest of the org is what it was before these projects existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.simulator.profiles import CODE, NEVER, User
from bot.simulator.stable import rng, token

NAMES = (
    "Migration to Postgres 18", "Quarterly planning", "Docs site rewrite", "Support triage",
    "Data pipeline", "<!here> Launch room", "*Design system*", "Payments SDK",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SessionProject:
    index: int
    project_id: str  # chan_…
    name: str | None  # None: private, deleted or unresolvable
    status: str | None  # "active", "archived", None once deleted
    product: str  # what its usage bills under: claude_code or chat_cowork_unified
    created_on: int
    created_at: str | None
    created_by: int | None  # user index; None when not recorded


def build_session_projects(seed: int, users: int, start: int) -> tuple[SessionProject, ...]:
    out = []
    for k in range(max(len(NAMES), users // 8)):
        r = rng(seed, "session-project", k)
        created_on = start + r.randint(0, 40)
        name: str | None = NAMES[k % len(NAMES)] + ("" if k < len(NAMES) else f" {k}")
        if k % 9 == 4:
            name = None  # private
        status: str | None = "archived" if k % 7 == 3 else "active"
        if k % 11 == 6:
            name, status = None, None  # deleted
        stamp = f"{date.fromordinal(created_on).isoformat()}T{r.randint(8, 18):02d}:15:00Z"
        creator: int | None = r.randrange(users) if k != 2 else None
        out.append(
            SessionProject(
                index=k,
                project_id="chan_01" + token(24, seed, "chan", k),
                name=name,
                status=status,
                product="claude_code" if k % 3 == 0 else "chat_cowork_unified",
                created_on=created_on,
                created_at=None if k == 2 else stamp,
                created_by=creator,
            )
        )
    return tuple(out)


def memberships(
    seed: int, user: User, projects: tuple[SessionProject, ...]
) -> tuple[tuple[int, int], ...]:
    """(project index, created on) of the new projects `user` works in: coders and users who
    turn on Chat and Cowork unified, up to two each."""
    if not projects:
        return ()
    coder = any(bit == CODE for bit, _ in user.persona.products)
    if not coder and user.unified_from == NEVER:
        return ()
    r = rng(seed, "session-membership", user.index)
    picked = sorted({r.randrange(len(projects)) for _ in range(r.choice((0, 1, 1, 2)))})
    return tuple((k, projects[k].created_on) for k in picked)


def creator_email(users: tuple[User, ...], project: SessionProject) -> tuple[str, str] | None:
    """(user id, email) of the creator, or None when unrecorded or the account is gone."""
    if project.created_by is None:
        return None
    creator = users[project.created_by]
    return None if creator.email is None else (creator.user_id, creator.email)


__all__ = ["NAMES", "SessionProject", "build_session_projects", "creator_email", "memberships"]
