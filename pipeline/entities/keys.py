"""The matching key of a name: one spelling for Cyrillic and Latin, for Albanian and
Serbo-Croatian orthography, and for the grammatical cases of a proper noun.

A word's key is its lower-case Latin transliteration (``pipeline.text.fold``), with its case
ending removed, folded (no diacritics), then with Albanian digraphs written as Serbo-Croatian
letters fold to (``sh`` and ``š`` both become ``s``, ``q`` and ``ć`` both ``c``). So Vučić,
Vučića, Вучићем, Vuçiq, Vuçiqit and Vucic all key to ``vucic``; Prishtinë, Prishtinës, Priština,
Приштини and Pristina to ``pristin``. A key is a matching device, not a spelling: two unrelated
names may share one (the gazetteer separates those that matter).
"""

from __future__ import annotations

import re

from pipeline.text.fold import comparison_text, transliterate
from pipeline.text.memo import BoundedMemo

# Cyrillic letters that look like Latin ones, as the Latin letter they imitate (not as the
# transliteration: a Latin name typed with a Cyrillic "с" means "c", not "s").
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
        "ј": "j", "ѕ": "s", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
        "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "Ү": "Y",
    }
)  # fmt: skip
# Characters that may sit invisibly inside a word (soft hyphen, zero-width joiners, BOM).
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff")))
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Case endings of proper nouns, longest first, tried on the lower-case Latin word before the
# diacritics go (Albanian "ë" endings are told from plain "e" ones). Serbo-Croatian and
# Macedonian (after transliteration): genitive -a/-e, dative-locative -u/-i, instrumental
# -om/-em/-ijem, the -ij- stem of names in -i (Kurti, Kurtija, Kurtiju, Kurtijem). Albanian
# definite and oblique endings: -i, -it, -in, -ë, -ës, -së, -ia, -isë, -t and -n after -j
# (not -inë: Prishtinë would lose its stem). One ending is removed,
# the longest that leaves a stem of at least MIN_STEM letters: a short name keeps its ending
# rather than lose its stem ("Ana" stays "ana").
SUFFIXES = (
    "ijem", "ijom", "isë", "ijë", "iju", "ija", "iji", "ije", "ia", "om", "em", "oj",
    "og", "ës", "së", "it", "in", "ën", "ut", "un", "a", "e", "i", "o", "u", "ë",
)  # fmt: skip
MIN_STEM = 3
# Albanian letters and digraphs as the Serbo-Croatian letters' folded forms (č, ć -> c;
# dž -> dz; đ -> dj; š -> s; ž -> z), Macedonian ќ and ѓ likewise; th/dh are Serbian t/d,
# doubled Albanian ll/rr single letters. Applied to folded text, longest first.
_DIGRAPHS = (
    ("xh", "dz"), ("gj", "dj"), ("kj", "c"), ("sh", "s"), ("zh", "z"), ("th", "t"),
    ("dh", "d"), ("ll", "l"), ("rr", "r"), ("q", "c"), ("y", "i"),
)  # fmt: skip
_DIGRAPH = re.compile("|".join(a for a, _b in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
# An acronym keeps its letters: "EU" is not an inflected "E".
MAX_ACRONYM = 6


def clean_word(word: str) -> str:
    """The word without invisible characters, and with Cyrillic look-alikes inside a mostly
    Latin word replaced by the Latin letters they imitate."""
    word = word.translate(_INVISIBLE)
    if _CYRILLIC.search(word) and _LATIN.search(word):
        cyrillic = len(_CYRILLIC.findall(word))
        if cyrillic <= len(_LATIN.findall(word)):
            word = word.translate(_LOOKALIKES)
    return word


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= MAX_ACRONYM and all(c.isupper() for c in letters)


_ACRONYMS = BoundedMemo(_is_acronym, 65_536, 40)


def is_acronym(word: str) -> bool:
    """Two to MAX_ACRONYM letters, all capitals ("EU", "KFOR", "ВМРО")."""
    return _ACRONYMS[word]


def _strip_case(lower: str) -> str:
    if lower.endswith(("jt", "jn")) and len(lower) > MIN_STEM + 1:
        return lower[:-1]  # Albanian oblique of a name in -j: Haradinajt, Haradinajn
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= MIN_STEM:
            return lower[: -len(suffix)]
    return lower


def _spelling(folded: str) -> str:
    return _DIGRAPH.sub(lambda m: _DIGRAPH_MAP[m.group()], folded)


def _word_key(word: str) -> str:
    word = clean_word(word)
    head, dash, tail = word.partition("-")
    if dash and is_acronym(head) and tail.islower() and len(tail) <= 4:
        # "KFOR-a", "BE-së", "EU-u": an acronym's case ending is hyphenated.
        word = head
    if is_acronym(word):
        return comparison_text(word).replace(" ", "")
    lower = transliterate(word).lower()
    return _spelling(comparison_text(_strip_case(lower)).replace(" ", ""))


# Bounded: a word is keyed once per process, and names repeat from article to article.
_KEYS = BoundedMemo(_word_key, 65_536, 40)


def word_key(word: str) -> str:
    """The key of one word (empty for a word with no letters)."""
    return _KEYS[word]


def name_key(words: list[str] | tuple[str, ...]) -> str:
    """The key of a name of several words."""
    return " ".join(filter(None, map(_KEYS.__getitem__, words)))


WORD_PATTERN = re.compile(r"[\w\u00ad\u200b-\u200d\u2060\ufeff]+(?:[-'’][\w]+)*")


def text_key(name: str) -> str:
    """The key of a name as typed by a person (any case, script or spelling)."""
    return name_key(WORD_PATTERN.findall(name))
