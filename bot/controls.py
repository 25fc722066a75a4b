"""Characters a display acts on instead of showing: the one list for every surface.

A project, skill or person's name is written by anyone in the organisation, and the API hands it
over as typed. Some characters in it are not text but instructions to whatever shows it:

* terminal escape sequences (ANSI CSI colours and cursor moves, OSC titles and OSC-8 hyperlinks
  that disguise their target), in 7-bit (`ESC [`) and 8-bit (`CSI`, `OSC`) form;
* the other C0 and C1 control characters (bell, backspace, carriage return, …);
* Unicode bidirectional controls (embeddings, overrides, isolates, LRM/RLM, ALM), which make
  `invoice‮gnp.exe` read `invoiceexe.png` and turn a ranking's dollar column backwards.

`strip_controls` removes them: a sequence goes whole (an OSC-8 link leaves its visible text),
then each remaining control character. Line feed and tab are kept (an answer has lines); what a
surface does with them is its own business. The terminal (`bot.console.sanitize`) and Slack
(`bot.slack.mrkdwn`, `bot.slack.blocks.primitives`) both call it, so there is one list.
"""

from __future__ import annotations

import re

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""ALM, LRM, RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI."""
C1 = "\x80-\x9f"
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, OSC-8 hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # 8-bit OSC
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f{C1}{BIDI}]")
"""Every C0 control but tab and line feed, DEL, every C1 control and every bidi control."""


def strip_controls(text: str) -> str:
    """`text` without escape sequences, control characters (but `\\n` and `\\t`) or bidi
    controls."""
    if not _CONTROLS.search(text):  # the usual case: nothing to do, no copy
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def has_controls(text: str) -> bool:
    """Whether `text` holds anything `strip_controls` would remove."""
    return _CONTROLS.search(text) is not None
