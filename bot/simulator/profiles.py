"""Static tables of the synthetic org: users, RBAC groups and chat projects, built once.

Each user gets a persona (chat-only majority, Claude Code power users, Cowork, Office, Design,
Science and Chrome users), a lifecycle on an S-shaped adoption curve (invited → seat → first
activity, some never active, some lapse, a few deleted) and group/project memberships. Nothing
here depends on a day: per-day values are derived on demand in `activity.py` and `spend.py`.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from bot.simulator import catalog
from bot.simulator.stable import h64, rng, token

CHAT, CODE, COWORK, OFFICE, DESIGN, SCIENCE, CHROME = (1 << k for k in range(7))
PRODUCT_BITS = (CHAT, CODE, COWORK, OFFICE, DESIGN, SCIENCE, CHROME)
NEVER = date.max.toordinal() + 1


@dataclass(frozen=True, slots=True)
class Persona:
    """How often a kind of user shows up and which surfaces they use when they do."""

    name: str
    weight: float
    p_active: float
    products: tuple[tuple[int, float], ...]  # (product bit, probability when active)
    models: tuple[float, float, float]  # weights of catalog.MODELS


PERSONAS = (
    Persona("chat", 0.50, 0.55, ((CHAT, 1.0),), (0.15, 0.6, 0.25)),
    Persona("coder", 0.15, 0.85, ((CHAT, 0.6), (CODE, 0.95), (COWORK, 0.05)), (0.5, 0.45, 0.05)),
    Persona("cowork", 0.10, 0.60, ((CHAT, 0.8), (COWORK, 0.8)), (0.3, 0.6, 0.1)),
    Persona("office", 0.09, 0.55, ((CHAT, 0.7), (OFFICE, 0.85)), (0.1, 0.7, 0.2)),
    Persona("designer", 0.04, 0.50, ((CHAT, 0.8), (DESIGN, 0.7)), (0.3, 0.6, 0.1)),
    Persona("scientist", 0.04, 0.50, ((CHAT, 0.8), (SCIENCE, 0.7)), (0.5, 0.4, 0.1)),
    Persona("browser", 0.08, 0.50, ((CHAT, 0.8), (CHROME, 0.6)), (0.1, 0.6, 0.3)),
)


@dataclass(frozen=True, slots=True)
class User:
    """One seat holder. Dates are proleptic ordinals (`date.toordinal()`) for cheap comparisons."""

    index: int
    user_id: str
    email: str | None  # None once deleted
    name: str  # "Deleted User" once deleted
    persona: Persona
    invited_on: int
    seat_on: int
    first_active: int  # NEVER for users who never use Claude
    end_active: int  # exclusive: lapse or deletion, NEVER otherwise
    deleted: bool
    propensity: float
    hour_profile: int  # index into catalog.HOUR_PROFILES
    groups: tuple[int, ...]
    projects: tuple[int, ...]
    unified_from: int = NEVER
    """First day (ordinal) the user has Chat and Cowork unified turned on; NEVER for most users
    and for every user of a legacy-shaped org (the older guide has no unified mode)."""
    slack_linked: bool = False
    """Linked a Claude account to Slack: Claude Tag activity shows in their `/users` rows."""


@dataclass(frozen=True, slots=True)
class Group:
    index: int
    group_id: str  # rbac_group_…
    uuid: str  # the bare-UUID alias accepted by filters
    name: str | None  # None: deleted / unresolvable


@dataclass(frozen=True, slots=True)
class Project:
    index: int
    project_id: str
    name: str
    created_on: int
    created_at: str | None
    created_by: int | None  # user index


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _pick_persona(u: float) -> Persona:
    total = 0.0
    for persona in PERSONAS:
        total += persona.weight
        if u < total:
            return persona
    return PERSONAS[0]


def build_groups(seed: int, users: int) -> tuple[Group, ...]:
    count = min(len(catalog.GROUP_NAMES), max(3, users // 5))
    groups = []
    for k in range(count):
        name: str | None = catalog.GROUP_NAMES[k]
        if k == count - 1 and count >= 5:
            name = None  # a deleted group still referenced by memberships
        gid = "rbac_group_01" + token(20, seed, "group", k)
        groups.append(Group(k, gid, str(uuid.UUID(int=h64(seed, "gu", k) << 64 | k)), name))
    return tuple(groups)


def build_users(
    seed: int,
    count: int,
    start: int,
    today: int,
    groups: int,
    projects: int,
    *,
    unified: bool = True,
) -> tuple[User, ...]:
    """All users, with lifecycles spread over [start, today] along a logistic adoption curve.

    `unified`: whether the org offers Chat and Cowork unified (today's API; not the older
    guide's). Traits the SDK era added are drawn from a generator of their own, so every user
    keeps the persona, lifecycle and memberships they had before those traits existed."""
    span = max(1, today - start)
    users = []
    for i in range(count):
        r = rng(seed, "profile", i)
        persona = _pick_persona(r.random())
        u = min(max(r.random(), 1e-6), 1 - 1e-6)
        x = min(max(0.5 + math.log(u / (1 - u)) / 8, 0.0), 1.05)
        seat_on = start + int(x * span * 0.9)
        invited_on = seat_on - r.randint(0, 14)
        first_active = NEVER if r.random() < 0.08 else seat_on + r.randint(0, 10)
        end_active = NEVER
        if first_active != NEVER and r.random() < 0.10:
            end_active = first_active + r.randint(14, 90)
        deleted_on = seat_on + r.randint(20, 150) if r.random() < 0.04 else NEVER
        deleted = deleted_on <= today
        if deleted:
            end_active = min(end_active, deleted_on)
        first, last = r.choice(catalog.FIRST_NAMES), r.choice(catalog.LAST_NAMES)
        name, email = f"{first} {last}", f"{_slug(first)}.{_slug(last)}{i}@example.com"
        adversarial = i - 2
        if 0 <= adversarial < len(catalog.ADVERSARIAL):
            name, email = catalog.ADVERSARIAL[adversarial], f"user{i}@example.com"
        n_groups = 0 if r.random() < 0.05 else (2 if r.random() < 0.12 else 1)
        member_of = tuple(sorted({r.randrange(groups) for _ in range(n_groups)}))
        n_projects = r.choice((0, 0, 1, 1, 2, 3)) if projects else 0
        member_projects = tuple(sorted({r.randrange(projects) for _ in range(n_projects)}))
        extra = rng(seed, "profile-sdk", i)
        turns_on, when, linked = extra.random(), extra.uniform(0.3, 1.0), extra.random()
        unified_from = NEVER
        chatty = any(bit in (CHAT, COWORK) for bit, _ in persona.products)
        if unified and chatty and first_active != NEVER and turns_on < 0.3:
            unified_from = max(first_active, start + int(span * when))
        users.append(
            User(
                index=i,
                user_id="user_01" + token(24, seed, "user", i),
                email=None if deleted else email,
                name="Deleted User" if deleted else name,
                persona=persona,
                invited_on=invited_on,
                seat_on=seat_on,
                first_active=first_active,
                end_active=end_active,
                deleted=deleted,
                propensity=r.uniform(0.5, 1.5),
                hour_profile=r.choice((0, 0, 1, 2)),
                groups=member_of,
                projects=member_projects,
                unified_from=unified_from,
                slack_linked=linked < 0.35,
            )
        )
    return tuple(users)


def build_projects(seed: int, users: int, start: int) -> tuple[Project, ...]:
    count = max(len(catalog.PROJECT_NAMES), users // 6)
    names = catalog.PROJECT_NAMES
    out = []
    for k in range(count):
        r = rng(seed, "project", k)
        name = names[k % len(names)]
        if k >= len(names):
            name = f"{name} {k // len(names) + 1}"
        created_on = start + r.randint(0, 20)
        created_at: str | None = (
            f"{date.fromordinal(created_on).isoformat()}T{r.randint(8, 18):02d}:"
            f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
        )
        creator: int | None = r.randrange(users)
        if k == 1:
            created_at, creator = None, None  # deleted before attribution was recorded
        pid = "claude_proj_01" + token(24, seed, "project", k)
        out.append(Project(k, pid, name, created_on, created_at, creator))
    return tuple(out)
