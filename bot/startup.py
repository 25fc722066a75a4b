"""Importing two libraries without the optional extras they pull in, for the CLI's start-up.

Start-up is part of every command a person waits for (`bench/startup.py`, `bench/sync_users.py`),
and two of our dependencies import heavy optional modules merely because they are installed:

- sqlite-utils imports numpy (matplotlib installs it) only to map numpy scalars to column types;
  the store never holds numpy values. ~0.1 s of every command that opens the store.
- httpx imports its own command-line client (`httpx._main`: rich, pygments, click) whenever those
  are installed (rich is ours, for the CLI), only to offer `httpx.main`. ~0.08 s of every command
  that calls an API.

Both libraries already tolerate the extra being absent (`try: import ... except ImportError`), so
a `None` entry in `sys.modules` while they are first imported is enough. The entry is removed
again: numpy stays importable for the charts, rich for our tables.
"""

from __future__ import annotations

import importlib
import sys


def import_lean() -> None:
    """Import sqlite-utils and httpx without their optional extras; call before either is used."""
    _import_without("sqlite_utils", hidden="numpy")
    _import_without("httpx", hidden="httpx._main")


def _import_without(module: str, *, hidden: str) -> None:
    """Import `module` with `hidden` unimportable; a no-op once either is imported."""
    if module in sys.modules or hidden in sys.modules:
        return
    sys.modules[hidden] = None  # type: ignore[assignment]
    try:
        importlib.import_module(module)
    finally:
        del sys.modules[hidden]
