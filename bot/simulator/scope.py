"""Which users a `filter[]` selects, as a bitset over user indices (bit i = user i).

Values OR within a dimension and AND across dimensions. Unknown ids select nobody rather than
failing, as the real API does for ids it has no data for.
"""

from __future__ import annotations

from bot.simulator.org import SyntheticOrg

ALL = -1


def group_indices(org: SyntheticOrg, values: list[str]) -> set[int]:
    """Groups named by tagged id (`rbac_group_…`) or by bare UUID."""
    wanted = set(values)
    return {g.index for g in org.groups if g.group_id in wanted or g.uuid in wanted}


def user_mask(org: SyntheticOrg, filters: dict[str, list[str]]) -> int:
    mask = ALL
    if "user_id" in filters:
        ids = set(filters["user_id"])
        mask &= sum(1 << u.index for u in org.users() if u.user_id in ids)
    if "rbac_group_id" in filters:
        groups = 0
        for g in group_indices(org, filters["rbac_group_id"]):
            groups |= org.group_masks[g]
        mask &= groups
    return mask


def row_groups(
    org: SyntheticOrg, user: int, filters: dict[str, list[str]]
) -> tuple[int | None, ...]:
    """Groups a user's activity counts in when grouping by rbac_group_id (None = no group)."""
    groups = org.users()[user].groups
    if "rbac_group_id" in filters:
        allowed = group_indices(org, filters["rbac_group_id"])
        return tuple(g for g in groups if g in allowed)
    return groups or (None,)
