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


def test_a_store_command_never_imports_numpy(tmp_path: Path) -> None:
    done = _python(
        "-X", "importtime", "-m", "bot", "status", env={"CLAUDE_USAGE_DB": str(tmp_path / "s.db")}
    )
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "sqlite_utils.db" in imported
    assert not [name for name in imported if name.split(".")[0] == "numpy"]


def test_numpy_stays_importable_once_sqlite_utils_is_in() -> None:
    done = _python(
        "-c",
        "from bot.store.imports import import_sqlite_utils_without_numpy as first\n"
        "first()\n"
        "import sqlite_utils.db, numpy\n"
        "print(sqlite_utils.db.np, numpy.int64(3) + 1)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "4"]
