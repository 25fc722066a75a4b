"""Every `/claude-usage` subcommand through the real HTTP app, with figures checked against the
store the answer was computed from."""

from __future__ import annotations

import csv
import io
import sqlite3
from decimal import Decimal

import pytest

from bot.console.render import blocks_to_text
from bot.reports.commands import parse_command
from bot.reports.dispatch import run_command
from bot.reports.usage import SUBCOMMANDS
from bot.slack.blocks import render
from bot.store.money import format_usd
from bot.store.schema import open_store
from tests.fakes.slack_env import ADMIN, GENERAL, TODAY, USER, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

WEEK = ("2026-11-13", "2026-11-19")  # `7d` on Nov 20: the 7 complete days before today


def scalar(env: SlackEnv, sql: str, *params: object) -> int:
    with sqlite3.connect(env.store_path) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def text_of(env: SlackEnv, words: str, user: str = ADMIN) -> str:
    return blocks_to_text(env.ask(words, user).blocks)


def expected(env: SlackEnv, words: str) -> list[dict[str, object]]:
    db = open_store(str(env.store_path))
    result = run_command(parse_command(words, today=TODAY), db, today=TODAY, seat_price_cents=3000)
    return render(result, today=TODAY).blocks


@pytest.mark.parametrize(
    "words",
    [
        "top-spenders 7d",
        "top-spenders 30d --list --limit 5",
        "spend 7d",
        "spend last-week by product",
        "tokens 7d by model",
        "adoption 30d",
        "projects 30d",
        "skills 30d",
        "connectors mtd",
        "compare week",
        "finance",
        "status",
    ],
)
def test_each_report_answers_with_the_rendered_report(slack_env: SlackEnv, words: str) -> None:
    reply = slack_env.ask(words)
    assert reply.blocks == expected(slack_env, words)
    assert reply.body["response_type"] == "ephemeral"
    assert reply.text


def test_every_subcommand_is_covered_here_or_elsewhere() -> None:
    covered = {"help", "top-spenders", "spend", "tokens", "adoption", "user", "projects", "skills"}
    covered |= {"connectors", "compare", "finance", "status", "export"}
    covered |= {"digest", "budget"}  # tests/test_slack_manage.py
    assert set(SUBCOMMANDS) == covered


def test_top_spenders_figures_match_the_store(slack_env: SlackEnv) -> None:
    total = scalar(
        slack_env,
        "SELECT sum(amount_microcents) FROM user_cost WHERE day BETWEEN ? AND ?",
        *WEEK,
    )
    top = scalar(
        slack_env,
        "SELECT sum(amount_microcents) AS s FROM user_cost WHERE day BETWEEN ? AND ? "
        "GROUP BY user_id ORDER BY s DESC LIMIT 1",
        *WEEK,
    )
    text = text_of(slack_env, "top-spenders 7d")
    assert f"{format_usd(total)} across" in text
    first_row = next(line for line in text.splitlines() if line.strip().startswith("1."))
    assert format_usd(top) in first_row


def test_spend_total_matches_the_org_total(slack_env: SlackEnv) -> None:
    org = scalar(
        slack_env,
        "SELECT sum(amount_microcents) FROM cost_buckets WHERE grouping = '' "
        "AND day BETWEEN ? AND ?",
        *WEEK,
    )
    assert f"Spend: {format_usd(org)}" in text_of(slack_env, "spend 7d")


def test_user_by_mention_is_resolved_through_slack(slack_env: SlackEnv) -> None:
    reply = slack_env.ask(f"user <@{USER}|someone> 7d")
    assert any(r.body.get("user") == USER for r in slack_env.fake.requests("users.info"))
    spend = scalar(
        slack_env,
        "SELECT sum(c.amount_microcents) FROM user_cost c JOIN directory d USING (user_id) "
        "WHERE lower(d.email) = ? AND c.day BETWEEN ? AND ?",
        slack_env.user_email.lower(),
        *WEEK,
    )
    assert f"Spend: {format_usd(spend)}" in blocks_to_text(reply.blocks)


def test_user_by_email(slack_env: SlackEnv) -> None:
    words = f"user {slack_env.user_email} 7d"
    assert slack_env.ask(words).blocks == expected(slack_env, words)


def test_export_uploads_exact_csv_to_the_requesters_dm(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("export top-spenders 7d")
    assert "CSV export" in reply.text
    (opened,) = slack_env.fake.requests("conversations.open")
    assert opened.body["users"] == ADMIN
    (upload,) = slack_env.fake.requests("upload")
    (complete,) = slack_env.fake.requests("files.completeUploadExternal")
    assert complete.body["channel_id"] == "D" + ADMIN[1:]
    rows = list(csv.reader(io.StringIO(upload.raw.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    spenders = scalar(
        slack_env,
        "SELECT count(DISTINCT user_id) FROM user_cost WHERE day BETWEEN ? AND ? "
        "AND amount_microcents > 0",
        *WEEK,
    )
    assert len(body) == spenders  # every spender, not the 10 a message shows
    cents_columns = [i for i, name in enumerate(header) if name.endswith("_cents")]
    assert cents_columns
    total_cents = sum((Decimal(row[cents_columns[0]]) for row in body), Decimal(0))
    assert total_cents == total_cents.quantize(Decimal("0.000001"))  # exact, six decimals
    user_total = scalar(
        slack_env,
        "SELECT sum(amount_microcents) FROM user_cost WHERE day BETWEEN ? AND ?",
        *WEEK,
    )
    assert total_cents * 1_000_000 == user_total  # to the micro-cent


def test_share_in_a_digest_channel_posts_in_channel(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("top-spenders 7d --share", channel_id="C0DIGEST01")
    assert reply.body["response_type"] == "in_channel"


def test_share_elsewhere_stays_ephemeral_and_says_where_it_could_go(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("top-spenders 7d --share", channel_id=GENERAL)
    assert reply.body["response_type"] == "ephemeral"
    assert "<#C0DIGEST01>" in reply.blocks[-1]["elements"][0]["text"]


def test_org_spend_is_shared_only_by_an_admin_in_a_digest_channel(slack_env: SlackEnv) -> None:
    """The README's rule holds for every answer: organisation spend posted into a public or
    Slack Connect channel is as much a leak as per-user data."""
    for words in ("finance --share", "adoption 7d --share", "spend 7d --share"):
        reply = slack_env.ask(words, USER, channel_id=GENERAL)
        assert reply.body["response_type"] == "ephemeral", words
        note = reply.blocks[-1]["elements"][0]["text"]
        assert "Only you can see this: Claude usage admins can share answers in <#C0DIGEST01>" in (
            note
        )
        reply = slack_env.ask(words, USER, channel_id="C0DIGEST01")  # not an admin
        assert reply.body["response_type"] == "ephemeral", words
        reply = slack_env.ask(words, ADMIN, channel_id=GENERAL)  # an admin, wrong channel
        assert reply.body["response_type"] == "ephemeral", words
        reply = slack_env.ask(words, ADMIN, channel_id="C0DIGEST01")
        assert reply.body["response_type"] == "in_channel", words


def test_share_user_me_works_wherever_share_is_typed(slack_env: SlackEnv) -> None:
    for words in ("--share user me 7d", "user me --share 7d", "user me 7d --share"):
        reply = slack_env.ask(words, USER, channel_id=GENERAL)
        assert reply.body["response_type"] == "ephemeral"
        assert ":warning:" not in reply.text, reply.text
        assert ", last 7 days: $" in reply.text, reply.text  # the asker's own profile


def test_show_more_button_replaces_the_ephemeral_answer(slack_env: SlackEnv) -> None:
    first = slack_env.ask("top-spenders 7d")
    buttons = {
        e["action_id"]: e["value"]
        for b in first.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }
    value = buttons["claude_usage.more"]
    response, key = slack_env.sender.action(value, user_id=ADMIN)
    assert response.status_code == 200
    (reply,) = slack_env.responses(key)
    assert reply.body["replace_original"] is True
    assert reply.blocks == expected(slack_env, value)


def test_export_button_answers_with_a_new_message(slack_env: SlackEnv) -> None:
    response, key = slack_env.sender.action(
        "export spend 7d", user_id=ADMIN, action_id="claude_usage.export"
    )
    assert response.status_code == 200
    (reply,) = slack_env.responses(key)
    assert reply.body["replace_original"] is False
    slack_env.fake.wait_for("files.completeUploadExternal")


def test_an_unknown_subcommand_answers_with_the_full_usage(slack_env: SlackEnv) -> None:
    """Slack is as helpful as the terminal: the usage, not just "try help"."""
    reply = slack_env.ask("frobnicate")
    shown = blocks_to_text(reply.blocks)
    assert "frobnicate is not a /claude-usage subcommand." in shown  # `frobnicate` as code
    for sub in SUBCOMMANDS:
        assert f"  {sub}" in shown, sub
    near = blocks_to_text(slack_env.ask("top-spender 7d").blocks)
    assert "Did you mean top-spenders?" in near
    compare = blocks_to_text(slack_env.ask("compare wek").blocks)
    assert "Did you mean week?" in compare
    assert "compare [week|month|period]" in compare  # the lines about `compare`


def test_a_non_admin_sees_products_only_where_five_people_use_them(slack_env: SlackEnv) -> None:
    with sqlite3.connect(slack_env.store_path) as conn:
        people = dict(
            conn.execute(
                "SELECT product, count(DISTINCT user_id) FROM user_cost "
                "WHERE day BETWEEN ? AND ? GROUP BY product",
                WEEK,
            ).fetchall()
        )
    small = [p for p, n in people.items() if n < 5 and p not in ("", "(none)")]
    assert small, "the fixture org should have a product with fewer than 5 users"
    admin = text_of(slack_env, "spend 7d by product")
    everyone = text_of(slack_env, "spend 7d by product", USER)
    assert "Fewer than 5 people each" in everyone
    assert "Fewer than 5 people each" not in admin
    assert "fewer than 5 people" in everyone  # the note says why
    spend_line = next(line for line in admin.splitlines() if line.startswith("Spend:"))
    assert spend_line in everyone  # the organisation total is the same for everyone
