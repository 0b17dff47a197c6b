"""Text normalised for comparison: one spelling for Cyrillic and Latin, no diacritics, no case."""

from __future__ import annotations

import re
import unicodedata

# Serbian and Macedonian Cyrillic to Latin (Gaj's alphabet for Serbian; Macedonian extras).
_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "й": "j", "ъ": "a", "щ": "sht",
    "ь": "", "ю": "ju", "я": "ja", "ы": "y", "э": "e", "ё": "jo", "є": "je", "і": "i", "ї": "ji",
}  # fmt: skip
_TRANSLIT = str.maketrans(_CYR_TO_LAT | {k.upper(): v.capitalize() for k, v in _CYR_TO_LAT.items()})
# Letters that do not decompose into base + mark.
_FOLD = str.maketrans({"đ": "dj", "Đ": "Dj", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "ı": "i"})
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
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_COMPARISON = _FoldTable()


def transliterate(text: str) -> str:
    """Serbian/Macedonian Cyrillic into Latin letters; other characters unchanged."""
    return text.translate(_TRANSLIT)


def fold_diacritics(text: str) -> str:
    return _fold_slow(text)


def comparison_text(text: str) -> str:
    """Lower-case Latin without diacritics or punctuation, words separated by single spaces."""
    return " ".join(_WORD.findall(text.translate(_COMPARISON)))
