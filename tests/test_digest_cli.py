"""`claude-usage digest preview|run` and the scheduler inside `serve`, as real processes."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.digest.cli import register
from bot.store.schema import open_store
from bot.store.subscriptions import Subscription, save_subscription
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import ADMIN, DIGEST_CHANNEL, GENERAL, SECRET

pytest_plugins = ["tests.fakes.slack_fixtures"]

ROOT = Path(__file__).resolve().parents[1]


def cli_env(store: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CLAUDE_USAGE_DB": str(store), **extra}


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def store(synced_store_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copy(synced_store_path, path)
    return path


def test_preview_writes_json_text_and_two_charts(store: Path, tmp_path: Path) -> None:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Root."""

    register(app)
    out = tmp_path / "preview"
    for kind in ("daily", "weekly"):
        result = CliRunner().invoke(
            app,
            ["digest", "preview", "--kind", kind, "--out", str(out), "--day", "2026-11-19"],
            env={"CLAUDE_USAGE_DB": str(store)},
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Claude {kind} digest · ")
        payload = json.loads((out / f"digest-{kind}.json").read_text())
        assert payload["blocks"][0]["type"] == "header"
        assert (out / f"digest-{kind}.txt").read_text() == result.stdout.removesuffix("\n")
    assert "Claude daily digest · Thu Nov 19" in (out / "digest-daily.txt").read_text()
    assert "Nov 16 – Nov 22, 2026" in (out / "digest-weekly.txt").read_text()
    for chart in ("spend-by-product.png", "active-users.png"):
        assert (out / chart).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_preview_of_a_bad_kind_is_a_usage_error(store: Path, tmp_path: Path) -> None:
    process = start(["digest", "preview", "--kind", "hourly"], cli_env(store), tmp_path)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.strip() == "error: --kind must be daily or weekly, not 'hourly'."


@pytest.mark.parametrize("product", ["<!channel>", "*bold*", "claude code"])
def test_preview_of_a_product_that_is_no_name_is_a_usage_error(
    store: Path, tmp_path: Path, product: str
) -> None:
    """The same check as `/claude-usage digest subscribe --product` (it once went straight into
    the digest's title, with a made-up $0.00)."""
    out = tmp_path / "preview"
    args = ["digest", "preview", "--day", "2026-11-19", "--out", str(out), "--product", product]
    process = start(args, cli_env(store), tmp_path)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stdout
    assert stderr.strip() == f"error: `{product}` is not a valid product name."
    assert not out.exists()


def test_preview_reads_a_product_alias_as_the_slash_command_does(
    store: Path, tmp_path: Path
) -> None:
    args = ["digest", "preview", "--day", "2026-11-19", "--out", str(tmp_path), "--product", "CC"]
    process = start(args, cli_env(store), tmp_path)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert stdout.startswith("Claude Code daily digest · Thu Nov 19")


def test_two_runs_started_together_post_once(store: Path, tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = cli_env(
            store,
            SLACK_BOT_TOKEN="xoxb-cli",
            SLACK_API_URL=fake.api_url,
            CLAUDE_USAGE_DIGEST_CHANNELS=DIGEST_CHANNEL,
        )
        args = ["digest", "run", "--channel", DIGEST_CHANNEL, "--day", "2026-11-19"]
        first, second = start(args, env, tmp_path), start(args, env, tmp_path)
        outputs = [p.communicate(timeout=120) for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outputs
        said = [out.strip() for out, _ in outputs]
        what = f"daily digest for 2026-11-19 in {DIGEST_CHANNEL}"
        posted = [s for s in said if s.startswith(f"Posted the {what}")]
        later = [s for s in said if s not in posted]
        assert len(posted) == 1, said
        assert later[0].startswith(
            (f"The {what} was already posted", f"The {what} was already in Slack")
        ), said
        top = [r for r in fake.requests("chat.postMessage") if not r.body.get("thread_ts")]
        assert len(top) == 1
        assert len(fake.requests("files.completeUploadExternal")) == 1


def test_run_posts_only_to_a_digest_channel(store: Path, tmp_path: Path) -> None:
    """The rule `--share` and `digest subscribe` follow (`may_post_figures`)."""
    with FakeSlack() as fake:
        env = cli_env(
            store,
            SLACK_BOT_TOKEN="xoxb-cli",
            SLACK_API_URL=fake.api_url,
            CLAUDE_USAGE_DIGEST_CHANNELS=DIGEST_CHANNEL,
        )
        args = ["digest", "run", "--channel", GENERAL, "--day", "2026-11-19", "--force"]
        process = start(args, env, tmp_path)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 2
        assert stderr.strip() == (
            f"error: {GENERAL} is not a digest channel: digests, like answers shared with "
            f"--share, go only to CLAUDE_USAGE_DIGEST_CHANNELS ({DIGEST_CHANNEL})."
        )
        assert fake.requests("chat.postMessage") == []


def test_serve_posts_a_due_digest_from_its_scheduler(store: Path, tmp_path: Path) -> None:
    """A subscription whose time passed a minute ago: `serve` catches it up at start."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    db = open_store(str(store))
    save_subscription(
        db, Subscription(DIGEST_CHANNEL, "daily", due, "UTC"), now=now - timedelta(days=2)
    )
    db.close()
    with FakeSlack() as fake:
        env = cli_env(
            store,
            SLACK_BOT_TOKEN="xoxb-serve",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            CLAUDE_USAGE_ADMINS=ADMIN,
            CLAUDE_USAGE_DIGEST_CHANNELS=DIGEST_CHANNEL,
            PORT="0",
        )
        process = start(["serve"], env, tmp_path)
        lines: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        stderr = process.stderr

        def pump() -> None:
            for line in stderr:
                lines.put(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            (post,) = fake.wait_for(
                "chat.postMessage", where=lambda r: not r.body.get("thread_ts"), timeout=60
            )
            assert post.body["channel"] == DIGEST_CHANNEL
            assert "Claude daily digest" in post.text
            fake.wait_for("files.completeUploadExternal", timeout=60)
        finally:
            process.terminate()
            process.wait(timeout=30)
            reader.join(timeout=30)
            stderr.close()
            assert process.stdout is not None
            process.stdout.close()
        seen = []
        while not lines.empty():
            seen.append(lines.get())
        assert any("scheduler running (digests every minute, no alerts)" in x for x in seen)
