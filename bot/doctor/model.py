"""A doctor's finding: one line, and when something is wrong, the fix in the same line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail", "skip"]
LABELS: dict[Status, str] = {"ok": "ok", "warn": "warn", "fail": "FAIL", "skip": "skip"}


@dataclass(frozen=True)
class Finding:
    check: str
    """What was checked: `Slack scopes`, `digest channel C0123`."""
    status: Status
    detail: str
    """What was found, as a sentence fragment naming the thing (a path, a channel, a scope)."""
    fix: str | None = None
    """What to do about it (every `warn` and `fail` has one)."""

    def line(self) -> str:
        text = f"{LABELS[self.status]:<4}  {self.check}: {self.detail}"
        return text + (f" (fix: {self.fix})" if self.fix else "")


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail"]

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        return "\n".join(f.line() for f in self.findings)

    def summary(self) -> str:
        warnings = sum(f.status == "warn" for f in self.findings)
        return (
            f"{len(self.findings)} checks: {len(self.failures)} failed, {warnings} "
            f"warning{'s' if warnings != 1 else ''}"
        )
