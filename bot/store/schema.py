"""The snapshot store's tables, created and evolved through `sqlite_utils.Migrations`.

Grain is one UTC day everywhere: engagement endpoints are fetched per day, cost and usage per day
too (bucketed endpoints with `bucket_width=1d`). Nested API objects are flattened into columns whose
names join the JSON path with `__` (`chat_metrics.message_count` → `chat_metrics__message_count`);
a field the API adds later becomes a new column on first insert (`alter=True`), so nothing is lost.

Money is stored as integer **micro-cents** (the API's decimal-string cents carry six decimals, so
this is exact): `"41280.000000"` → 41_280_000_000. Convert with `bot.store.money`.

Bucketed cost/usage are stored per *grouping set* (column `grouping`): the API returns at most the
top 100 groups per bucket, so one request grouped by everything would silently drop rows. Each
grouping we need is fetched on its own and kept apart:
    ""                        ungrouped org total (the authoritative total)
    "product,model"           spend/tokens by product and model
    "cost_type,token_type"    spend by cost component (cost_report only)
Grouping keys not in the set are stored as "" (not NULL) so they can sit in a primary key; a key
the API returned as null inside a grouped row is stored as "(none)".

Tables (primary key first):
    sync_ledger      (dataset, day)              one row per complete endpoint-day, see sync.py
    user_activity    (day, user_id)              /users, flattened metrics + is_active
    summaries        (day)                       /summaries, flattened
    chat_projects    (day, project_id)           /apps/chat/projects (classic chat projects)
    projects         (day, project_id)           /projects, the new projects experience (m031)
    skills           (day, skill_name)           /skills (money columns in micro-cents)
    connectors       (day, connector_name)       /connectors
    user_usage       (day, user_id, product, model)   /user_usage_report per day, by product+model
    user_cost        (day, user_id, product, model)   /user_cost_report per day, by product+model
    usage_buckets    (day, grouping, product, model)  /usage_report, bucket 1d
    cost_buckets     (day, grouping, product, model, cost_type, token_type)   /cost_report, 1d
    directory        (user_id)                   latest email / name / deleted seen for each user
    sync_runs        (id)                        every sync attempt: when, outcome, error (m003)
    notices          (kind, episode)             one-off messages already sent (m003), e.g. the
                                                 "key revoked" DM to admins
    api_fields       (dataset, path)             every API field a dataset's rows carried (m004)
    api_drift        (dataset, path, kind)       drift already logged once (m004)
    ask_turns        (id)                        a DM thread's questions and answers: Claude's
                                                 memory of it (m010, bot.store.conversations)
    ask_threads      (thread)                    who opened an assistant thread, and where (m010)
    ask_questions    (id)                        each question: tokens, cost, rounds, figures (m010)
    ask_feedback     (question_id, user_id)      thumbs up (+1) or down (-1) on an answer (m010)
    digest_subscriptions (channel, kind)         scheduled digests managed from Slack (m020)
    posts            (channel, kind, period, attempt)  exactly-once claims of scheduled posts (m020)
    digest_reported  (channel, scope, day)       spend a channel's digest last reported (m020)
    budgets          (scope)                     monthly budgets, org ("") or per product (m021)
    alerts           (kind, scope, period)       one alert message per breach, and its lifecycle
    alert_fired      (kind, scope, period, threshold)  thresholds already notified (m021)
    api_state        (key)                       what the API told us about itself: its latest
                                                 available engagement day, whether it has
                                                 /projects (m031, bot.store.api_state)

Product values are stored in one spelling (`bot.analytics.products`: Claude in Slack is
`claude_tag` whether the API said `claude-tag` or `claude-in-slack`; m030 rewrote old rows).
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.store.access import unwritable_store_error

SCHEMA_NAME = "claude_usage_store"

DATASETS_ENGAGEMENT = ("users", "summaries", "chat_projects", "projects", "skills", "connectors")
DATASETS_COST = ("user_usage", "user_cost", "usage_buckets", "cost_buckets")
DATASETS = DATASETS_ENGAGEMENT + DATASETS_COST

GROUPING_TOTAL = ""
GROUPING_PRODUCT_MODEL = "product,model"
GROUPING_COST_TYPE = "cost_type,token_type"
NONE_KEY = "(none)"
"""Stored in a grouping column when the API returned null inside a grouped row."""

_OFFICE_APPS = ("excel", "powerpoint", "word", "outlook")
_OFFICE_FIELDS = (
    "message_count",
    "distinct_session_count",
    "skills_used_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
)
_TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
_CHAT_FIELDS = (
    "message_count",
    "thinking_message_count",
    "distinct_conversation_count",
    "distinct_projects_created_count",
    "distinct_projects_used_count",
    "distinct_files_uploaded_count",
    "distinct_artifacts_created_count",
    "distinct_shared_artifacts_viewed_count",
    "shared_conversations_viewed_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
)
_COWORK_FIELDS = (
    "message_count",
    "action_count",
    "dispatch_turn_count",
    "distinct_session_count",
    "skills_used_count",
    "distinct_skills_used_count",
    "connectors_used_count",
    "distinct_connectors_used_count",
    "plugins_used_count",
    "distinct_plugins_used_count",
    "file_edit_count",
    "edit_tool_count",
    "multi_edit_tool_count",
    "write_tool_count",
    "notebook_edit_tool_count",
    "sessions_with_file_edits_count",
)
TODAYS_ACTIVITY_METRICS: tuple[str, ...] = (
    "claude_code_metrics__core_metrics__artifacts_created_count",
    "cowork_metrics__artifacts_created_count",
    *(f"chat_cowork_unified_metrics__chat__{f}" for f in _CHAT_FIELDS),
    *(
        f"chat_cowork_unified_metrics__sessions__{f}"
        for f in (*_COWORK_FIELDS, "artifacts_created_count")
    ),
    "claude_tag_metrics__active_day_count",
    "claude_tag_metrics__active_message_count",
)
"""`/users` columns of today's API (SDK 2.17), added by m030: Chat and Cowork unified, Claude
Tag, artifacts created in Claude Code and Cowork."""

USER_ACTIVITY_METRICS: tuple[str, ...] = (
    *(f"chat_metrics__{f}" for f in _CHAT_FIELDS),
    "claude_code_metrics__core_metrics__commit_count",
    "claude_code_metrics__core_metrics__pull_request_count",
    "claude_code_metrics__core_metrics__distinct_session_count",
    "claude_code_metrics__core_metrics__lines_of_code__added_count",
    "claude_code_metrics__core_metrics__lines_of_code__removed_count",
    *(
        f"claude_code_metrics__tool_actions__{t}__{k}"
        for t in _TOOLS
        for k in ("accepted_count", "rejected_count")
    ),
    *(f"cowork_metrics__{f}" for f in _COWORK_FIELDS),
    *(f"office_metrics__{app}__{f}" for app in _OFFICE_APPS for f in _OFFICE_FIELDS),
    *(
        f"design_metrics__{f}"
        for f in (
            "message_count",
            "distinct_session_count",
            "distinct_projects_created_count",
            "distinct_projects_used_count",
        )
    ),
    *(
        f"science_metrics__{f}"
        for f in (
            "message_count",
            "distinct_session_count",
            "delegation_count",
            "remote_compute_job_count",
            "skills_used_count",
        )
    ),
    "web_search_count",
    *TODAYS_ACTIVITY_METRICS,
)

SUMMARY_COUNTS: tuple[str, ...] = (
    "daily_active_user_count",
    "weekly_active_user_count",
    "monthly_active_user_count",
    "assigned_seat_count",
    "pending_invite_count",
    "cowork_daily_active_user_count",
    "cowork_weekly_active_user_count",
    "cowork_monthly_active_user_count",
    *(
        f"{p}_{w}_active_user_count"
        for p in ("chat", "claude_code", "claude_design", "office_agent", "science")
        for w in ("daily", "weekly", "monthly")
    ),
    "science_entitled_user_count",
)
TODAYS_SUMMARY_COUNTS: tuple[str, ...] = tuple(
    f"{p}_{w}_active_user_count"
    for p in ("chat_cowork_unified", "claude_tag")
    for w in ("daily", "weekly", "monthly")
)
"""`/summaries` columns of today's API, added by m030."""
SUMMARY_RATES = ("daily_adoption_rate", "weekly_adoption_rate", "monthly_adoption_rate")

TOKEN_COLUMNS = (
    "uncached_input_tokens",
    "cache_read_input_tokens",
    "cache_creation__ephemeral_5m_input_tokens",
    "cache_creation__ephemeral_1h_input_tokens",
    "output_tokens",
)
USAGE_COLUMNS = (*TOKEN_COLUMNS, "requests", "server_tool_use__web_search_requests")

_M001_ACTIVITY = USER_ACTIVITY_METRICS[: -len(TODAYS_ACTIVITY_METRICS)]
"""The `/users` columns m001 created (a migration's schema never changes once released)."""

migrations = Migrations(SCHEMA_NAME)


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sync_ledger").create(
        {
            "dataset": str,
            "day": str,
            "fetched_at": str,
            "data_refreshed_at": str,
            "final": int,
            "row_count": int,
        },
        pk=("dataset", "day"),
        not_null={"dataset", "day", "fetched_at", "final", "row_count"},
    )
    db.table("user_activity").create(
        {
            "day": str,
            "user_id": str,
            "email": str,
            "is_active": int,
            "last_activity_date": str,
            **dict.fromkeys(_M001_ACTIVITY, int),
        },
        pk=("day", "user_id"),
        not_null={"day", "user_id", "is_active"},
    )
    db.table("summaries").create(
        {
            "day": str,
            **dict.fromkeys(SUMMARY_COUNTS, int),
            **dict.fromkeys(SUMMARY_RATES, float),
        },
        pk="day",
    )
    db.table("chat_projects").create(
        {
            "day": str,
            "project_id": str,
            "project_name": str,
            "distinct_user_count": int,
            "distinct_conversation_count": int,
            "message_count": int,
            "created_at": str,
            "created_by__id": str,
            "created_by__email_address": str,
        },
        pk=("day", "project_id"),
    )
    office_skill = {
        f"office_metrics__{app}__distinct_session_skill_used_count": int for app in _OFFICE_APPS
    }
    db.table("skills").create(
        {
            "day": str,
            "skill_name": str,
            "skill_display_name": str,
            "distinct_user_count": int,
            "chat_metrics__distinct_conversation_skill_used_count": int,
            "claude_code_metrics__distinct_session_skill_used_count": int,
            "cowork_metrics__distinct_session_skill_used_count": int,
            **office_skill,
            "invocation_count": int,
            "enable_count": int,
            "estimated_overage_spend_microcents": int,
            "attributed_list_price_microcents": int,
            "currency": str,
            "share_status": str,
        },
        pk=("day", "skill_name"),
    )
    office_connector = {
        f"office_metrics__{app}__distinct_session_connector_used_count": int for app in _OFFICE_APPS
    }
    db.table("connectors").create(
        {
            "day": str,
            "connector_name": str,
            "distinct_user_count": int,
            "chat_metrics__distinct_conversation_connector_used_count": int,
            "claude_code_metrics__distinct_session_connector_used_count": int,
            "cowork_metrics__distinct_session_connector_used_count": int,
            **office_connector,
            "read_call_count": int,
            "write_call_count": int,
            "unclassified_call_count": int,
        },
        pk=("day", "connector_name"),
    )
    per_user_keys = {"day": str, "user_id": str, "product": str, "model": str}
    db.table("user_usage").create(
        {**per_user_keys, **dict.fromkeys(USAGE_COLUMNS, int), "total_tokens": int},
        pk=("day", "user_id", "product", "model"),
    )
    db.table("user_cost").create(
        {
            **per_user_keys,
            "amount_microcents": int,
            "list_amount_microcents": int,
            "requests": int,
        },
        pk=("day", "user_id", "product", "model"),
        not_null={"amount_microcents", "list_amount_microcents"},
    )
    db.table("usage_buckets").create(
        {
            "day": str,
            "grouping": str,
            "product": str,
            "model": str,
            **dict.fromkeys(USAGE_COLUMNS, int),
        },
        pk=("day", "grouping", "product", "model"),
    )
    db.table("cost_buckets").create(
        {
            "day": str,
            "grouping": str,
            "product": str,
            "model": str,
            "cost_type": str,
            "token_type": str,
            "amount_microcents": int,
            "list_amount_microcents": int,
            "requests": int,
        },
        pk=("day", "grouping", "product", "model", "cost_type", "token_type"),
        not_null={"amount_microcents", "list_amount_microcents"},
    )
    db.table("directory").create(
        {"user_id": str, "email": str, "name": str, "deleted": int, "seen_on": str},
        pk="user_id",
    )
    db.table("user_activity").create_index(["user_id", "day"])
    db.table("user_activity").create_index(["day", "is_active"])
    db.table("user_cost").create_index(["user_id", "day"])
    db.table("user_usage").create_index(["user_id", "day"])
    db.table("directory").create_index(["email"])


@migrations()
def m002_per_user_indexes(db: Database) -> None:
    """Per-user questions read each user's days straight from an index (`bot.reports.sql`).

    Summing 10k users over a month with `GROUP BY user_id` (or `DISTINCT user_id`) sorted every
    row of the period in a temp B-tree. An index ordered by user and day that holds every column
    the reports read lets them seek each user's day range instead, never touching the table.
    Each leads with (user_id, day), so it replaces m001's (user_id, day) index of that table.
    """
    db.table("user_cost").create_index(
        [
            "user_id",
            "day",
            "product",
            "model",
            "amount_microcents",
            "list_amount_microcents",
            "requests",
        ],
        index_name="idx_user_cost_by_user",
    )
    db.execute("DROP INDEX IF EXISTS idx_user_cost_user_id_day")
    db.table("user_activity").create_index(
        ["user_id", "day", "is_active"], index_name="idx_user_activity_by_user"
    )
    db.execute("DROP INDEX IF EXISTS idx_user_activity_user_id_day")


@migrations()
def m003_sync_runs(db: Database) -> None:
    """Sync attempts are recorded apart from the data they wrote.

    Before this, "last synced" was the newest ledger `fetched_at`, so a sync that found nothing
    new (or failed) left the store looking stale for ever and every command synced again. A run
    row is written when a sync starts and completed when it ends, whatever it wrote; the
    refresher reads failures from here to back off, and `status` shows the last error.
    """
    db.table("sync_runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "outcome": str,
            "error_kind": str,
            "error": str,
            "requests": int,
            "rows_written": int,
        },
        pk="id",
        not_null={"started_at", "outcome"},
    )
    db.table("sync_runs").create_index(["finished_at"])
    last = db.execute("SELECT max(fetched_at) FROM sync_ledger").fetchone()[0]
    if last:  # a store synced before runs were recorded: its newest write was a good sync
        db.table("sync_runs").insert(
            {"started_at": last, "finished_at": last, "outcome": "ok", "requests": 0,
             "rows_written": 0}
        )  # fmt: skip
    db.table("notices").create(
        {"kind": str, "episode": str, "sent_at": str}, pk=("kind", "episode")
    )


@migrations()
def m004_api_fields(db: Database) -> None:
    """What the API really sends, per dataset, apart from what the reference documents.

    The real API leaves documented fields out and adds new ones. Each written batch records the
    fields its rows carried (their API names, `chat_metrics.message_count`), so `status` can list
    the documented fields this organisation's API never sent and the undocumented ones it did,
    and a sync can log each new difference once (`api_drift`), not once per row.
    """
    db.table("api_fields").create(
        {"dataset": str, "path": str, "first_seen": str, "last_seen": str},
        pk=("dataset", "path"),
    )
    db.table("api_drift").create(
        {"dataset": str, "path": str, "kind": str, "noticed_at": str},
        pk=("dataset", "path", "kind"),
    )


@migrations()
def m005_list_price_may_be_missing(db: Database) -> None:
    """`list_amount` is documented on every cost row, but real responses leave it out: only a cost
    row's `amount` identifies what was spent. A missing list price is NULL ("not reported"),
    never a failed day, so the column may no longer be NOT NULL."""
    for table in ("user_cost", "cost_buckets"):
        db.table(table).transform(not_null={"list_amount_microcents": False})


@migrations()
def m010_conversations(db: Database) -> None:
    """Asking Claude in a DM (issue 9): thread memory, per-question cost, and feedback.

    Memory lives in the store, not in the process, so a restart keeps a thread's context; the
    cost of every question is recorded so admins see what asking costs (`status`).
    """
    db.table("ask_turns").create(
        {"id": int, "thread": str, "role": str, "text": str, "tokens": int, "at": str},
        pk="id",
        not_null={"thread", "role", "text", "tokens", "at"},
    )
    db.table("ask_turns").create_index(["thread", "id"])
    db.table("ask_threads").create(
        {"thread": str, "user_id": str, "channel": str, "context_channel": str,
         "started_at": str, "updated_at": str},
        pk="thread",
    )  # fmt: skip
    db.table("ask_questions").create(
        {"id": int, "thread": str, "user_id": str, "asked_at": str, "mode": str, "model": str,
         "outcome": str, "rounds": int, "tool_calls": int, "input_tokens": int,
         "output_tokens": int, "cache_read_tokens": int, "cache_write_tokens": int,
         "cost_microcents": int, "figures": int, "unverified": str, "answer_ts": str},
        pk="id",
        not_null={"asked_at", "mode", "outcome"},
    )  # fmt: skip
    db.table("ask_questions").create_index(["asked_at"])
    db.table("ask_feedback").create(
        {"question_id": int, "user_id": str, "value": int, "at": str},
        pk=("question_id", "user_id"),
        not_null={"value", "at"},
    )


@migrations()
def m020_digests(db: Database) -> None:
    """Scheduled channel digests (`bot.digest`, `bot.scheduler`).

    `posts` is the exactly-once ledger (`bot.store.posts`): a row is claimed before a message is
    sent and marked after, so two processes, a restart or a retry never post one period twice.
    `digest_reported` remembers the spend each channel was told per day, so a later digest can
    say when a re-sync revised it.
    """
    db.table("digest_subscriptions").create(
        {
            "channel": str,
            "kind": str,
            "at": str,
            "tz": str,
            "weekday": int,
            "with_people": int,
            "product": str,
            "created_by": str,
            "created_at": str,
        },
        pk=("channel", "kind"),
        not_null={"channel", "kind", "at", "tz", "weekday", "with_people", "created_at"},
    )
    db.table("posts").create(
        {
            "channel": str,
            "kind": str,
            "period": str,
            "attempt": int,
            "state": str,
            "owner": str,
            "claimed_at": str,
            "lease_until": str,
            "ts": str,
            "posted_at": str,
            "done_at": str,
            "tries": int,
            "note": str,
        },
        pk=("channel", "kind", "period", "attempt"),
        not_null={"channel", "kind", "period", "attempt", "state", "claimed_at"},
    )
    db.table("digest_reported").create(
        {
            "channel": str,
            "scope": str,
            "day": str,
            "amount_microcents": int,
            "reported_at": str,
        },
        pk=("channel", "scope", "day"),
        not_null={"amount_microcents", "reported_at"},
    )


@migrations()
def m021_alerts(db: Database) -> None:
    """Budgets and alerts (`bot.budgets`, `bot.alerts`): one message per breach, updated in place.

    `alerts` holds the breach's message (channel, ts), the thresholds it shows (`level`) and who
    acknowledged or snoozed it; `alert_fired` has one row per threshold already notified, so
    each fires once whatever process evaluates it.
    """
    db.table("budgets").create(
        {"scope": str, "amount_microcents": int, "set_by": str, "set_at": str},
        pk="scope",
        not_null={"amount_microcents", "set_at"},
    )
    db.table("alerts").create(
        {
            "kind": str,
            "scope": str,
            "period": str,
            "level": str,
            "channel": str,
            "ts": str,
            "detail": str,
            "acknowledged_by": str,
            "acknowledged_at": str,
            "snoozed_by": str,
            "snoozed_until": str,
            "created_at": str,
            "updated_at": str,
        },
        pk=("kind", "scope", "period"),
        not_null={"level", "created_at"},
    )
    db.table("alert_fired").create(
        {"kind": str, "scope": str, "period": str, "threshold": str, "fired_at": str},
        pk=("kind", "scope", "period", "threshold"),
    )


_SLACK_SPELLINGS = ("claude-tag", "claude-in-slack", "claude_in_slack")


@migrations()
def m030_todays_api(db: Database) -> None:
    """Today's API (issue 20; the anthropic SDK 2.17 types are its contract).

    New `/users` and `/summaries` columns (Chat and Cowork unified, Claude Tag, artifacts
    created in Claude Code and Cowork), the breakdowns' unified blocks and connector display
    names. Product values get one spelling: Claude in Slack rows stored as `claude-tag` or
    `claude-in-slack` become `claude_tag`, and so do budgets and digests scoped to it. A store
    synced from one API has one spelling; should a key collide all the same, the old row keeps
    its spelling (OR IGNORE) rather than failing the store's opening.
    """
    for column in ("distinct_user_count", *TODAYS_ACTIVITY_METRICS):
        db.table("user_activity").add_column(column, int)
    for column in TODAYS_SUMMARY_COUNTS:
        db.table("summaries").add_column(column, int)
    for table, thing in (("skills", "skill"), ("connectors", "connector")):
        db.table(table).add_column(
            f"chat_cowork_unified_metrics__chat__distinct_conversation_{thing}_used_count", int
        )
        db.table(table).add_column(
            f"chat_cowork_unified_metrics__sessions__distinct_session_{thing}_used_count", int
        )
    db.table("connectors").add_column("connector_display_name", str)
    db.table("connectors").add_column("managed_auth_distinct_user_count", int)
    db.table("connectors").add_column("individual_auth_distinct_user_count", int)
    marks = ",".join("?" * len(_SLACK_SPELLINGS))
    for table in ("user_usage", "user_cost", "usage_buckets", "cost_buckets"):
        db.execute(
            f"UPDATE OR IGNORE [{table}] SET product = 'claude_tag' "  # noqa: S608
            f"WHERE product IN ({marks})",
            _SLACK_SPELLINGS,
        )
    db.execute(
        f"UPDATE OR IGNORE budgets SET scope = 'claude_tag' WHERE scope IN ({marks})",  # noqa: S608
        _SLACK_SPELLINGS,
    )
    db.execute(
        f"UPDATE OR IGNORE digest_subscriptions SET product = 'claude_tag' "  # noqa: S608
        f"WHERE product IN ({marks})",
        _SLACK_SPELLINGS,
    )


@migrations()
def m031_projects_and_api_state(db: Database) -> None:
    """`projects` for the new `/projects` endpoint (the new projects experience, apart from the
    classic chat projects), and `api_state` for what the API says about itself: its latest
    available engagement day and whether it has `/projects` (`bot.store.api_state`)."""
    db.table("projects").create(
        {
            "day": str,
            "project_id": str,
            "project_name": str,
            "project_status": str,
            "product": str,
            "distinct_user_count": int,
            "distinct_session_count": int,
            "message_count": int,
            "created_at": str,
            "created_by__user_id": str,
            "created_by__email_address": str,
            "created_by__type": str,
            "estimated_overage_spend_microcents": int,
            "attributed_list_price_microcents": int,
            "currency": str,
        },
        pk=("day", "project_id"),
    )
    db.table("api_state").create(
        {"key": str, "value": str, "learned_at": str},
        pk="key",
        not_null={"key", "value", "learned_at"},
    )


def open_store(path: str) -> Database:
    """Open (creating if needed) the store at `path` in WAL mode, with every migration applied.

    WAL lets reports read while a sync writes; `synchronous=NORMAL` is safe with WAL (a crash can
    lose the last transaction, never corrupt or half-apply one). A file this process cannot
    create or write raises `StoreAccessError` naming the path, the uid and the fix (SQLite's own
    "unable to open database file" names neither).
    """
    try:
        db = Database(path)
        if path != ":memory:":
            db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):  # another writer: a caller may wait and retry
            raise
        raise unwritable_store_error(path, exc) from None
    return db
