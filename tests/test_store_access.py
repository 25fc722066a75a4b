"""A store the process cannot write is named with its path, the uid and the fix, never as a bare
`sqlite3.OperationalError: unable to open database file` (issue 23)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store.access import StoreAccessError, access_problem
from bot.store.schema import open_store
from tests.unwritable import unwritable_store_path

ROOT = Path(__file__).resolve().parents[1]


def test_open_store_names_the_path_the_uid_and_the_fix(tmp_path: Path) -> None:
    path = unwritable_store_path(tmp_path)
    with pytest.raises(StoreAccessError) as caught:
        open_store(str(path))
    message = str(caught.value)
    assert str(path) in message
    assert f"uid {os.geteuid()}" in message
    assert "CLAUDE_USAGE_DB" in message
    assert "cannot create files in" in message


def test_a_writable_place_has_no_problem(tmp_path: Path) -> None:
    assert access_problem(tmp_path / "store.db") is None
    assert access_problem(tmp_path / "missing" / "store.db") == (
        f"the directory {tmp_path / 'missing'} does not exist"
    )
    assert access_problem(tmp_path) == f"{tmp_path} is a directory, not a store file"


def test_the_cli_says_it_in_one_line(tmp_path: Path) -> None:
    path = unwritable_store_path(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "status"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CLAUDE_USAGE_DB": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: Cannot open the store {path}: uid {os.geteuid()} cannot ")
