"""The words of the two management subcommands: `digest …` and `budget …`.

    digest subscribe [daily|weekly] [monday…sunday] [HH:MM] [Area/City] [--with-people]
                     [--product P]
    digest unsubscribe [daily|weekly]        digest list        digest preview [daily|weekly]
    budget set AMOUNT [--product P]          budget show        budget clear [--product P]

Parsing is pure like the rest of the grammar: it never reads the store or Slack. Who may run
what (admins manage, everyone may list and show) and which channel it applies to are decided
by the surface (`bot.slack.manage`). Amounts are US dollars with optional cents (`25000`,
`$25,000.50`, at most `MAX_BUDGET_DOLLARS`), parsed with `Decimal` into micro-cents.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.reports.command_models import BudgetCommand, DigestCommand
from bot.reports.command_words import Args
from bot.reports.usage import CommandError
from bot.store.money import MICROCENTS_PER_DOLLAR

DIGEST_ACTIONS = ("subscribe", "unsubscribe", "list", "preview")
BUDGET_ACTIONS = ("set", "show", "clear")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_BUDGET_DOLLARS = 1_000_000_000
"""A billion dollars a month: more is a typo, and the store's integer micro-cents end near $92bn."""
_AMOUNT = re.compile(r"^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_digest(words: list[str]) -> DigestCommand:
    action, rest = _action("digest", words, DIGEST_ACTIONS, "subscribe daily 09:00")
    args = Args("digest", rest)
    with_people = args.flag("--with-people")
    product = args.product()
    if action != "subscribe" and (with_people or product):
        raise CommandError("`--with-people` and `--product` belong to `digest subscribe`.")
    kind = None
    weekday = at = tz = None
    for word in args.words:
        lowered = word.lower()
        if lowered in ("daily", "weekly") and kind is None:
            kind = lowered
        elif action == "subscribe" and _weekday(lowered) is not None and weekday is None:
            weekday = _weekday(lowered)
        elif action == "subscribe" and (match := _TIME.match(word)) and at is None:
            at = time(int(match.group(1)), int(match.group(2)))
        elif action == "subscribe" and ("/" in word or word.upper() == "UTC") and tz is None:
            tz = _zone(word)
        elif action == "subscribe" and ":" in word:
            raise CommandError(f"`{word}` is not a time; write it as HH:MM, 24-hour, e.g. 09:00.")
        else:
            raise CommandError(f"I don't understand `{word}` in `digest {action}`.")
    if action == "list" and kind is not None:
        raise CommandError("`digest list` takes no arguments.")
    if weekday is not None:
        kind = kind or "weekly"
        if kind != "weekly":
            raise CommandError("Only a weekly digest has a weekday, e.g. `weekly monday 09:00`.")
    if kind is None and action in ("subscribe", "preview"):
        kind = "daily"
    return DigestCommand(
        action=action,  # one of DIGEST_ACTIONS
        kind=kind,  # "daily", "weekly" or None
        weekday=weekday,
        at=at,
        tz=tz,
        with_people=with_people,
        product=product,
    )


def parse_budget(words: list[str]) -> BudgetCommand:
    action, rest = _action("budget", words, BUDGET_ACTIONS, "set 25000")
    args = Args("budget", rest)
    product = args.product()
    amount = None
    if action == "set":
        if not args.words:
            raise CommandError("Say the monthly budget in dollars, e.g. `budget set 25000`.")
        amount = _amount(args.words.pop(0))
    elif action == "show" and product is not None:
        raise CommandError("`budget show` shows every budget; it takes no `--product`.")
    if args.words:
        raise CommandError(f"I don't understand `{' '.join(args.words)}` in `budget {action}`.")
    return BudgetCommand(
        action=action,  # one of BUDGET_ACTIONS
        amount_microcents=amount,
        product=product,
    )


def _action(
    sub: str, words: list[str], actions: tuple[str, ...], example: str
) -> tuple[str, list[str]]:
    if not words:
        if sub == "digest":
            return "list", []
        return "show", []
    action = words[0].lower()
    if action not in actions:
        choices = ", ".join(f"`{a}`" for a in actions)
        raise CommandError(
            f"`{words[0]}` is not a `{sub}` action; use {choices}, e.g. `{sub} {example}`."
        )
    return action, words[1:]


def _weekday(word: str) -> int | None:
    for index, name in enumerate(_DAYS):
        if word in (name, name[:3]):
            return index
    return None


def _zone(word: str) -> str:
    try:
        ZoneInfo(word)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(
            f"`{word}` is not a time zone; use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC."
        ) from None
    return "UTC" if word.upper() == "UTC" else word


def _amount(word: str) -> int:
    if not _AMOUNT.match(word):
        raise CommandError(
            f"`{word}` is not an amount in dollars; write it like `25000` or `$25,000.50`."
        )
    try:
        dollars = Decimal(word.lstrip("$").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise CommandError(f"`{word}` is not an amount in dollars.") from None
    if dollars <= 0:
        raise CommandError("A budget must be more than $0; use `budget clear` to remove one.")
    if dollars > MAX_BUDGET_DOLLARS:
        raise CommandError(
            f"A monthly budget can be at most ${MAX_BUDGET_DOLLARS:,}; `{word}` is more than that."
        )
    return int(dollars * MICROCENTS_PER_DOLLAR)
