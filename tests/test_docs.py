"""The docs are checked: every `/claude-usage` subcommand is in `help` and in README.md, and every
`claude-usage` command is in README's command table."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from bot.cli import _register, app
from bot.reports.commands import SUBCOMMANDS, help_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_is_documented(subcommand: str) -> None:
    assert f"`{subcommand}" in README
    assert subcommand in help_text()


def test_readme_shows_the_two_commands() -> None:
    assert "make demo" in README
    assert "make test" in README


def test_every_command_is_in_the_readme_table() -> None:
    _register()
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert {"serve", "doctor"} <= set(group.commands)
    for name in group.commands:
        assert f"\n| `{name}" in README, f"`claude-usage {name}` is not in README's command table"
