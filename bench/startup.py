"""Benchmark: how long `claude-usage` takes to start, against a bare `python -c pass`.

    .venv/bin/python bench/startup.py [--runs 10] [--top 10]

Every command pays the CLI's start-up before doing anything, and a Slack-less user running
`claude-usage --help` or `claude-usage command status` pays nothing else. Each is run `--runs`
times as a subprocess (the console script beside this interpreter, as users run it; `command
status` against an empty temporary store) and timed from spawn to exit; the median is printed
with its ratio to `python -c pass` on the same interpreter. Then `python -X importtime` of
`--help` shows which imports dominate: the top packages by their own import time summed, and the
top modules by cumulative time (a module's time including everything it imported).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.simproc import claude_usage, run_child

TARGET_HELP_S = 0.4
"""Issue 8's target for `claude-usage --help`; printed, never asserted."""


def median_seconds(argv: Sequence[str], env: dict[str, str], runs: int) -> tuple[float, int]:
    """Median wall seconds of `runs` runs, and the exit status of the last one."""
    times, code = [], 0
    for _ in range(runs):
        done = run_child(argv, env)
        times.append(done.seconds)
        code = done.returncode
    return statistics.median(times), code


def import_times(argv: Sequence[str], env: dict[str, str]) -> list[tuple[str, int, int]]:
    """(module, self µs, cumulative µs) from `python -X importtime` of `argv` (a -m invocation)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    out = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        out.append((name.strip(), int(self_us), int(cumulative_us)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command (median)")
    parser.add_argument("--top", type=int, default=10, help="imports listed")
    args = parser.parse_args()
    cli = claude_usage()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        db_path = Path(tmp) / "empty.db"
        from bot.store.schema import open_store  # an empty store, created the way sync would

        open_store(str(db_path)).close()
        env = {**env, "CLAUDE_USAGE_DB": str(db_path)}
        contenders = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "claude-usage --help": [*cli, "--help"],
            "claude-usage command status": [*cli, "command", "status"],
        }
        print(
            f"bench/startup.py — median of {args.runs} runs each, {Path(cli[0]).name} on "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        base = None
        for name, argv in contenders.items():
            seconds, code = median_seconds(argv, env, args.runs)
            base = base or seconds
            status = "" if code == 0 else f"  (exit {code})"
            print(f"  {name:28} {seconds * 1000:7.0f} ms  {seconds / base:5.1f}x python{status}")
            if name.endswith("--help"):
                verdict = "met" if seconds < TARGET_HELP_S else "not met"
                print(f"  {'':28} target < {TARGET_HELP_S * 1000:.0f} ms: {verdict}")
        modules = import_times(["-m", "bot", "--help"], env)
    packages: dict[str, int] = {}
    for name, self_us, _ in modules:
        root = name.split(".")[0]
        packages[root] = packages.get(root, 0) + self_us
    total = sum(packages.values())
    print(
        f"  `python -X importtime -m bot --help`: {total / 1000:,.0f} ms importing "
        f"{len(modules)} modules"
    )
    print(f"  top {args.top} packages by own import time (summed over their modules):")
    for root, us in sorted(packages.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"    {us / 1000:7.1f} ms  {root}")
    print(f"  top {args.top} modules by cumulative import time (including what they import):")
    for name, _, cumulative in sorted(modules, key=lambda m: -m[2])[: args.top]:
        print(f"    {cumulative / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
