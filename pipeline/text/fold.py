"""The one Cyrillic-to-Latin table, and text folded for comparison: one spelling for Cyrillic
and Latin, no diacritics, no case.

Dedup, search (in Python and, generated from this table, in SQL), language identification and
the offline newsroom all transliterate with these tables.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.text.memo import BoundedMemo

# Serbian Cyrillic to Gaj's Latin alphabet, lower case.
SERBIAN_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
# Macedonian letters beyond the Serbian set, and the other Cyrillic alphabets' letters that
# the region's press prints (Bulgarian, Russian, Ukrainian names and quotations).
OTHER_CYRILLIC = {
    "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "й": "j", "ъ": "a", "щ": "sht", "ь": "", "ю": "ju",
    "я": "ja", "ы": "y", "э": "e", "ё": "jo", "є": "je", "і": "i", "ї": "ji",
}  # fmt: skip
CYRILLIC_TO_LATIN = SERBIAN_CYRILLIC | OTHER_CYRILLIC
_TRANSLIT = str.maketrans(
    CYRILLIC_TO_LATIN | {k.upper(): v.capitalize() for k, v in CYRILLIC_TO_LATIN.items()}
)
# Letters that do not decompose into base + mark.
UNDECOMPOSED = str.maketrans(
    {"đ": "dj", "Đ": "Dj", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "ı": "i"}
)
_WORD = re.compile(r"\w+")


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: Cyrillic to Latin, no
    diacritics, lower case. Equal to doing the three steps on the whole string (combining marks
    are dropped either way), but at C speed after the first sighting of a character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_slow(char.translate(_TRANSLIT)).lower()
        self[code] = folded
        return folded


def _fold_slow(text: str) -> str:
    text = text.translate(UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_COMPARISON = _FoldTable()


def transliterate(text: str) -> str:
    """Serbian/Macedonian Cyrillic into Latin letters; other characters unchanged."""
    return text.translate(_TRANSLIT)


def fold_diacritics(text: str) -> str:
    return _fold_slow(text)


# Folding is done token by token (tokens split at whitespace) and paragraph by paragraph, with the
# results remembered. Exact: no whitespace character folds to a word character
# (tests/test_clean_equivalence.py checks every code point), so the words of a text are the words
# of its pieces in order. Nearly every token of a news text was seen before (in it or in an
# earlier article of its language), and an article's paragraphs are compared several times while
# it is cleaned, hashed and deduplicated. Both caches are bounded: they are emptied when full,
# and a piece longer than MAX_*_CHARS is folded without being kept.
_MAX_TOKEN_CHARS = 40
_MAX_TOKENS = 32_768
_MAX_PARAGRAPH_CHARS = 2_000
_MAX_PARAGRAPHS = 512


def _fold_token(token: str) -> str:
    return " ".join(_WORD.findall(token.translate(_COMPARISON)))


_TOKENS = BoundedMemo(_fold_token, _MAX_TOKENS, _MAX_TOKEN_CHARS)


def _fold_tokens(text: str) -> str:
    # map/filter/join keep the loop in C; an empty string is a token without a word.
    return " ".join(filter(None, map(_TOKENS.__getitem__, text.split())))


_PARAGRAPHS = BoundedMemo(_fold_tokens, _MAX_PARAGRAPHS, _MAX_PARAGRAPH_CHARS)


def comparison_text(text: str) -> str:
    """Lower-case Latin without diacritics or punctuation, words separated by single spaces."""
    if "\n\n" not in text:
        return _PARAGRAPHS[text]
    return " ".join(filter(None, map(_PARAGRAPHS.__getitem__, text.split("\n\n"))))
