"""`/claude-usage digest …` and `/claude-usage budget …` in Slack.

Who may do what, decided here before anything changes:

    digest list, budget show                          everyone (a member's `budget show` folds
                                                      products fewer than 5 people used)
    digest subscribe|unsubscribe|preview, budget set|clear   admins only (`--with-people`
                                                      included: only an admin can turn on names)

A subscription belongs to the channel the command is typed in, which must be one of the
configured digest channels (`bot.slack.auth.may_post_figures`, the rule `--share` follows too),
and the bot must be a member to post there (`Identities.require_member`: Slack's
`conversations.info`); if it is not, the answer says how to invite it. Answers
are visible only to the asker. `digest preview` renders the digest the channel would get now,
without posting it (the charts come with the real post, in its thread).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from bot.alerts import BudgetStatus, budget_status, shown_budgets
from bot.budgets import Budget, clear_budget, set_budget
from bot.config import Settings
from bot.digest import DigestSpec, build_digest
from bot.digest.render import render_digest
from bot.digest.schedule import local_time, next_fire, report_period
from bot.errors import InputError
from bot.reports.command_models import BudgetCommand, DigestCommand, ManageCommand
from bot.reports.filters import check_product
from bot.reports.labels import label_for
from bot.reports.periods import utc_today
from bot.slack.auth import (
    AccessDenied,
    Viewer,
    authorize,
    figure_channels,
    may_post_figures,
    refusal,
)
from bot.slack.blocks import Message, escape_sentence, text_message
from bot.slack.blocks.format import usd
from bot.slack.blocks.message import more_line
from bot.slack.blocks.primitives import MAX_BLOCKS, context, group_lines, section
from bot.slack.deps import Deps
from bot.slack.mrkdwn import channel_link, escape
from bot.store.subscriptions import (
    DEFAULT_TIME,
    Subscription,
    delete_subscriptions,
    get_subscription,
    list_subscriptions,
    save_subscription,
)

NOT_A_CHANNEL = (
    "Digests are posted to a channel: run this in the channel that should get it (not in a "
    "direct message)."
)


def manage(deps: Deps, command: ManageCommand, viewer: Viewer, channel_id: str | None) -> Message:
    """The answer to a management command (its changes already made)."""
    if isinstance(command, DigestCommand):
        if command.action != "list" and not viewer.is_admin:
            raise AccessDenied(refusal("Managing digests", deps.directory))
        with deps.store.connect() as db:
            return _digest(deps, db, command, viewer, channel_id)
    if command.action != "show" and not viewer.is_admin:
        raise AccessDenied(refusal("Setting budgets", deps.directory))
    command = authorize(command, viewer, deps.directory)  # a member's: small groups folded
    with deps.store.connect() as db:
        return _budget(deps, db, command, viewer)


def _digest(
    deps: Deps, db: Database, command: DigestCommand, viewer: Viewer, channel: str | None
) -> Message:
    now = deps.now()
    if command.action == "list":
        return subscriptions_message(list_subscriptions(db), now, deps.settings)
    if channel is None or not channel.startswith(("C", "G")):
        raise InputError(NOT_A_CHANNEL)
    kind = command.kind or "daily"
    if command.action == "unsubscribe":
        gone = delete_subscriptions(db, channel, command.kind)
        if not gone:
            return text_message(f"{channel_link(channel)} has no digest to unsubscribe from.")
        return text_message(
            f"{channel_link(channel)} will no longer get the {' and '.join(gone)} digest."
        )
    if command.action == "preview":
        sub = get_subscription(db, channel, kind)
        spec = DigestSpec(
            kind=kind,
            period=report_period(kind, now),
            with_people=bool(sub and sub.with_people),
            product=sub.product if sub else None,
        )
        message = render_digest(build_digest(db, spec, channel=channel))
        note = "Preview, only you can see it: the posted digest brings its charts in its thread."
        return message.noted(context(escape(note)), first=True)
    if not may_post_figures(deps.settings, channel):
        raise InputError(
            f"{channel_link(channel)} is not a digest channel: a digest, like an answer shared "
            f"with `--share`, is posted only {figure_channels(deps.settings)}. Whoever runs the "
            "bot lists them in `CLAUDE_USAGE_DIGEST_CHANNELS`."
        )
    deps.directory.require_member(channel)
    if command.product is not None:
        check_product(db, command.product)  # a typo would post $0.00 every day
    sub = Subscription(
        channel=channel,
        kind=kind,
        at=command.at or DEFAULT_TIME,
        tz=command.tz or deps.settings.tz,
        weekday=command.weekday or 0,
        with_people=command.with_people,
        product=command.product,
        created_by=viewer.user_id,
    )
    new = save_subscription(db, sub, now=now)
    verb = "Subscribed" if new else "Changed the subscription of"
    people = "with names of people (admins chose it)" if sub.with_people else "without names"
    days = "the last complete UTC day" if kind == "daily" else "the last complete week"
    return text_message(
        f"{verb} {channel_link(channel)}: the {_when(sub)} digest, {people}, reporting {days}. "
        f"Next: {local_time(next_fire(sub, now), sub.tz)}."
    )


def _when(sub: Subscription) -> str:
    """The schedule with the zone as inline code, so America/New_York keeps its underscore
    (a validated IANA name: safe inside backticks)."""
    return sub.when().replace(sub.tz, f"`{sub.tz}`")


def subscriptions_message(
    subs: list[Subscription], now: datetime, settings: Settings | None = None
) -> Message:
    """Every subscription, one line each, in as many sections as the lines need (split between
    lines); only past Slack's 50 blocks does the last one say how many more there are. With
    `settings`, a subscription whose channel is no longer a digest channel says it is not
    posted (the scheduler skips it)."""
    if not subs:
        return text_message(
            "No channel gets a digest yet. An admin can run `/claude-usage digest subscribe` in "
            "the channel that should."
        )
    lines = []
    for sub in subs:
        extras = [] if sub.product is None else [f"{label_for('product', sub.product)} only"]
        if sub.with_people:
            extras.append("with names")
        tail = f" ({', '.join(extras)})" if extras else ""
        when = f"next {escape(local_time(next_fire(sub, now), sub.tz))}"
        if settings is not None and not may_post_figures(settings, sub.channel):
            when = "not posted: not a digest channel (`CLAUDE_USAGE_DIGEST_CHANNELS`)"
        lines.append(
            f"• {channel_link(sub.channel)}: {escape_sentence(_when(sub))}{escape(tail)}; {when}"
        )
    groups = group_lines(["*Digest subscriptions*", *lines])
    if len(groups) > MAX_BLOCKS:
        groups = groups[: MAX_BLOCKS - 1]
    blocks = [section("\n".join(group)) for group in groups]
    more = more_line(sum(len(group) for group in groups) - 1, len(subs))
    if more:
        blocks.append(context(f"{more} subscriptions (a Slack message holds no more)."))
    count = "1 digest subscription" if len(subs) == 1 else f"{len(subs)} digest subscriptions"
    return Message(text=f"{count}.", blocks=blocks)


def _budget(deps: Deps, db: Database, command: BudgetCommand, viewer: Viewer) -> Message:
    now = deps.now()
    today = utc_today(now)
    scope = command.product or ""
    if command.action == "clear":
        removed = clear_budget(db, scope)
        name = Budget(scope, 0).label
        sentence = f"Removed the {name} budget." if removed else f"There is no {name} budget."
        return text_message(sentence)
    if command.action == "set":
        assert command.amount_microcents is not None
        if command.product is not None:
            check_product(db, command.product)  # a typo would be a budget never spent
        budget = Budget(scope, command.amount_microcents, set_by=viewer.user_id)
        set_budget(db, budget, now=now)
        status = budget_status(db, budget, today)
        where = deps.settings.alert_channel
        alerts = (
            f"Alerts go to {channel_link(where)} at 50%, 80% and 100% and when the forecast "
            "reaches 100%."
            if where
            else "Alerts are off until CLAUDE_USAGE_ALERT_CHANNEL names a channel."
        )
        return Message(
            text=escape_sentence(f"Budget set: {usd(budget.amount_microcents)} a month."),
            blocks=[section(_status_line(status)), context(escape_sentence(alerts))],
        )
    return budgets_message(db, today, min_group=command.min_group)


def budgets_message(db: Database, today: date, *, min_group: int | None = None) -> Message:
    """Every budget with month to date and its forecast (`budget show`); with `min_group` (a
    member's), products used by fewer people are folded (`bot.alerts.shown_budgets`)."""
    statuses, note = shown_budgets(db, today, min_group=min_group)
    if not statuses:
        return text_message(
            "No budget is set. An admin can set one with `/claude-usage budget set 25000`."
        )
    blocks = [section("*Monthly budgets*\n" + "\n".join(_status_line(s) for s in statuses))]
    if note is not None:
        blocks.append(context(escape_sentence(note)))
    count = "1 budget" if len(statuses) == 1 else f"{len(statuses)} budgets"
    return Message(text=f"{count}.", blocks=blocks)


def _status_line(status: BudgetStatus) -> str:
    budget = status.budget
    head = f"*{escape(budget.label)}*: {usd(budget.amount_microcents)} a month"
    if status.through is None:
        return f"{head}; nothing spent yet this month."
    text = (
        f"{head}; {usd(status.spent_microcents)} spent through {status.through:%b} "
        f"{status.through.day} ({status.spent_pct}%)"
    )
    if status.forecast is not None:
        text += f", forecast {usd(status.forecast.month_end_microcents)} ({status.forecast_pct}%)"
    return text + "."
