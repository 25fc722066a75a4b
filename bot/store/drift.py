"""Drift: what this organisation's API sends, against what the reference documents.

Our models (and our simulator) were written from the same reference, so they agree by
construction. The real API leaves fields out (older or feature-gated organisations), adds new
blocks during the year, and other servers differ. Sync records the fields each dataset's rows
carried (`api_fields`, see `writers.record_fields`); this module compares them with the
documented fields, derived from the response models so there is one list to keep:

* **not sent**: documented fields we would expect for our queries that no synced row carried.
  Reports show those metrics as "—" ("not reported"), never as 0.
* **undocumented**: fields rows carried that the reference does not name. They are stored (a new
  column) but no report reads them yet.

"The reference" is what our models document: today's API (the anthropic SDK 2.17 types) and the
older guide's spellings, which a client must still read. Where the two name one thing twice
(`actor.email_address` today, `actor.email` in the guide), either spelling satisfies both, so
an organisation sending one is never told the other is missing.

Fields that only appear under groupings we never request (RBAC groups, context window …) are not
expected. A sync logs each new difference once (`api_drift`), not once per row.
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from pydantic import BaseModel
from sqlite_utils import Database

from bot.analytics.models import (
    ChatProjectUsage,
    ConnectorUsage,
    DailySummary,
    ProjectUsage,
    SkillUsage,
    UserActivity,
)
from bot.analytics.report_models import CostRow, UsageRow, UserCostRow, UserUsageRow

log = logging.getLogger("bot.store.sync")

MODELS: Mapping[str, type[BaseModel]] = {
    "users": UserActivity,
    "summaries": DailySummary,
    "chat_projects": ChatProjectUsage,
    "projects": ProjectUsage,
    "skills": SkillUsage,
    "connectors": ConnectorUsage,
    "user_usage": UserUsageRow,
    "user_cost": UserCostRow,
    "usage_buckets": UsageRow,
    "cost_buckets": CostRow,
}
"""The model documenting each dataset's rows (bucket bounds are checked by the sync itself)."""

_GROUPED_ONLY = frozenset(
    {
        "rbac_group_id", "rbac_group_name", "distinct_user_count", "user_id", "context_window",
        "inference_geo", "speed", "starting_at", "ending_at", "claude_tag_category",
        "claude_tag_user_id", "slack_channel_id",
    }
)  # fmt: skip
_NOT_EXPECTED: Mapping[str, frozenset[str]] = {
    "users": _GROUPED_ONLY | {"user.type"},
    "chat_projects": frozenset(
        {"product", "rbac_group_id", "rbac_group_name", "user_id", "created_by.type"}
    ),
    "projects": frozenset({"rbac_group_id", "rbac_group_name", "user_id", "created_by.type"}),
    "skills": frozenset({"product", "rbac_group_id", "rbac_group_name", "user_id"}),
    "connectors": frozenset({"product", "rbac_group_id", "rbac_group_name", "user_id"}),
    "user_usage": _GROUPED_ONLY | {"actor.type"},
    "user_cost": _GROUPED_ONLY | {"actor.type", "cost_type", "token_type"},
    "usage_buckets": _GROUPED_ONLY,
    "cost_buckets": _GROUPED_ONLY,
}
"""Documented fields our queries do not ask for (groupings) or that only some rows carry."""
SPELLINGS: Mapping[str, str] = {
    "actor.email": "actor.email_address",
    "actor.email_address": "actor.email",
}
"""One field, two eras' names: whichever a dataset's rows carried, the other is not missing."""


@dataclass(frozen=True)
class DatasetDrift:
    dataset: str
    not_sent: tuple[str, ...]
    """Documented, expected for our queries, never carried by a synced row."""
    undocumented: tuple[str, ...]
    """Carried by synced rows, not in the reference."""


@cache
def documented(dataset: str) -> frozenset[str]:
    """Every field the reference documents for `dataset`'s rows, as dotted API paths."""
    return frozenset(_paths(MODELS[dataset]))


def expected(dataset: str) -> frozenset[str]:
    """The documented fields a sync of ours should see (leaf counters, not their blocks)."""
    return documented(dataset) - _NOT_EXPECTED.get(dataset, frozenset())


def _paths(model: type[BaseModel], prefix: str = "") -> Iterable[str]:
    for name, info in model.model_fields.items():
        nested = _model_in(info.annotation)
        if nested is None:
            yield prefix + name
        else:
            yield from _paths(nested, f"{prefix}{name}.")


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def drift(db: Database) -> tuple[DatasetDrift, ...]:
    """Per synced dataset, the documented fields never sent and the undocumented ones sent."""
    seen: dict[str, set[str]] = {}
    for dataset, path in db.execute("SELECT dataset, path FROM api_fields").fetchall():
        seen.setdefault(dataset, set()).add(path)
    out = []
    for dataset in MODELS:
        carried = seen.get(dataset)
        if not carried:
            continue  # nothing synced (or only empty days): nothing to compare
        known = documented(dataset)
        missing = {
            path for path in expected(dataset) - carried if SPELLINGS.get(path) not in carried
        }
        extra = {p for p in carried if not _documented_path(p, known)}
        if missing or extra:
            out.append(DatasetDrift(dataset, _ordered(missing), _ordered(extra)))
    return tuple(out)


def _ordered(paths: Iterable[str]) -> tuple[str, ...]:
    """Top-level fields first (a missing `last_activity_date` matters more than one counter
    deep in a block), then by name."""
    return tuple(sorted(paths, key=lambda p: (p.count("."), p)))


def _documented_path(path: str, known: frozenset[str]) -> bool:
    """A documented field, a documented block sent as a whole (`created_by: null`), or a value
    under a documented name stored as text."""
    if path in known:
        return True
    return any(k.startswith(path + ".") or path.startswith(k + ".") for k in known)


def notice_new_drift(db: Database, now: datetime) -> list[str]:
    """Log each difference not logged before (one line per dataset and kind); returns them."""
    already = {
        (dataset, path, kind)
        for dataset, path, kind in db.execute("SELECT dataset, path, kind FROM api_drift")
    }
    lines: list[str] = []
    fresh: list[tuple[str, str, str, str]] = []
    for item in drift(db):
        for kind, paths, words in (
            ("not_sent", item.not_sent, "does not send these documented fields"),
            ("undocumented", item.undocumented, "sends fields the reference does not document"),
        ):
            new = [p for p in paths if (item.dataset, p, kind) not in already]
            if not new:
                continue
            shown = ", ".join(new[:12]) + (f" and {len(new) - 12} more" if len(new) > 12 else "")
            lines.append(f"{item.dataset}: this organisation's API {words}: {shown}")
            fresh += [(item.dataset, p, kind, now.isoformat()) for p in new]
    if fresh:
        with db.atomic():
            db.conn.executemany(
                "INSERT OR IGNORE INTO api_drift (dataset, path, kind, noticed_at) "
                "VALUES (?, ?, ?, ?)",
                fresh,
            )
    for line in lines:
        log.warning("API drift: %s", line)
    return lines
