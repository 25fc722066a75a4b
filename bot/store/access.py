"""Can this process create and write the store file? And if not, a sentence saying why.

SQLite only says "unable to open database file", which names neither the file nor the user. In a
container that is usually a `/data` volume owned by root while the bot runs as uid 10001. The
store needs more than the file itself: WAL mode creates `-wal` and `-shm` files beside it, so
the directory must take new files too. `access_problem` checks both and names the path, the
owner and mode it found, and the uid this process runs as; `open_store` and `claude-usage doctor`
both use it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from bot.errors import ClaudeUsageError

HINT = (
    "give that user write access to the directory (e.g. `chown 10001 /data` on the volume), or "
    "set CLAUDE_USAGE_DB to a file in a directory it can write"
)


class StoreAccessError(ClaudeUsageError):
    """The store cannot be opened or written by this process; the message says why and what to
    do."""


def current_uid() -> int:
    return os.geteuid()


def _owner(path: Path) -> str:
    info = path.stat()
    return f"owned by uid {info.st_uid}, mode {stat.S_IMODE(info.st_mode):o}"


def access_problem(path: Path) -> str | None:
    """Why this process cannot create or write the store at `path`; None when it can."""
    uid = current_uid()
    path = path.expanduser().absolute()
    parent = path.parent
    if path.is_dir():
        return f"{path} is a directory, not a store file"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"uid {uid} cannot write {path} ({_owner(path)})"
    if not parent.is_dir():
        return f"the directory {parent} does not exist"
    try:  # what SQLite will do beside the store: create its -wal and -shm files
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".claude-usage-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"uid {uid} cannot create files in {parent} ({_owner(parent)}: {reason.lower()})"
    return None


def unwritable_store_error(path: str, error: Exception) -> StoreAccessError:
    """The error `open_store` raises when SQLite could not open or write `path`."""
    problem = access_problem(Path(path))
    if problem is None:  # not a permission problem: a full disk, a lock, a damaged file
        return StoreAccessError(f"Cannot open the store {path} as uid {current_uid()}: {error}.")
    return StoreAccessError(f"Cannot open the store {path}: {problem}. To fix it, {HINT}.")


@contextmanager
def read_only(path: str | Path, timeout: float = 2.0) -> Iterator[Database]:
    """The store opened read-only, never created nor migrated: for the probes and `doctor`,
    which must look without changing anything (raises `sqlite3.Error` if it cannot)."""
    uri = Path(path).expanduser().absolute().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    try:
        yield Database(conn)
    finally:
        conn.close()
