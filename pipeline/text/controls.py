"""Characters nothing stored may hold, and cutting text to a cap on a character boundary.

Every stage that stores text passes it through ``strip_controls``; fields are capped with
``truncate`` (docs/hostile-inputs.md, case 22).
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newlines; PostgreSQL refuses NUL and SQLite miscounts it. Lone
# surrogates (from "&#xD800;") cannot be encoded as UTF-8; U+FFFE/U+FFFF are not characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Zero-width and bidirectional formatting characters (docs/hostile-inputs.md case 19).
INVISIBLE = re.compile(
    r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e]"
)
# Both sets in one pass (single characters are removed, so the order of the two never mattered).
_STRIPPED = re.compile(f"{_CONTROL.pattern}|{INVISIBLE.pattern}")


def strip_controls(text: str) -> str:
    return _STRIPPED.sub("", text)


def truncate(text: str, limit: int) -> str:
    """Cut to at most ``limit`` characters, on a character boundary (never inside a pair)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    while cut and (unicodedata.combining(text[len(cut)]) or "\ud800" <= cut[-1] <= "\udbff"):
        cut = cut[:-1]
    return cut
