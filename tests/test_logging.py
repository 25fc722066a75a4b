"""One log format: JSON lines off a terminal, an id on every line, and secrets never printed.

The formatter is tested on its own; then whole runs are scanned as an operator's log pipeline
would see them: `claude-usage demo` without a TTY, and syncs failing with a wrong key and with
the API answering 5xx. The keys and tokens given in the environment must appear nowhere.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from time import time
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.config import LogSettings, Settings
from bot.logging_setup import (
    BOLT_TOKEN_NOTICE,
    REJECTED_SENTENCE,
    ContextExecutor,
    configure_logging,
    log_context,
)
from bot.simulator.server import RunningSimulator
from tests.fakes.anthropic_api import FakeAnthropic

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {
    "CLAUDE_ANALYTICS_API_KEY": "sk-ant-admin01-analytics-SECRET-0123456789",
    "ANTHROPIC_API_KEY": "sk-ant-api03-anthropic-SECRET-0123456789",
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-bot-SECRET-0123456789",
    "SLACK_APP_TOKEN": "xapp-1-A0FAKE-3333-app-SECRET-0123456789",
    "SLACK_SIGNING_SECRET": "signing-SECRET-0123456789abcdef",
}


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def captured(fmt: str, **kwargs: Any) -> io.StringIO:
    out = io.StringIO()
    configure_logging(fmt, stream=out, service=True, **kwargs)  # type: ignore[arg-type]
    return out


def test_json_lines_carry_utc_time_level_logger_and_the_id(restore_logging: None) -> None:
    out = captured("json")
    log = logging.getLogger("bot.test")
    log.info("outside")
    with log_context("job-digests-0badcafe"):
        log.warning("inside %s", "it")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["level"], r["id"], r["msg"]) for r in lines] == [
        ("INFO", "-", "outside"),
        ("WARNING", "job-digests-0badcafe", "inside it"),
        ("ERROR", "job-digests-0badcafe", "failed"),
    ]
    assert all(r["ts"].endswith("Z") and r["logger"] == "bot.test" for r in lines)
    assert "ValueError: boom" in lines[2]["exc"]


def test_text_lines_for_people(restore_logging: None) -> None:
    out = captured("text")
    with log_context("req-12345678"):
        logging.getLogger("bot.test").info("hello")
    (line,) = out.getvalue().splitlines()
    stamp, level, name, log_id, message = line.split(maxsplit=4)
    assert stamp.endswith("Z")
    assert (level, name, log_id, message) == ("INFO", "bot.test", "[req-12345678]", "hello")


def test_auto_is_json_off_a_terminal(restore_logging: None) -> None:
    out = captured("auto")
    logging.getLogger("bot.test").info("piped")
    assert json.loads(out.getvalue())["msg"] == "piped"


def test_work_handed_to_a_pool_keeps_the_id(restore_logging: None) -> None:
    out = captured("json")
    seen = threading.Event()

    def work() -> None:
        logging.getLogger("bot.test").info("in the pool")
        seen.set()

    with ContextExecutor(max_workers=1) as pool, log_context("req-feedf00d"):
        pool.submit(work).result(timeout=10)
    assert seen.is_set()
    assert json.loads(out.getvalue())["id"] == "req-feedf00d"


def test_secrets_are_scrubbed_from_every_line(restore_logging: None) -> None:
    secret = SECRETS["SLACK_BOT_TOKEN"]
    out = captured("json", hidden=[secret, "short"])
    log = logging.getLogger("bot.test")
    log.error("token %s in a message", secret)
    try:
        raise RuntimeError(f"the token was {secret}")
    except RuntimeError:
        log.exception("and in a traceback")
    text = out.getvalue()
    assert secret not in text
    assert text.count("[redacted]") == 2
    assert "short" not in text.replace("[redacted]", "")  # nothing else was touched: no "short"


def test_probes_are_not_logged_but_events_are(restore_logging: None) -> None:
    out = captured("json")
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)
    for path in ("/healthz", "/readyz?verbose=1", "/slack/events"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
    lines = [json.loads(line)["msg"] for line in out.getvalue().splitlines()]
    assert lines == ['127.0.0.1:5000 - "GET /slack/events HTTP/1.1" 200']


def test_the_token_notice_we_silence_is_bolts_own_wording() -> None:
    assert warning_client_prioritized_and_token_skipped() == BOLT_TOKEN_NOTICE


def test_bolt_logs_neither_a_rejected_body_nor_the_token_notice(restore_logging: None) -> None:
    out = captured("json")
    token = SECRETS["SLACK_BOT_TOKEN"]
    app = App(  # a token and a client: what serve does when SLACK_BOT_TOKEN is set
        token=token,
        client=WebClient(token=token),
        signing_secret=SECRETS["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )
    forged = BoltRequest(
        body="command=%2Fclaude-usage&text=ATTACKER-CONTROLLED-TEXT",
        headers={"x-slack-signature": "v0=forged", "x-slack-request-timestamp": str(int(time()))},
    )
    assert app.dispatch(forged).status == 401
    messages = [json.loads(line)["msg"] for line in out.getvalue().splitlines()]
    assert messages == [REJECTED_SENTENCE]


def test_log_settings_hide_every_secret_settings_holds() -> None:
    secret_fields = {
        name
        for name, field in Settings.model_fields.items()
        if "SecretStr" in str(field.annotation)
    }
    assert secret_fields <= set(LogSettings.model_fields)
    values = {name: f"value-of-{name}" for name in secret_fields}
    assert sorted(LogSettings(**values).hidden()) == sorted(values.values())  # type: ignore[arg-type]


# --- whole runs, scanned for secrets ----------------------------------------------------------


def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 240) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, done.stdout + done.stderr


def assert_no_secret(output: str) -> None:
    for name, value in SECRETS.items():
        assert value not in output, f"{name} appeared in the output"


def log_lines(output: str) -> list[dict[str, Any]]:
    """The JSON log lines in `output` (stdout's text and stderr's lines are interleaved)."""
    found = []
    for line in output.splitlines():
        if line.startswith('{"ts": '):
            found.append(json.loads(line))
    return found


def test_a_whole_demo_prints_no_secret(tmp_path: Path) -> None:
    with FakeAnthropic(["Donald spent most.", "Mostly Claude Code."],
                       api_key=SECRETS["ANTHROPIC_API_KEY"]) as claude:  # fmt: skip
        env = {**SECRETS, "ANTHROPIC_BASE_URL": claude.base_url, "TMPDIR": str(tmp_path)}
        code, output = run_cli("demo", "--users", "12", env=env, cwd=tmp_path)
        assert code == 0, output[-2000:]
        assert len(claude.requests()) >= 2  # the questions really went to "Claude" with the key
    assert "Donald spent most." in output
    assert_no_secret(output)


@pytest.mark.parametrize(
    ("server", "key"),
    [
        pytest.param({}, "sk-ant-admin01-WRONG-key-0123456789", id="wrong-key"),
        pytest.param({"fail_rate": 1.0}, None, id="5xx"),
    ],
)
def test_a_failing_sync_prints_no_secret(
    make_simulator: Callable[..., RunningSimulator],
    tmp_path: Path,
    server: dict[str, Any],
    key: str | None,
) -> None:
    sim = make_simulator(api_key=SECRETS["CLAUDE_ANALYTICS_API_KEY"], **server)
    env = {
        **SECRETS,
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_USAGE_DB": str(tmp_path / "store.db"),
        "CLAUDE_USAGE_LOG_FORMAT": "json",
    }
    hidden = dict(SECRETS)
    if key is not None:
        env["CLAUDE_ANALYTICS_API_KEY"] = hidden["the wrong key"] = key
    code, output = run_cli(
        "sync", "--only", "summaries", "--since", "2026-11-01", env=env, cwd=tmp_path
    )
    assert code == 1, output[-2000:]
    assert output.strip().splitlines()[-1].startswith("error: ")
    assert log_lines(output) or key is not None  # the 5xx run logged its failures as JSON
    for name, value in hidden.items():
        assert value not in output, f"{name} appeared in the output"


def test_an_unknown_log_format_is_one_sentence(tmp_path: Path) -> None:
    code, output = run_cli("status", env={"CLAUDE_USAGE_LOG_FORMAT": "xml"}, cwd=tmp_path)
    assert code == 1
    assert output.strip() == "error: CLAUDE_USAGE_LOG_FORMAT 'xml' must be json, text or auto."
    assert LogSettings(log_format="JSON").log_format == "json"
