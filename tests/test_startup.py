"""What a command imports before it does anything: start-up is part of every wait."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_sync_that_sends_nothing_imports_neither_numpy_nor_the_sdk(tmp_path: Path) -> None:
    # With a blank key the command stops, with its message, after importing its client; the
    # SDK (about a second) is imported only when the client sends its first request.
    done = _python(
        "-X",
        "importtime",
        "-m",
        "bot",
        "sync",
        "--only",
        "users",
        env={
            "CLAUDE_USAGE_DB": str(tmp_path / "s.db"),
            "CLAUDE_ANALYTICS_BASE_URL": "http://127.0.0.1:9",
            "CLAUDE_ANALYTICS_API_KEY": "",
        },
    )
    assert "CLAUDE_ANALYTICS_API_KEY is not set" in done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert {"sqlite_utils.db", "bot.analytics.client"} <= imported
    # (a hidden module is still listed, as a 0 µs lookup: what it would import is not)
    hidden = {"numpy", "numpy.core", "rich", "rich.console", "pygments"}
    assert not (hidden | {"anthropic", "httpx", "httpx2"}) & imported


def test_a_request_loads_the_sdk_but_not_the_httpx2_command_line() -> None:
    done = _python(
        "-c",
        "import sys\n"
        "from pydantic import SecretStr\n"
        "from bot.analytics.session import ApiSession\n"
        "from bot.analytics.retry import RetryPolicy\n"
        "from bot.analytics.errors import ApiUnavailableError\n"
        "s = ApiSession(base_url='http://127.0.0.1:9', api_key=SecretStr('k'), timeout=1,\n"
        "               retry=RetryPolicy(max_attempts=1), max_connections=1)\n"
        "try:\n"
        "    s.get('users', [('date', '2026-11-02')])\n"
        "except ApiUnavailableError as exc:\n"
        "    print(type(exc).__name__)\n"
        "print(*(m in sys.modules for m in ('anthropic', 'httpx2', 'httpx2._main', 'rich')))",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ApiUnavailableError", "True", "True", "False", "False"]


def test_the_hidden_extras_stay_importable_once_their_importers_are_in() -> None:
    done = _python(
        "-c",
        "from bot.startup import import_lean\n"
        "import_lean()\n"
        "import sqlite_utils.db, numpy\n"
        "print(sqlite_utils.db.np, numpy.int64(3) + 1)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "4"]


def test_a_command_exits_without_the_last_collection() -> None:
    # An atexit handler registered before the command runs after it: by then every live object
    # must be frozen, which is what keeps CPython's last collection from walking them.
    done = _python(
        "-c",
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 10_000))\n"
        "sys.argv = ['claude-usage', 'version']\n"
        "from bot.cli import main\n"
        "main()",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["frozen", "True"]
