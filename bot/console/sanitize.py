"""API text made safe for a terminal: what a name says is shown, never executed.

A project or skill name is written by anyone in the organisation. In a terminal it could carry
ESC sequences (colours, cursor moves, OSC-8 hyperlinks that disguise their target, a title
change), C1 controls, or Unicode bidi overrides that make `cost.csv‮vsc.exe` read backwards.
Rich would also read `[bold red]…` or `[link=…]` inside a name as its own markup, and a stray
`[/]` makes it raise. So every API string printed goes through `clean()` (controls and bidi
overrides removed, from the one list in `bot.controls` that Slack uses too; line breaks and tabs
inside a name turned into spaces), and is handed to rich as `Text`, never as markup. JSON output
keeps the data exact instead: `json_safe()` writes the same characters as `\\uXXXX` escapes,
which parse back to the original string.
"""

from __future__ import annotations

import re

from bot.controls import BIDI, C1, strip_controls

_BREAKS = re.compile(r"[\t\n\r]+")
_UNSAFE_IN_JSON = re.compile(f"[\x7f{C1}{BIDI}]")


def clean(text: object) -> str:
    """One API string for a terminal line: escape sequences go whole (an OSC-8 link leaves its
    visible text), then every remaining control or bidi character."""
    return strip_controls(_BREAKS.sub(" ", str(text)))


def clean_lines(text: str) -> str:
    """Text of many lines (an answer): each line cleaned, the line breaks kept."""
    return "\n".join(strip_controls(line.replace("\t", " ")) for line in text.split("\n"))


def json_safe(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters a terminal
    would act on written as escapes: the same JSON value, harmless on screen."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
