"""The typed `/claude-usage` commands that `parse_command` produces and `run_command` runs.

One model per subcommand, discriminated by `name`. Each says whether it shows individual
people's data (`per_user`), so the Slack layer can apply the admin rule before anything runs.
`bot.reports.commands` re-exports all of them.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import Field, model_validator

from bot.reports.periods import Period
from bot.reports.types import Model, RankingKind, SpendBreakdown, TokenBreakdown

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class CommandBase(Model):
    share: bool = False
    min_group: int | None = None
    """Set by authorization for non-admins: breakdown slices of fewer people are folded
    (`bot.reports.privacy`). None: every slice is shown (admins, the terminal)."""

    @property
    def per_user(self) -> bool:
        """True when the answer shows individual people's data (admins only)."""
        return False


class HelpCommand(CommandBase):
    name: Literal["help"] = "help"
    topic: str | None = None


class TopSpendersCommand(CommandBase):
    name: Literal["top-spenders"] = "top-spenders"
    period: Period
    by_list_price: bool = False
    product: str | None = None
    model: str | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def per_user(self) -> bool:
        return True


class SpendCommand(CommandBase):
    name: Literal["spend"] = "spend"
    period: Period
    by: SpendBreakdown | None = None


class TokensCommand(CommandBase):
    name: Literal["tokens"] = "tokens"
    period: Period
    by: TokenBreakdown | None = None


class AdoptionCommand(CommandBase):
    name: Literal["adoption"] = "adoption"
    period: Period
    people: Literal["new", "lapsed"] | None = None
    """List who is new or lapsed (names: admins only), not only count them."""
    product: str | None = None
    """With `people`: new to, or lapsed from, this product (spend in it)."""

    @model_validator(mode="after")
    def _product_narrows_people(self) -> AdoptionCommand:
        if self.product is not None and self.people is None:
            raise ValueError("`product` narrows a list of people: give `people` too")
        return self

    @property
    def per_user(self) -> bool:
        return self.people is not None


class UserTarget(Model):
    """Who `user` asks about, as typed. The Slack layer resolves `slack_id` to an email."""

    raw: str
    slack_id: str | None = None
    email: str | None = None
    user_id: str | None = None
    """An Analytics user id (`user_…`) typed directly."""
    name: str | None = None
    """A display name typed in quotes (`user "Ada Lovelace"`), matched by the report against
    the names the API sent; only admins get that far (a name is never the asker's own)."""
    me: bool = False
    """`user me`: the asker, whom the surface resolves from its own identity (Slack user)."""
    own: bool = False
    """Set by authorization (`bot.reports.access`) when a member names themselves, however."""

    @property
    def living(self) -> bool:
        """A Slack identity (`me`, a mention) is a living person, and so is a member asking
        about themselves by email: never a deleted account that once had the address."""
        return self.me or self.own or self.slack_id is not None


class UserCommand(CommandBase):
    name: Literal["user"] = "user"
    target: UserTarget
    period: Period

    @property
    def per_user(self) -> bool:
        return True

    def with_email(self, email: str) -> UserCommand:
        """This command with the target's email filled in (after resolving a Slack mention)."""
        return self.model_copy(update={"target": self.target.model_copy(update={"email": email})})


class RankingCommand(CommandBase):
    name: RankingKind
    period: Period
    limit: int = DEFAULT_LIMIT


class CompareCommand(CommandBase):
    name: Literal["compare"] = "compare"
    mode: Literal["week", "month", "period"]
    period: Period
    previous: Period

    @property
    def per_user(self) -> bool:
        return True  # biggest movers name people


class FinanceCommand(CommandBase):
    name: Literal["finance"] = "finance"


class StatusCommand(CommandBase):
    name: Literal["status"] = "status"


class DigestCommand(CommandBase):
    """`digest subscribe|unsubscribe|list|preview` (see `bot.reports.command_manage`)."""

    name: Literal["digest"] = "digest"
    action: Literal["subscribe", "unsubscribe", "list", "preview"]
    kind: Literal["daily", "weekly"] | None = None
    """None: every kind (unsubscribe) or not given (list)."""
    weekday: int | None = None
    at: time | None = None
    tz: str | None = None
    with_people: bool = False
    product: str | None = None

    @property
    def per_user(self) -> bool:
        return self.with_people


class BudgetCommand(CommandBase):
    """`budget set|show|clear`; amounts in micro-cents."""

    name: Literal["budget"] = "budget"
    action: Literal["set", "show", "clear"]
    amount_microcents: int | None = None
    product: str | None = None


ManageCommand = DigestCommand | BudgetCommand
"""Commands that manage the bot (subscriptions, budgets) instead of answering with a report."""


ReportCommand = Annotated[
    TopSpendersCommand
    | SpendCommand
    | TokensCommand
    | AdoptionCommand
    | RankingCommand
    | UserCommand
    | CompareCommand
    | FinanceCommand
    | StatusCommand,
    Field(discriminator="name"),
]


class ExportCommand(CommandBase):
    name: Literal["export"] = "export"
    report: ReportCommand
    every_row: bool = True
    """A CSV is for the whole list: top-spenders and rankings export every row, not the first
    `report.limit` a message shows. False only when `--limit` was typed after `export`."""

    @property
    def per_user(self) -> bool:
        return self.report.per_user


Command = Annotated[
    HelpCommand
    | TopSpendersCommand
    | SpendCommand
    | TokensCommand
    | AdoptionCommand
    | RankingCommand
    | UserCommand
    | CompareCommand
    | FinanceCommand
    | StatusCommand
    | ExportCommand
    | DigestCommand
    | BudgetCommand,
    Field(discriminator="name"),
]
