"""The real HTTP app (uvicorn + Bolt's Starlette adapter) receiving signed requests."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlite_utils import Database

from bot.reports.usage import SUBCOMMANDS
from bot.slack.answer import GENERIC_ERROR
from bot.store.schema import open_store
from tests.fakes.slack_env import ADMIN, SlackEnv
from tests.fakes.slack_env import DIGEST_CHANNEL as DIGEST

pytest_plugins = ["tests.fakes.slack_fixtures"]


def test_healthz(slack_env: SlackEnv) -> None:
    response = slack_env.sender.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}  # the test app is built without health info


def test_bad_signature_is_rejected_and_nothing_runs(slack_env: SlackEnv) -> None:
    body, _ = slack_env.sender.command_body("help", user_id=ADMIN)
    response = slack_env.sender.post(body, "application/x-www-form-urlencoded", secret="wrong")
    assert response.status_code == 401
    stale = int(time.time()) - 10 * 60
    response = slack_env.sender.post(body, "application/x-www-form-urlencoded", timestamp=stale)
    assert response.status_code == 401
    unsigned = slack_env.sender.http.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert unsigned.status_code == 401
    # A good request afterwards is answered, and it is the only answer that reached Slack.
    slack_env.ask("help")
    assert len(slack_env.fake.requests("response")) == 1
    sent = {r.method for r in slack_env.fake.requests()}
    assert sent <= {"auth.test", "users.info", "usergroups.users.list", "response"}


def test_help_lists_every_subcommand(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("help")
    text = "\n".join(b["text"]["text"] for b in reply.blocks if b["type"] == "section")
    for sub in SUBCOMMANDS:
        assert sub in text, sub
    assert reply.body["response_type"] == "ephemeral"


def test_empty_command_shows_help(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("")
    assert "top-spenders" in str(reply.blocks)


def test_unknown_subcommand_is_one_sentence(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("frobnicate <!channel>")
    text = reply.blocks[0]["text"]["text"]
    assert text.startswith(":warning:")
    assert "is not a /claude-usage subcommand" in text
    assert "<!channel>" not in str(reply.body)
    assert "Traceback" not in str(reply.body)


def test_bad_period_names_the_rule(slack_env: SlackEnv) -> None:
    reply = slack_env.ask("spend 2025-01-01..2025-01-31")
    assert "2026-01-01" in reply.text


def test_slash_command_retry_with_same_trigger_is_answered_once(slack_env: SlackEnv) -> None:
    body, key = slack_env.sender.command_body("help", user_id=ADMIN, trigger_id="42.same.trigger")
    first = slack_env.sender.post(body, "application/x-www-form-urlencoded")
    again = slack_env.sender.post(
        body, "application/x-www-form-urlencoded", headers={"X-Slack-Retry-Num": "1"}
    )
    assert first.status_code == again.status_code == 200
    slack_env.responses(key, 1)
    # A later, different command is answered; the duplicate never was.
    slack_env.ask("help")
    assert len(slack_env.fake.requests("response")) == 2
    assert len([r for r in slack_env.fake.requests("response") if r.path.endswith(key)]) == 1


def test_event_retries_are_deduplicated(slack_env: SlackEnv) -> None:
    event = {"type": "app_home_opened", "user": ADMIN, "channel": "D0HOME", "tab": "home"}
    assert slack_env.sender.event(event, event_id="Ev0DUP").status_code == 200
    assert slack_env.sender.event(event, event_id="Ev0DUP", retry_num=1).status_code == 200
    assert slack_env.sender.event(event, event_id="Ev0DUP", retry_num=2).status_code == 200
    slack_env.fake.wait_for("views.publish")
    assert slack_env.sender.event(event, event_id="Ev0OTHER").status_code == 200
    slack_env.fake.wait_for("views.publish", 2)
    assert len(slack_env.fake.requests("views.publish")) == 2


class GatedRefresher:
    """The first sync of an EMPTY store; it finishes only when the test opens the gate (it then
    copies the synced store in), so the ack and the progress note are measured while the work
    is provably still running."""

    def __init__(self, source: Path, target: Path) -> None:
        self.source, self.target = source, target
        self.gate = threading.Event()
        self.done = threading.Event()
        self.started = 0

    @property
    def running(self) -> bool:
        return self.started > 0 and not self.done.is_set()

    def refresh_in_background(self, db: Database) -> str:
        if self.done.is_set():
            return "fresh"
        if self.started:
            return "running"
        self.started += 1
        threading.Thread(target=self._sync, daemon=True).start()
        return "started"

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(30 if timeout is None else timeout)

    def _sync(self) -> None:
        assert self.gate.wait(timeout=30)
        with sqlite3.connect(self.source) as src, sqlite3.connect(self.target) as dst:
            src.backup(dst)
        self.done.set()


@pytest.fixture
def empty_env(
    make_slack_env: Callable[..., SlackEnv], synced_store_path: Path, tmp_path: Path
) -> tuple[SlackEnv, GatedRefresher]:
    target = tmp_path / "empty.db"
    open_store(str(target)).close()
    refresher = GatedRefresher(synced_store_path, target)
    return make_slack_env(refresher=refresher, store=target), refresher


def test_ack_is_immediate_and_progress_precedes_the_first_answer(
    empty_env: tuple[SlackEnv, GatedRefresher],
) -> None:
    env, refresher = empty_env
    env.ask("help")  # warm-up: Bolt's first auth.test happens here
    started = time.perf_counter()
    response, key = env.sender.command("spend 7d", user_id=ADMIN)
    acked = time.perf_counter() - started
    assert response.status_code == 200
    assert acked < 0.5, f"ack took {acked:.3f}s"
    (working,) = env.responses(key, 1)  # sent while the first sync is still blocked
    assert "Working on it" in working.text
    assert not refresher.done.is_set()
    refresher.gate.set()
    answer = env.responses(key, 2)[-1]
    assert "Spend" in answer.text
    assert answer.body["replace_original"] is True


class ExplodingRefresher:
    running = False

    def refresh_in_background(self, db: Database) -> str:
        raise RuntimeError("/srv/secret/path exploded")

    def wait(self, timeout: float | None = None) -> bool:
        return True


def test_unexpected_errors_become_one_generic_sentence(
    make_slack_env: Callable[..., SlackEnv],
) -> None:
    env = make_slack_env(refresher=ExplodingRefresher())
    response, key = env.sender.command("spend 7d", user_id=ADMIN)
    assert response.status_code == 200
    (answer,) = env.responses(key, 1)
    assert GENERIC_ERROR in answer.text
    assert "secret" not in str(answer.body)
    assert "Traceback" not in str(answer.body)


def test_get_on_events_is_not_allowed(slack_env: SlackEnv) -> None:
    response = httpx.get(str(slack_env.sender.http.base_url) + "/slack/events")
    assert response.status_code == 405


def test_a_shared_answer_removes_the_private_progress_note(
    empty_env: tuple[SlackEnv, GatedRefresher],
) -> None:
    env, refresher = empty_env
    refresher.gate.set()
    response, key = env.sender.command("adoption 7d --share", user_id=ADMIN, channel_id=DIGEST)
    assert response.status_code == 200
    working, delete, shared = env.responses(key, 3)
    assert "Working on it" in working.text
    assert delete.body["delete_original"] is True
    assert shared.body["response_type"] == "in_channel"


def test_a_button_on_an_empty_store_shows_progress_in_place(
    empty_env: tuple[SlackEnv, GatedRefresher],
) -> None:
    env, refresher = empty_env
    response, key = env.sender.action(
        "spend 30d", user_id=ADMIN, action_id="claude_usage.period.30d"
    )
    assert response.status_code == 200
    (working,) = env.responses(key, 1)
    assert "Working on it" in working.text
    refresher.gate.set()
    answer = env.responses(key, 2)[-1]
    assert working.body["replace_original"] is answer.body["replace_original"] is True
    assert answer.text.startswith("Spend, last 30 days")


def test_events_url_verification_challenge(slack_env: SlackEnv) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    response = slack_env.sender.post(body.encode(), "application/json")
    assert response.status_code == 200
    assert challenge in response.text
