"""Configuration of the simulated Analytics API.

One frozen value object decides everything the simulator does: the synthetic org (seed, size,
history), the clock (a fixed `now` makes every test deterministic) and the faults it injects.
Other modules and the tests construct it directly; nothing here reads the environment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.simulator.auth import AuthMode


class SimConfig(BaseModel):
    """Everything that shapes one simulator instance. Frozen: a running server never changes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 7
    users: int = Field(default=300, ge=1, le=200_000)
    days: int = Field(default=120, ge=1, le=2000)
    latency_ms: int = Field(default=0, ge=0)
    fail_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    rate_limit: float = Field(default=0.0, ge=0.0)
    api_key: str = "demo-key"
    # Which headers present the key and version: both dialects as today's API ("any"), or only
    # the original guide's ("guide") or only the SDK's ("sdk"); see bot.simulator.auth.
    auth: AuthMode = "any"
    now: datetime | None = None
    cursor_ttl_seconds: int = Field(default=900, ge=1)
    spend_multiplier: int = Field(default=1, ge=1)
    # Org-gated metrics (per-product summary keys, last_activity_date, cowork plugin and file-edit
    # counters, connector read/write split, skill spend). False = "not enabled for this org": keys
    # omitted or null, so clients can prove they report "not available" rather than zero.
    gated_metrics: bool = True
    # Serve the sparsest shapes the reference allows (bot.simulator.sparse): optional blocks and
    # fields dropped, undocumented ones added, some amounts as JSON numbers; chosen by hashing the
    # seed, endpoint and row identity, so every request keeps answering with the same bytes.
    sparse: bool = False
    # Serve the shapes of the original reference guide instead of today's API (whose contract
    # is the anthropic SDK's types): `/summaries` as {"summaries": [...]} of at most 31 days,
    # `actor.email`, no `user.type`, no blocks or endpoints the guide does not name (Chat and
    # Cowork unified, Claude Tag, `artifacts_created_count`, `/projects`), a three-day lag and
    # engagement days final once served. Sparse mode applies on top of either shape.
    legacy: bool = False
    # Deterministic spend spikes: (UTC day, factor) multiplies every usage line of that day
    # (seat users and automation alike), as a runaway script would; activity is unchanged.
    # Tests use it to check that anomaly alerts fire on that day and on no other.
    spikes: tuple[tuple[date, int], ...] = ()

    @field_validator("spikes")
    @classmethod
    def _positive(cls, value: tuple[tuple[date, int], ...]) -> tuple[tuple[date, int], ...]:
        if any(factor < 1 for _, factor in value):
            raise ValueError("a spike factor must be at least 1")
        return value

    @field_validator("now")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A naive `now` is ambiguous; demand an aware one and keep it in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return value.astimezone(UTC)
