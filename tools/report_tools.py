"""Report tools generated from the typed `/claude-usage` command models.

Each report tool's input model is built from its command model (`tool_input_model`): the same
fields, types, literals and defaults, with a `Period` field taken as the period words a person
types ("7d", "last-week", "2026-10"). So one model is the tool's JSON schema, validates what
Claude sends, and (`ReportTool.command`) becomes the exact `Command` that `/claude-usage` would
run, through `parse_period` and the command model's own validation. A period or limit Claude
gets wrong fails with the sentence a person would get.

Only what a tool cannot take from its command model is written here: the fixed values (which
ranking), the fields a tool asks differently (a person instead of a resolved `UserTarget`), and
a tighter row limit (results stay small).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.errors import InputError
from bot.reports.command_models import CommandBase, ReportCommand
from bot.reports.command_words import DEFAULT_PERIOD, PRODUCT_ALIASES, Args
from bot.reports.periods import GRAMMAR_HINT, Period, parse_period

TOOL_MAX_ROWS = 25
"""Rows a report tool may ask for: more would not fit a 4 KB result anyway."""
PERIOD_HELP = (
    "Period, as UTC days: 7d (the 7 complete days before today; default), 30d, any Nd, today, "
    "yesterday, this-week, last-week, mtd, last-month, YYYY-MM (a month), YYYY-MM-DD, or "
    "YYYY-MM-DD..YYYY-MM-DD (inclusive). Not before 2026-01-01, at most 365 days back, never "
    "in the future."
)
FIELD_HELP: Mapping[str, str] = {
    "by_list_price": "Rank by list price (pre-discount) instead of billed spend.",
    "product": "Only this product: chat, claude_code, cowork, office_agent, claude_in_chrome, "
    "claude_design, claude_tag (Claude in Slack), chat_cowork_unified.",
    "model": "Only this exact model id, e.g. claude-opus-5 (not a family name).",
    "limit": f"Rows to return, 1–{TOOL_MAX_ROWS}.",
    "by": "Split the total by this dimension.",
    "people": "Admins only: list who is new (active in the period, not in the one before) or "
    "lapsed (active in the one before, not in the period); with `product`, in that product.",
    "mode": "week: last week vs the week before; month: last month vs the month before; "
    "period: `period` vs the equal stretch (or same days of the month) just before it.",
}
_SKIPPED = frozenset({"name", "share", "min_group"})
"""Not Claude's to choose: `min_group` is set by authorization (`bot.reports.privacy`)."""


@dataclass(frozen=True)
class Asker:
    """Who is asking: decides which tools are offered and what a handler will run."""

    user_id: str
    is_admin: bool
    email: str | None = None

    @property
    def role(self) -> str:
        return "admin" if self.is_admin else "member"


def tool_input_model(
    command: type[CommandBase],
    *,
    fixed: Mapping[str, object] = {},
    fields: Mapping[str, tuple[Any, Any] | None] = {},
) -> type[BaseModel]:
    """The tool input model of `command`: its fields minus `name`/`share` and `fixed` ones,
    `Period` fields as period words, `fields` replacing or adding what a tool asks its own way."""
    spec: dict[str, tuple[Any, Any]] = {}
    for name, info in command.model_fields.items():
        if name in _SKIPPED or name in fixed or name in fields:
            continue
        if info.annotation is Period:
            spec[name] = (str, Field(DEFAULT_PERIOD, description=PERIOD_HELP))
        elif name == "limit":
            spec[name] = (
                Annotated[int, Field(ge=1, le=TOOL_MAX_ROWS)],
                Field(info.default, description=FIELD_HELP["limit"]),
            )
        else:
            default = ... if info.is_required() else info.default
            spec[name] = (info.annotation, Field(default, description=FIELD_HELP.get(name)))
    spec.update({k: v for k, v in fields.items() if v is not None})
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"{command.__name__.removesuffix('Command')}Input",
        __config__=ConfigDict(extra="forbid"),
        **spec,
    )
    return model


Convert = Callable[[dict[str, Any], date, Asker], dict[str, Any]]


def plain_periods(values: dict[str, Any], today: date, asker: Asker) -> dict[str, Any]:
    if "period" in values:
        values["period"] = parse_period(str(values["period"]), today=today)
    if values.get("product"):
        lowered = str(values["product"]).lower()
        values["product"] = PRODUCT_ALIASES.get(lowered, lowered)
    return values


def person_target(values: dict[str, Any], today: date, asker: Asker) -> dict[str, Any]:
    person = str(values.pop("person", "me")).strip() or "me"
    if not re.match(r"^(me|<.*|user_\S+|\S+@\S+)$", person, re.IGNORECASE):
        person = f'"{person}"'  # a display name, as a person types it: `user "Ada Lovelace"`
    values["target"] = Args("user", [person]).target()  # the slash command's own reading
    return plain_periods(values, today, asker)


def compare_periods(values: dict[str, Any], today: date, asker: Asker) -> dict[str, Any]:
    mode = values.get("mode", "week")
    word = {"week": "last-week", "month": "last-month"}.get(mode) or values.get("period")
    if not word:
        raise InputError(f"mode `period` needs a `period`. {GRAMMAR_HINT}")
    current = parse_period(str(word), today=today)
    return {"mode": mode, "period": current, "previous": current.previous()}


@dataclass(frozen=True)
class ReportTool:
    name: str
    command_model: type[CommandBase]
    description: str
    admin_only: bool
    fixed: Mapping[str, object] = field(default_factory=dict)
    fields: Mapping[str, tuple[Any, Any] | None] = field(default_factory=dict)
    convert: Convert = plain_periods

    @cached_property
    def input_model(self) -> type[BaseModel]:
        return tool_input_model(self.command_model, fixed=self.fixed, fields=self.fields)

    def command(self, raw: Mapping[str, Any], *, today: date, asker: Asker) -> ReportCommand:
        """Validate `raw` (what Claude sent) and build the command `/claude-usage` would run."""
        values = self.input_model.model_validate(dict(raw)).model_dump()
        values = self.convert(values, today, asker)
        built = self.command_model.model_validate({**values, **self.fixed})
        return built  # type: ignore[return-value]


PERSON = (
    str,
    Field(
        ...,
        description="An email address, an Analytics user id (user_…), a display name "
        "(e.g. Ada Lovelace), or `me` (the asker).",
    ),
)
NO_PREVIOUS: dict[str, tuple[Any, Any] | None] = {
    "period": (str | None, Field(None, description="With mode `period` only. " + PERIOD_HELP)),
    "previous": None,
}
