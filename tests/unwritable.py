"""A store path this process cannot create, whoever runs the tests.

For an ordinary user that is a file in a read-only directory. Root writes through any mode bits,
so for root it is a file directly in /sys, where nobody may create files.
"""

from __future__ import annotations

import os
from pathlib import Path


def unwritable_store_path(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        return Path("/sys/claude-usage-test.db")
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    return data / "claude-usage.db"
