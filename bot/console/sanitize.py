"""API text made safe for a terminal: what a name says is shown, never executed.

A project or skill name is written by anyone in the organisation. In a terminal it could carry
ESC sequences (colours, cursor moves, OSC-8 hyperlinks that disguise their target, a title
change), C1 controls, or Unicode bidi overrides that make `cost.csv‮vsc.exe` read backwards.
Rich would also read `[bold red]…` or `[link=…]` inside a name as its own markup, and a stray
`[/]` makes it raise. So every API string printed goes through `clean()` (controls and bidi
overrides removed, line breaks and tabs inside a name turned into spaces), and is handed to rich
as `Text`, never as markup. JSON output keeps the data exact instead: `json_safe()` writes the
same characters as `\\uXXXX` escapes, which parse back to the original string.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, OSC-8 hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_BREAKS = re.compile(r"[\t\n\r]+")
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")


def clean(text: object) -> str:
    """One API string for a terminal line: escape sequences go whole (an OSC-8 link leaves its
    visible text), then every remaining control or bidi character."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", _BREAKS.sub(" ", str(text))))


def clean_lines(text: str) -> str:
    """Text of many lines (an answer): each line cleaned, the line breaks kept."""
    return "\n".join(
        _CONTROLS.sub("", _SEQUENCES.sub("", line.replace("\t", " "))) for line in text.split("\n")
    )


def json_safe(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters a terminal
    would act on written as escapes: the same JSON value, harmless on screen."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
