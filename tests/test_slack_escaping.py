"""Names from the API such as `<!channel>`, `<@U123ABC>` and `*bold*` reach Slack escaped on every
surface: command answers, buttons, App Home, DMs, errors and the notification text; bidi
overrides and terminal escape sequences in them do not reach Slack at all."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.console.render import blocks_to_text
from bot.controls import has_controls
from bot.digest.model import DigestSpec
from bot.digest.schedule import report_period
from bot.slack.digest_post import publish_digest
from bot.slack.once import Poster
from bot.store.schema import open_store
from tests.fakes.slack_env import ADMIN, GENERAL, HOSTILE, NOW, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

COMMANDS = (
    "top-spenders 60d --limit 100",
    "top-spenders 60d --list --limit 100",
    "spend 30d by model",
    "spend 30d by product",
    "tokens 30d by product",
    "adoption 30d",
    "projects 60d --limit 100",
    "skills 60d --limit 100",
    "connectors 60d --limit 100",
    "compare week",
    "compare month",
    "finance",
    "status",
    "export projects 60d --limit 100",
    "user <!channel>",
    "frobnicate <@U123ABC> <https://evil.example|click>",
)


def test_no_recorded_payload_contains_an_unescaped_api_string(slack_env: SlackEnv) -> None:
    for words in COMMANDS:
        slack_env.ask(words)
    event = {"type": "app_home_opened", "user": ADMIN, "channel": "D0HOME0001", "tab": "home"}
    slack_env.sender.event(event)
    slack_env.fake.wait_for("views.publish")
    strings = list(slack_env.sent_strings())
    everything = "\n".join(strings)
    # The adversarial names really were in the answers, escaped …
    assert "&lt;!channel&gt;" in everything
    assert "&lt;@U123ABC&gt;" in everything
    for lookalike in "∗ˍ∼ˋ":  # no look-alike characters: names copy out as they were sent
        assert lookalike not in everything
    # A bidi override or a terminal escape in a name is dropped, its visible text kept.
    assert "invoicegnp.exe" in everything
    assert "Budget red" in everything
    assert not [s[:120] for s in strings if has_controls(s)]
    # … and never live: no control sequence anywhere, no formatting outside code blocks (where
    # Slack shows `*bold*` as typed) and outside our literal tokens.
    outside_code = [re.sub(r"```.*?```", "", s, flags=re.DOTALL) for s in strings]
    for raw in HOSTILE:
        checked = outside_code if raw in ("*bold*", "_it_") else strings
        offenders = [s[:120] for s in checked if raw in s]
        assert not offenders, (raw, offenders)


def test_the_csv_keeps_names_exact(slack_env: SlackEnv) -> None:
    slack_env.ask("export projects 60d")
    (upload,) = slack_env.fake.requests("upload")
    text = upload.raw.decode("utf-8")
    assert "<!here>" in text  # a file is not mrkdwn: names are kept as the API sent them


def test_a_hostile_name_reads_and_copies_as_the_api_sent_it(slack_env: SlackEnv) -> None:
    """What a person sees in Slack (rendered like the console does) is the original string."""
    reply = slack_env.ask("projects 60d --limit 100")
    shown = blocks_to_text(reply.blocks)
    for name in ("<!here>", "*bold*", "_it_", "<https://evil.example|click>", "[/]"):
        assert name in shown, name
    (name_of_user_me,) = [
        line
        for line in blocks_to_text(slack_env.ask("help").blocks).splitlines()
        if 'user <@someone|email|"name"|me>' in line
    ]
    assert 'user <@someone|email|"name"|me>' in name_of_user_me


def test_chart_files_named_after_a_product_carry_no_controls(
    make_slack_env: Callable[..., SlackEnv], synced_store_path: Path, tmp_path: Path
) -> None:
    """A digest for one product titles its charts with the product's name, as the API spelled
    it: the files' titles and alt texts reach Slack without its bidi override or escape."""
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    product = "cowork\u202e\x1b[1m"
    with sqlite3.connect(store) as conn:
        for table in ("cost_buckets", "user_cost"):
            conn.execute(f"UPDATE {table} SET product = ? WHERE product = 'cowork'", (product,))  # noqa: S608
    env = make_slack_env(store=store)
    spec = DigestSpec(kind="daily", period=report_period("daily", NOW), product=product)
    db = open_store(str(store))
    try:
        poster = Poster(env.app.client, "test", now=lambda: NOW)
        run = publish_digest(poster, db, channel=GENERAL, spec=spec)
    finally:
        db.close()
    assert run.charts == 2
    alts = [r.body["alt_txt"] for r in env.fake.requests("files.getUploadURLExternal")]
    (done,) = env.fake.requests("files.completeUploadExternal")
    titles = [f["title"] for f in done.field_json("files")]
    assert len(alts) == len(titles) == 2
    assert "cowork spend" in titles[0]  # the product's name, its controls dropped
    for text in (*alts, *titles):
        assert not has_controls(text), text
