"""The docs are checked: every `/claude-usage` subcommand is in `help` and in README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reports.commands import SUBCOMMANDS, help_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_is_documented(subcommand: str) -> None:
    assert f"`{subcommand}" in README
    assert subcommand in help_text()


def test_readme_shows_the_two_commands() -> None:
    assert "make demo" in README
    assert "make test" in README
