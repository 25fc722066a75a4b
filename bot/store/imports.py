"""Importing sqlite-utils without numpy, for the command line's start-up.

sqlite-utils imports numpy whenever it is installed (matplotlib installs it) only to map numpy
scalar types to column types; the store never holds numpy values. That import is ~0.1 s of every
`claude-usage` command that opens the store — a tenth of a `sync` (`bench/startup.py`). numpy
itself stays importable afterwards: the charts still get it.
"""

from __future__ import annotations

import importlib
import sys


def import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils first with numpy hidden (a `None` entry in `sys.modules` makes
    `import numpy` raise ImportError, which sqlite-utils tolerates); a no-op once either is
    imported."""
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        importlib.import_module("sqlite_utils")
    finally:
        del sys.modules["numpy"]
