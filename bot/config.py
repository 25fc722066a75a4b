"""Settings: the only module that reads the environment.

Everything else receives a `Settings` (or values taken from it) so tests can build one explicitly
and no code path ever picks up a real key by accident. Secrets are `SecretStr`: their `repr` and
`str` are masked, so logging a `Settings` never leaks them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ClaudeUsageError

DEFAULT_MODEL = "claude-sonnet-5-5"
"""A current Sonnet the installed anthropic SDK does not mark deprecated (4.5 ends 2026-11-30)."""


class Settings(BaseSettings):
    # `export SLACK_BOT_TOKEN=` means "not set": an empty variable falls back to the default, so a
    # blank key gets the "is not set" message instead of a 401 from the API.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, env_ignore_empty=True)

    analytics_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CLAUDE_ANALYTICS_API_KEY", "analytics_api_key")
    )
    analytics_base_url: str = Field(
        default="https://api.anthropic.com",
        validation_alias=AliasChoices("CLAUDE_ANALYTICS_BASE_URL", "analytics_base_url"),
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "anthropic_api_key")
    )
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "anthropic_base_url")
    )
    model: str = Field(
        default=DEFAULT_MODEL, validation_alias=AliasChoices("CLAUDE_USAGE_MODEL", "model")
    )
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"),
    )
    db_path: Path = Field(
        default=Path("claude-usage.db"), validation_alias=AliasChoices("CLAUDE_USAGE_DB", "db_path")
    )
    admins: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias=AliasChoices("CLAUDE_USAGE_ADMINS", "admins")
    )
    admin_usergroup: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CLAUDE_USAGE_ADMIN_USERGROUP", "admin_usergroup"),
    )
    digest_channels: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        validation_alias=AliasChoices("CLAUDE_USAGE_DIGEST_CHANNELS", "digest_channels"),
    )
    tz: str = Field(
        default="UTC",
        validation_alias=AliasChoices("CLAUDE_USAGE_TZ", "tz"),
        description="IANA time zone for digest schedules; report days are always UTC days.",
    )
    seat_price_cents: int | None = Field(
        default=None,
        validation_alias=AliasChoices("CLAUDE_USAGE_SEAT_PRICE_CENTS", "seat_price_cents"),
        description="Monthly price of one seat in US cents, used to cost idle seats.",
    )
    port: int = Field(default=3000, validation_alias=AliasChoices("PORT", "port"))
    host: str = Field(
        default="0.0.0.0",  # a container's port must be reachable from outside; narrow it here
        validation_alias=AliasChoices("CLAUDE_USAGE_HOST", "host"),
        description="Address `serve` listens on (probes; HTTP mode's events): 127.0.0.1 behind "
        "a local proxy, :: for IPv6.",
    )
    alert_channel: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CLAUDE_USAGE_ALERT_CHANNEL", "alert_channel"),
        description="Channel ID (C…/G…) where budget and anomaly alerts are posted.",
    )
    retention_days: int = Field(
        default=90,
        ge=31,
        validation_alias=AliasChoices("CLAUDE_USAGE_RETENTION_DAYS", "retention_days"),
        description="Days of DM memory, question records and sync runs kept (pruned daily).",
    )
    slack_ping_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("CLAUDE_USAGE_SLACK_PING_SECONDS", "slack_ping_seconds"),
        description="Socket mode: seconds between pings; 3 unanswered make /readyz unready.",
    )
    digest_grace_minutes: int = Field(
        default=180,
        ge=0,
        validation_alias=AliasChoices("CLAUDE_USAGE_DIGEST_GRACE_MINUTES", "digest_grace_minutes"),
        description="How late a missed digest may still be posted; later ones are skipped.",
    )
    state_home: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("XDG_STATE_HOME", "state_home"),
        description="Where the console keeps its line history (under claude-usage/); "
        "unset: ~/.local/state.",
    )

    @field_validator("admins", "digest_channels", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"CLAUDE_USAGE_TZ {value!r} is not a time zone; use an IANA name such as "
                "Europe/Berlin, America/New_York or UTC"
            ) from None
        return name

    @field_validator("alert_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        name = value.strip()
        if not re.fullmatch(r"[CG][A-Z0-9]{2,20}", name):
            raise ValueError(
                f"CLAUDE_USAGE_ALERT_CHANNEL {value!r} is not a channel ID; copy it from the "
                "channel's details in Slack (it starts with C or G)"
            )
        return name

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"


LogFormat = Literal["auto", "json", "text"]


class LogSettings(BaseSettings):
    """What logging needs, read apart from `Settings`: logging is configured first, for every
    command, so a bad value elsewhere in the environment is reported in the chosen format too.

    `hidden()` are the secret values no log line may show (`bot.logging_setup` scrubs them).
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, env_ignore_empty=True)

    log_format: LogFormat = Field(
        default="auto", validation_alias=AliasChoices("CLAUDE_USAGE_LOG_FORMAT", "log_format")
    )
    analytics_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CLAUDE_ANALYTICS_API_KEY", "analytics_api_key")
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "anthropic_api_key")
    )
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        name = value.strip().lower() if isinstance(value, str) else value
        if name not in ("auto", "json", "text"):
            raise ValueError(f"CLAUDE_USAGE_LOG_FORMAT {value!r} must be json, text or auto")
        return name

    def hidden(self) -> list[str]:
        values = (
            self.analytics_api_key,
            self.anthropic_api_key,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
        )
        return [v.get_secret_value() for v in values if v is not None]


class ConfigError(ClaudeUsageError):
    """The environment holds a value the bot cannot use; the message names it."""


def load_settings() -> Settings:
    """`Settings()` from the environment, with a bad value reported as one sentence per problem
    (what the CLI prints) instead of pydantic's multi-line report."""
    try:
        return Settings()
    except ValidationError as exc:
        raise _config_error(exc) from None


def load_log_settings() -> LogSettings:
    try:
        return LogSettings()
    except ValidationError as exc:
        raise _config_error(exc) from None


def _config_error(exc: ValidationError) -> ConfigError:
    problems = [_problem(error) for error in exc.errors()]
    return ConfigError("; ".join(problems) + ".")


def _problem(error: ErrorDetails) -> str:
    """One error as a sentence that names the variable to fix: our own validators already do;
    pydantic's type errors ("Input should be a valid integer") only know the field."""
    message = str(error["msg"]).removeprefix("Value error, ")
    field = _field(error["loc"][0]) if error["loc"] else None
    if field is None or field[0] in message:
        return message
    variable, secret = field
    shown = "" if secret else f"={error['input']!r}"  # a secret's value is never echoed
    return f"{variable}{shown} is not valid: {message[:1].lower()}{message[1:]}"


def _field(location: int | str) -> tuple[str, bool] | None:
    """(the environment variable behind a settings field, whether it holds a secret)."""
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        choices = (
            [c for c in alias.choices if isinstance(c, str)]
            if isinstance(alias, AliasChoices)
            else []
        )
        if location == name or location in choices:
            return (choices[0] if choices else name), "SecretStr" in str(field.annotation)
    return None
