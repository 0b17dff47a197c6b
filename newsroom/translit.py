"""Serbian script conversion and URL slugs for the newsroom's invented articles.

Serbian texts are written once in Latin and converted to Cyrillic for the Cyrillic outlets, so a
Cyrillic/Latin pair is an exact transliteration by construction (texts avoid the few words where
a Latin digraph is two letters, such as "nadživeti").
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.text.fold import OTHER_CYRILLIC, SERBIAN_CYRILLIC

_CYR_TO_LAT = SERBIAN_CYRILLIC | {k.upper(): v.capitalize() for k, v in SERBIAN_CYRILLIC.items()}
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items() if len(v) == 1}
_DIGRAPHS = {"Lj": "Љ", "LJ": "Љ", "lj": "љ", "Nj": "Њ", "NJ": "Њ", "nj": "њ",
             "Dž": "Џ", "DŽ": "Џ", "dž": "џ"}  # fmt: skip
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))

# Macedonian letters beyond the Serbian set, for slugs only.
_MK_EXTRA = {k: OTHER_CYRILLIC[k] for k in "ѓќѕ"} | {
    k.upper(): OTHER_CYRILLIC[k].capitalize() for k in "ѓќѕ"
}


def cyrillic_to_latin(text: str) -> str:
    """Serbian Cyrillic to Gaj's Latin; an all-capitals Љ/Њ/Џ becomes LJ/NJ/DŽ."""
    out: list[str] = []
    for i, ch in enumerate(text):
        lat = _CYR_TO_LAT.get(ch)
        if lat is None:
            out.append(ch)
            continue
        if len(lat) == 2 and ch.isupper():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt.isupper():
                lat = lat.upper()
        out.append(lat)
    return "".join(out)


# Words where a Latin digraph stands for two Cyrillic letters.
_TWO_LETTER_WORDS = {"Tanjug": "Танјуг", "TANJUG": "ТАНЈУГ"}
_TWO_LETTER_RE = re.compile(r"\b(" + "|".join(_TWO_LETTER_WORDS) + r")\b")


def latin_to_cyrillic(text: str) -> str:
    """Gaj's Latin to Serbian Cyrillic (digraphs lj, nj, dž become single letters)."""
    text = _TWO_LETTER_RE.sub(lambda m: _TWO_LETTER_WORDS[m.group()], text)
    parts: list[str] = []
    pos = 0
    for match in _DIGRAPH_RE.finditer(text):
        parts.append(_single_letters(text[pos : match.start()]))
        parts.append(_DIGRAPHS[match.group()])
        pos = match.end()
    parts.append(_single_letters(text[pos:]))
    return "".join(parts)


def _single_letters(text: str) -> str:
    return "".join(_LAT_TO_CYR.get(ch, ch) for ch in text)


def slugify(text: str, max_words: int = 9) -> str:
    """ASCII URL slug from a title in any of the newsroom's languages."""
    text = "".join(_MK_EXTRA.get(ch, ch) for ch in text)
    text = cyrillic_to_latin(text).replace("đ", "dj").replace("Đ", "Dj")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "article"
