"""Reading the words after a subcommand: flags, `--option value`, `by X`, people and a period.

`parse_command` picks the subcommand; `Args` consumes what follows, raising `CommandError` with
one sentence for each kind of mistake (unknown flag, missing or bad value, stray words).
"""

from __future__ import annotations

import re
from datetime import date

from bot.reports.command_models import DEFAULT_LIMIT, MAX_LIMIT, UserTarget
from bot.reports.periods import Period, parse_period
from bot.reports.usage import CommandError

DEFAULT_PERIOD = "7d"

PRODUCT_ALIASES = {
    "code": "claude_code",
    "claude-code": "claude_code",
    "cc": "claude_code",
    "design": "claude_design",
    "claude-design": "claude_design",
    "office": "office_agent",
    "office-agent": "office_agent",
    "chrome": "claude_in_chrome",
    "claude-in-chrome": "claude_in_chrome",
    "slack": "claude_tag",
    "claude-in-slack": "claude_tag",
    "claude-tag": "claude_tag",
    "claude_in_slack": "claude_tag",
    "unified": "chat_cowork_unified",
    "chat-cowork-unified": "chat_cowork_unified",
}
"""Words for products → the product value the store keeps (`bot.analytics.products`: one
spelling for Claude in Slack, whatever the API sent)."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,99}$")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
_EMAIL = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+$")
_OPENING = ('"', "“")
_CLOSING = ('"', "”")
_QUOTED = '"Ada Lovelace"'
MAX_NAME = 200
_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "spend": ("product", "model", "cost-type"),
    "tokens": ("product", "model", "token-type"),
}
_OPTIONS: dict[str, tuple[str, ...]] = {
    "top-spenders": ("--list", "--product", "--model", "--limit"),
    "projects": ("--limit",),
    "skills": ("--limit",),
    "connectors": ("--limit",),
    "adoption": ("--people", "--product"),
    "digest": ("--with-people", "--product"),
    "budget": ("--product",),
}
_VALUE_OPTIONS = ("--product", "--model", "--limit", "--people")


def product_key(value: str) -> str:
    """A `--product` value as the API's product key: lower case, aliases resolved (`code` is
    `claude_code`); `CommandError` unless it is a plain name (`_NAME`). Every surface that takes
    a product (slash command, `claude-usage digest preview|run`) reads it with this."""
    if not _NAME.match(value):
        raise CommandError(f"`{value}` is not a valid product name.")
    lowered = value.lower()
    return PRODUCT_ALIASES.get(lowered, lowered)


class Args:
    """The words after a subcommand, consumed by kind: flags, options, `by X`, positionals."""

    def __init__(self, sub: str, words: list[str]) -> None:
        self.sub = sub
        self.words = _join_periods(words)
        allowed = _OPTIONS.get(sub, ())
        for word in self.words:
            flag = word.split("=", 1)[0].lower()
            if flag.startswith("--") and flag not in allowed:
                hint = f" It accepts {backticked(allowed)}." if allowed else ""
                raise CommandError(f"`{word}` is not an option of `{sub}`.{hint}")

    def flag(self, name: str) -> bool:
        found = [w for w in self.words if w.lower() == name]
        self.words = [w for w in self.words if w.lower() != name]
        return bool(found)

    def option(self, name: str) -> str | None:
        for index, word in enumerate(self.words):
            lowered = word.lower()
            if lowered.startswith(name + "="):
                del self.words[index]
                value = word.split("=", 1)[1]
                break
            if lowered == name:
                if index + 1 >= len(self.words) or self.words[index + 1].startswith("--"):
                    raise CommandError(f"`{name}` needs a value, e.g. `{name} {_EXAMPLES[name]}`.")
                value = self.words[index + 1]
                del self.words[index : index + 2]
                break
        else:
            return None
        if not value:
            raise CommandError(f"`{name}` needs a value, e.g. `{name} {_EXAMPLES[name]}`.")
        return value

    def name(self, option: str) -> str | None:
        value = self.option(option)
        if value is not None and not _NAME.match(value):
            raise CommandError(f"`{value}` is not a valid {option[2:]} name.")
        return value

    def product(self) -> str | None:
        value = self.option("--product")
        return None if value is None else product_key(value)

    def people(self) -> str | None:
        """`--people new|lapsed`; with it `--product` narrows the list to one product."""
        value = self.option("--people")
        if value is not None and value.lower() not in MOVEMENTS:
            raise CommandError(f"`--people` takes `new` or `lapsed`, not `{value}`.")
        return None if value is None else value.lower()

    def limit(self) -> int:
        value = self.option("--limit")
        if value is None:
            return DEFAULT_LIMIT
        if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
            raise CommandError(
                f"`--limit` needs a whole number from 1 to {MAX_LIMIT}, not `{value}`."
            )
        return int(value)

    def breakdown(self) -> str | None:
        choices = _BREAKDOWNS[self.sub]
        lowered = [w.lower() for w in self.words]
        if "by" not in lowered:
            return None
        index = lowered.index("by")
        if index + 1 >= len(self.words):
            raise CommandError(f"`by` needs a breakdown: {_alternatives(choices)}.")
        value = lowered[index + 1].replace("_", "-")
        value = {"costtype": "cost-type", "tokentype": "token-type"}.get(value, value)
        if value not in choices:
            raise CommandError(
                f"`by {self.words[index + 1]}` is not a breakdown of {self.sub}; "
                f"use {_alternatives(choices)}."
            )
        del self.words[index : index + 2]
        return value

    def target(self) -> UserTarget:
        if not self.words:
            raise CommandError(
                "Say whose usage to show, e.g. `/claude-usage user @ada` or "
                "`/claude-usage user ada@example.com`."
            )
        raw = self.words.pop(0)
        if raw.lower() == "me":
            return UserTarget(raw=raw, me=True)
        if match := _MENTION.match(raw):
            return UserTarget(raw=raw, slack_id=match.group(1))
        if match := _MAILTO.match(raw):
            return UserTarget(raw=raw, email=match.group(1).lower())
        if _EMAIL.match(raw):
            return UserTarget(raw=raw, email=raw.lower())
        if raw.startswith("user_") and _NAME.match(raw):
            return UserTarget(raw=raw, user_id=raw)
        if raw[0] in _OPENING or (" " in raw and raw[0] != "<"):  # quoted, or a tool's name
            name = " ".join(raw.strip("".join(_OPENING + _CLOSING)).split())
            if not name:
                raise CommandError(f"Put a name between the quotes, e.g. `user {_QUOTED}`.")
            if len(name) > MAX_NAME:
                raise CommandError(f"A name has at most {MAX_NAME} characters.")
            return UserTarget(raw=raw, name=name)
        raise CommandError(
            f"`{raw}` is not a person; mention them (@name), give their email address, or "
            f"their name in quotes (`user {_QUOTED}`)."
        )

    def positional(self) -> str | None:
        if len(self.words) > 1:
            raise CommandError(f"I don't understand `{' '.join(self.words[1:])}` in `{self.sub}`.")
        return self.words[0] if self.words else None

    def period(self, today: date, *, allowed: bool = True) -> Period:
        word = self.positional()
        if not allowed:
            if word is not None:
                raise CommandError(f"`{self.sub}` takes no period or arguments (got `{word}`).")
            return Period(start=today, end=today, label="today")  # unused; never parsed
        return parse_period(word or DEFAULT_PERIOD, today=today)


_EXAMPLES = {
    "--product": "claude_code",
    "--model": "claude-opus-5",
    "--limit": "20",
    "--people": "new",
}
MOVEMENTS = ("new", "lapsed")


def tokens(text: str) -> list[str]:
    """Whitespace-split words, keeping Slack's `<…>` escapes (which may hold spaces) and a
    "quoted name" (straight or curly quotes) whole; an unclosed quote runs to the end."""
    words: list[str] = []
    for word in text.split():
        if words and _open(words[-1]):
            words[-1] += " " + word
        else:
            words.append(word)
    return words


def _open(word: str) -> bool:
    """Whether `word` starts a `<…>` escape or a quoted name that has not been closed yet."""
    if word.startswith("<"):
        return not word.endswith(">")
    if word.startswith(_OPENING):
        return len(word) == 1 or not word.endswith(_CLOSING)
    return False


def _join_periods(words: list[str]) -> list[str]:
    """`last week` → `last-week`, so the natural spelling works too."""
    joined: list[str] = []
    for word in words:
        if joined and joined[-1].lower() in ("last", "this") and word.lower() in ("week", "month"):
            joined[-1] = f"{joined[-1]}-{word}"
        else:
            joined.append(word)
    return joined


def backticked(items: tuple[str, ...]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _alternatives(choices: tuple[str, ...]) -> str:
    return ", ".join(f"by {c}" for c in choices[:-1]) + f" or by {choices[-1]}"
