"""Unicode hygiene for everything stored: no control characters, no bidi tricks, NFC."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newlines; PostgreSQL refuses NUL and SQLite miscounts it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width and bidirectional formatting characters (hostile-inputs.md case 19).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def strip_controls(text: str) -> str:
    return _INVISIBLE.sub("", _CONTROL.sub("", text))


def clean_line(text: str | None) -> str:
    """A one-line field (title, author): hygiene, NFC, whitespace folded to single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(text))
    return " ".join(text.split())


def clean_block(text: str | None) -> str:
    """A multi-paragraph field: paragraphs kept apart by one blank line, spaces folded inside."""
    if not text:
        return ""
    text = unicodedata.normalize(
        "NFC", strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    )
    paragraphs = [_SPACES.sub(" ", p).strip() for p in _BLANK_LINES.split(text)]
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p)


def truncate(text: str, limit: int) -> str:
    """Cut to at most ``limit`` characters, on a character boundary (never inside a pair)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if cut and unicodedata.combining(text[limit]) and len(cut) > 1:
        cut = cut[:-1]
    return cut
