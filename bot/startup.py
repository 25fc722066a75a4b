"""What every command pays before and after its work: lean imports, and no last collection.

Start-up and exit are part of every command a person waits for (`bench/startup.py`,
`bench/sync_users.py`). sqlite-utils imports numpy (matplotlib installs it) merely because it is
installed, only to map numpy scalars to column types; the store never holds numpy values. ~0.1 s
of every command that opens the store. sqlite-utils already tolerates numpy being absent (`try:
import ... except ImportError`), so a `None` entry in `sys.modules` while it is first imported is
enough. The entry is removed again: numpy stays importable for the charts.

(The Analytics client's transport is the `anthropic` SDK, whose `httpx2` loads its command-line
client only on demand; the SDK itself, about a second to import, is imported by the client only
when it sends its first request: `bot.analytics.session`.)
"""

from __future__ import annotations

import gc
import importlib
import sys


def import_lean() -> None:
    """Import sqlite-utils without numpy; call before the store is used."""
    _import_without("sqlite_utils", hidden="numpy")


def _import_without(module: str, *, hidden: str) -> None:
    """Import `module` with `hidden` unimportable; a no-op once either is imported."""
    if module in sys.modules or hidden in sys.modules:
        return
    sys.modules[hidden] = None  # type: ignore[assignment]
    try:
        importlib.import_module(module)
    finally:
        del sys.modules[hidden]


def skip_last_collection() -> None:
    """Let the interpreter exit without its last garbage collection (60–100 ms of every command).

    At exit CPython clears every module and collects the cycles that leaves behind; for the ~450
    modules a `sync` imports (pydantic's schemas and typing's generics above all) that took 60–100
    ms after the answer was printed, a fifth of a no-op `sync`. `gc.freeze()` moves every live
    object into the permanent generation, which that collection skips, and the OS reclaims the
    memory a moment later. Nothing that matters is skipped: atexit handlers still run (logging
    flushes), objects are still freed by reference counting, and the store and clients are closed
    by their own `with` blocks before this point. Call it only when the process is about to end.
    """
    gc.freeze()
