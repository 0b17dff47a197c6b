"""Unicode hygiene for everything stored: no control characters, no bidi tricks, NFC.

Also two repairs seen in Balkan feeds: entities escaped twice (``&amp;amp;``, docs/hostile-inputs.md
case 20) and Cyrillic look-alike letters inside Latin words ("ЕU" with a Cyrillic Е, case 21).
"""

from __future__ import annotations

import html
import re
import unicodedata

from pipeline.text.controls import strip_controls
from pipeline.text.memo import BoundedMemo

_BLANK_LINES = re.compile(r"\n\s*\n+")
# Entity text left after one round of unescaping: "&amp;amp;" became "&amp;", "&amp;quot;" "&quot;".
_ESCAPED_ENTITY = re.compile(
    r"&(?:amp;)*(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,9};)"
)

_LATIN = "A-Za-z\u00c0-\u024f"
_CYRILLIC = "\u0400-\u04ff"
_MIXED_WORD = re.compile(
    rf"[{_LATIN}{_CYRILLIC}]*(?:[{_LATIN}][{_LATIN}{_CYRILLIC}]*[{_CYRILLIC}]"
    rf"|[{_CYRILLIC}][{_LATIN}{_CYRILLIC}]*[{_LATIN}])[{_LATIN}{_CYRILLIC}]*"
)
_HAS_LATIN = re.compile(rf"[{_LATIN}]")
_HAS_CYRILLIC = re.compile(rf"[{_CYRILLIC}]")
# Letters that look the same in both scripts.
_LOOKALIKE_TO_LATIN = dict(zip("АВЕКМНОРСТХЈЅІаеорсухјѕі", "ABEKMHOPCTXJSIaeopcyxjsi", strict=True))
_LOOKALIKE_TO_CYRILLIC = {lat: cyr for cyr, lat in _LOOKALIKE_TO_LATIN.items()}


def unescape_leftovers(text: str) -> str:
    """Undo entities escaped twice; text without "&" is returned as is."""
    if "&" not in text:
        return text
    return _ESCAPED_ENTITY.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    value = html.unescape("&" + match.group(1))
    # "&#0;" and other invalid references unescape to U+FFFD: drop them instead.
    return "" if value == "\ufffd" else value


def _fix_word(match: re.Match[str]) -> str:
    word = match.group(0)
    cyrillic = [ch for ch in word if "\u0400" <= ch <= "\u04ff"]
    latin_count = len(word) - len(cyrillic)
    to_latin = all(ch in _LOOKALIKE_TO_LATIN for ch in cyrillic)
    to_cyrillic = all(ch in _LOOKALIKE_TO_CYRILLIC for ch in word if not "\u0400" <= ch <= "\u04ff")
    if to_latin and (not to_cyrillic or latin_count >= len(cyrillic)):
        return word.translate(str.maketrans(_LOOKALIKE_TO_LATIN))
    if to_cyrillic:
        return word.translate(str.maketrans(_LOOKALIKE_TO_CYRILLIC))
    return word


def fix_mixed_script(text: str) -> str:
    """Words mixing Latin and Cyrillic letters get the look-alikes of one script replaced by the
    other's, when that makes the word single-script; no real word mixes the two."""
    if text.isascii() or not (_HAS_CYRILLIC.search(text) and _HAS_LATIN.search(text)):
        return text
    return _MIXED_WORD.sub(_fix_word, text)


def _hygiene(text: str) -> str:
    text = strip_controls(unescape_leftovers(text))
    return fix_mixed_script(unicodedata.normalize("NFC", text))


# Cleaned pieces of text are remembered: cleaning an article's HTML cleans each paragraph twice
# (once alone, to judge it as furniture or a repeat, once within the whole text), and titles and
# author lines repeat across a feed. Bounded: emptied when full, long pieces not kept.
_MAX_CACHED_CHARS = 2_000
_MAX_CACHED = 512


def _cleaned_piece(piece: str) -> tuple[str, ...]:
    """A piece of text (no surrounding whitespace) -> its paragraphs after hygiene, each with its
    whitespace folded to single spaces, empty ones left out."""
    parts = (_fold_spaces(p) for p in _BLANK_LINES.split(_hygiene(piece)))
    return tuple(p for p in parts if p)


_CLEANED = BoundedMemo(_cleaned_piece, _MAX_CACHED, _MAX_CACHED_CHARS)


def _fold_spaces(text: str) -> str:
    """Whitespace runs as single spaces, none at the ends (str.split() knows every space
    character: tab, no-break, the typographic ones)."""
    # Text already so (most paragraphs) is told at C speed: a printable string has no whitespace
    # but the space (tests/test_clean_equivalence.py checks every code point).
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def clean_line(text: str | None) -> str:
    """A one-line field (title, author): hygiene, NFC, whitespace folded to single spaces."""
    if not text:
        return ""
    # Hygiene never turns whitespace into anything else, nor joins across it: the ends can go
    # first (tests/test_clean_equivalence.py compares with the whole-text definition).
    return " ".join(_CLEANED[text.strip()])


def clean_block(text: str | None) -> str:
    """A multi-paragraph field: paragraphs kept apart by one blank line, spaces folded inside."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Every "\n\n" ends a paragraph whatever hygiene does around it, so the text is cleaned one
    # piece at a time.
    paragraphs: list[str] = []
    for piece in text.split("\n\n"):
        paragraphs += _CLEANED[piece.strip()]
    return "\n\n".join(paragraphs)
