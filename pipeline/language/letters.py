"""Letter and function-word evidence for languages the statistical detector confuses.

Points are log-odds-like: each occurrence adds its weight to a language, capped per
feature so one repeated letter cannot outvote everything else.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pipeline.language.tokens import lower_tokens, lowered

# Cyrillic letters: language -> letters that point to it.
_CYRL_LETTERS: dict[str, tuple[str, float]] = {
    "sr": ("ђћ", 4.0),  # Serbian only (also Bosnian/Montenegrin Cyrillic)
    "mk": ("ѓќѕ", 4.0),  # Macedonian only
    "sr+mk": ("јљњџ", 1.5),  # both, against Bulgarian/Russian/Ukrainian
    "bg": ("ъ", 1.0),  # frequent in Bulgarian, rare in Russian, absent in sr/mk
    "bg+ru+uk": ("щюяйь", 0.6),  # absent in Serbian and Macedonian
    "ru": ("ыэё", 3.0),
    "uk": ("єіїґ", 3.0),
    "be": ("ў", 4.0),
}

# Frequent short words, each worth 1 point for the languages listed.
_CYRL_WORDS: dict[str, str] = {
    # Serbian (Cyrillic) function words that Macedonian/Bulgarian lack
    "је": "sr", "у": "sr", "су": "sr", "из": "sr", "ће": "sr", "био": "sr", "била": "sr",
    "било": "sr", "који": "sr", "које": "sr", "када": "sr", "након": "sr", "али": "sr",
    "још": "sr", "према": "sr", "године": "sr", "као": "sr", "код": "sr", "сам": "sr",
    "што": "sr mk", "где": "sr", "овај": "sr", "није": "sr", "после": "sr", "већ": "sr",
    # Macedonian
    "во": "mk", "со": "mk", "од": "mk sr", "ќе": "mk", "беше": "mk bg", "кој": "mk",
    "кое": "mk", "ги": "mk", "го": "mk sr", "нема": "mk", "исто": "mk", "година": "mk bg",
    "е": "mk bg", "ова": "mk sr", "тоа": "mk", "овој": "mk", "според": "mk", "ден": "mk",
    "меѓу": "mk", "сите": "mk", "нивните": "mk", "кога": "mk", "бил": "mk",
    # Bulgarian
    "в": "bg ru", "с": "bg ru", "че": "bg", "са": "bg sr", "това": "bg", "който": "bg",
    "които": "bg", "която": "bg", "ще": "bg", "към": "bg", "той": "bg", "след": "bg",
    "от": "bg ru", "при": "bg ru sr", "във": "bg", "със": "bg", "най": "bg", "още": "bg",
    "като": "bg", "но": "bg ru mk sr", "ако": "bg mk sr", "тя": "bg", "те": "bg mk",
    "дека": "mk", "кои": "mk", "јас": "mk", "така": "mk bg", "зошто": "mk", "беа": "mk",
    "бев": "mk", "биде": "mk", "бидат": "mk", "оваа": "mk", "овие": "mk", "дел": "mk",
    "преку": "mk", "околу": "mk", "еден": "mk bg", "една": "mk bg", "едно": "mk bg",
    "сме": "mk bg", "ние": "mk bg", "вие": "mk bg", "тие": "mk", "биле": "mk", "сè": "mk",
    "сѐ": "mk", "нивната": "mk", "неговиот": "mk", "поради": "mk",
    "тако": "sr", "због": "sr", "преко": "sr", "између": "sr", "током": "sr", "пре": "sr",
    "уз": "sr", "јер": "sr", "нису": "sr", "били": "sr", "људи": "sr", "или": "sr mk",
    "тога": "sr", "свих": "sr", "њихов": "sr", "његов": "sr", "данас": "sr", "веома": "sr",
    "през": "bg", "няма": "bg", "също": "bg", "вече": "bg", "трябва": "bg", "когато": "bg",
    "където": "bg", "защото": "bg", "докато": "bg", "между": "bg ru", "срещу": "bg",
    "този": "bg", "тази": "bg", "тези": "bg", "бъде": "bg", "години": "bg mk", "има": "bg mk sr",
    # Russian / Ukrainian
    "что": "ru", "это": "ru", "не": "ru bg mk sr uk", "как": "ru", "он": "ru sr",
    "она": "ru sr mk", "і": "uk", "що": "uk", "як": "uk", "та": "uk mk",
}  # fmt: skip

# Words that settle Serbian against Macedonian/Bulgarian almost alone (3 points each,
# on top of the point above): Macedonian "во"/"со" are Serbian "у"/"са"; Serbian "је"/"су"
# are Macedonian "е"/"се"; Bulgarian "че"/"ще" are Macedonian "дека"/"ќе".
_CYRL_STRONG: dict[str, str] = {
    "во": "mk", "со": "mk", "дека": "mk", "кои": "mk", "оваа": "mk", "овие": "mk",
    "је": "sr", "су": "sr", "у": "sr", "није": "sr", "нису": "sr",
    "че": "bg", "ще": "bg", "това": "bg", "този": "bg", "тази": "bg", "също": "bg",
}  # fmt: skip
STRONG_WORD_POINTS = 3.0

# Endings of definite forms: Macedonian -от (its -ов/-он and the -та/-то/-те shared with
# Bulgarian also end common Serbian words: закон, милион, место), Bulgarian -ът/-ят.
_MK_ARTICLE = ("от",)
_BG_ARTICLE = ("ът", "ят")
# Serbian declines nouns and adjectives; Macedonian and Bulgarian have lost the cases.
# Genitive/dative adjective endings and dative/instrumental plurals are Serbian.
_SR_CASE = ("ог", "ога", "ег", "ега", "ему", "ој", "их", "има", "ама")


LEARNED_WORD_WEIGHT = 0.5  # points per word seen in only one language's lingua word list
LEARNED_WORD_CAP = 8  # at most this many such words count per language


@lru_cache(maxsize=4)
def _learned_words(name: str) -> dict[str, str]:
    """word -> label, from a list written by bench/langid/build_lexicon.py (lingua word lists)."""
    path = Path(__file__).parent / "data" / name
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {word: label for label, words in data.items() for word in words.split()}


def _letter_scores(low: str, table: dict) -> dict[str, float]:
    """Points for the letters only some languages use, at most 6 occurrences each."""
    out: dict[str, float] = {}
    for langs, (chars, weight) in table.items():
        n = sum(map(low.count, chars))
        if n:
            for lang in langs.split("+"):
                out[lang] = out.get(lang, 0.0) + weight * min(n, 6)
    return out


def _token_counts(text: str, max_tokens: int) -> Counter[str]:
    # Every point below is a whole number per occurrence, so counting each distinct token
    # once and multiplying gives exactly the sums of a token-by-token pass.
    return Counter(lower_tokens(text)[:max_tokens])


# What one Cyrillic token is worth: (points per language from the word tables, label of
# the learned word list, and whether it ends like a Macedonian article, a Bulgarian
# article, a Serbian case form). Cached per distinct token: news vocabulary repeats.
_CyrillicToken = tuple[tuple[tuple[str, float], ...], str | None, int, int, int]
_CYRL_CACHE: dict[str, _CyrillicToken] = {}
_CACHE_MAX = 100_000


def _cyrillic_token(tok: str) -> _CyrillicToken:
    try:
        return _CYRL_CACHE[tok]
    except KeyError:
        pass
    points: dict[str, float] = {}
    learned = None
    langs = _CYRL_WORDS.get(tok)
    if langs:
        for lang in langs.split():
            points[lang] = points.get(lang, 0.0) + 1.0
        strong = _CYRL_STRONG.get(tok)
        if strong:
            points[strong] = points.get(strong, 0.0) + STRONG_WORD_POINTS
    else:
        learned = _learned_words("cyrillic_words.json").get(tok)
    long = len(tok) > 4  # a stem of 3+ letters before the ending
    info = (
        tuple(points.items()),
        learned,
        int(long and tok.endswith(_MK_ARTICLE)),
        int(long and tok.endswith(_BG_ARTICLE)),
        int(long and tok.endswith(_SR_CASE)),
    )
    if len(_CYRL_CACHE) < _CACHE_MAX:
        _CYRL_CACHE[tok] = info
    return info


def cyrillic_scores(text: str, max_tokens: int = 400) -> dict[str, float]:
    low = lowered(text)[0]
    out = _letter_scores(low, _CYRL_LETTERS)
    hits: dict[str, float] = {}
    learned_hits: dict[str, int] = {}
    mk_art = bg_art = sr_case = 0
    for tok, n in _token_counts(text, max_tokens).items():
        points, learned, mk, bg, sr = _cyrillic_token(tok)
        mk_art += mk * n
        bg_art += bg * n
        sr_case += sr * n
        for lang, pts in points:
            hits[lang] = hits.get(lang, 0.0) + pts * n
        if learned:
            learned_hits[learned] = learned_hits.get(learned, 0) + n
    for lang, n in hits.items():
        out[lang] = out.get(lang, 0.0) + min(n, 15.0)
    for lang, n in learned_hits.items():
        out[lang] = out.get(lang, 0.0) + LEARNED_WORD_WEIGHT * min(n, LEARNED_WORD_CAP)
    out["mk"] = out.get("mk", 0.0) + 1.5 * min(mk_art, 6)
    out["bg"] = out.get("bg", 0.0) + 1.0 * min(bg_art, 6)
    out["sr"] = out.get("sr", 0.0) + 0.5 * min(sr_case, 8)
    return out


# Latin letters: language -> letters that point to it (absent from the others here).
_LATN_LETTERS: dict[str, tuple[str, float]] = {
    "sq": ("ëç", 1.5),
    "ro": ("ăâîșțşţ", 1.5),
    "tr": ("ğışİ", 2.0),
    "hu": ("őűöü", 1.0),
    "hr+bs+sr+cnr": ("ćđ", 2.0),
    "hr+bs+sr+cnr+sl": ("čšž", 0.3),
    "cnr": ("śź", 3.0),
    "de": ("ßäöü", 1.0),
}

_LATN_WORDS: dict[str, str] = {
    # Slovenian against Croatian/Serbian/Bosnian
    "in": "sl", "tudi": "sl", "ki": "sl", "so": "sl", "že": "sl", "še": "sl", "kot": "sl",
    "bo": "sl", "bodo": "sl", "ter": "sl", "lahko": "sl", "zelo": "sl", "kar": "sl",
    "pri": "sl hr bs sr", "pa": "sl hr", "ali": "sl hr bs sr", "jih": "sl", "ker": "sl",
    "smo": "sl hr bs sr", "sem": "sl", "bil": "sl", "bila": "sl hr bs sr", "kaj": "sl",
    "i": "hr bs sr cnr", "su": "hr bs sr cnr", "se": "hr bs sr cnr sl",
    "iz": "hr bs sr cnr sl", "od": "hr bs sr cnr sl", "koji": "hr bs sr cnr",
    "koja": "hr bs sr cnr", "koje": "hr bs sr cnr", "nije": "hr bs sr cnr", "će": "hr bs sr cnr",
    "kao": "hr bs sr cnr", "godine": "hr bs sr cnr", "još": "hr bs sr cnr", "samo": "hr bs sr cnr sl",
    # Albanian
    "të": "sq", "në": "sq", "dhe": "sq", "është": "sq", "për": "sq", "një": "sq", "nga": "sq",
    "që": "sq", "me": "sq", "në.": "sq",
    # Romanian
    "și": "ro", "în": "ro", "că": "ro", "este": "ro", "pentru": "ro", "cu": "ro", "sunt": "ro",
    # Turkish
    "ve": "tr", "bir": "tr", "bu": "tr", "için": "tr", "ile": "tr", "da": "tr sl hr bs sr cnr",
}  # fmt: skip


@lru_cache(maxsize=1)
def _latin_index() -> dict[str, tuple[tuple[str, ...], str | None]]:
    """word -> (languages of the word table, or label of the learned Slovenian list)."""
    index: dict[str, tuple[tuple[str, ...], str | None]] = {
        word: ((), label) for word, label in _learned_words("slovene_words.json").items()
    }
    index.update((word, (tuple(langs.split()), None)) for word, langs in _LATN_WORDS.items())
    return index


def latin_scores(text: str, max_tokens: int = 400) -> dict[str, float]:
    low = lowered(text)[0]
    out = _letter_scores(low, _LATN_LETTERS)
    hits: dict[str, float] = {}
    learned_hits: dict[str, int] = {}
    index = _latin_index()
    counts = _token_counts(text, max_tokens)
    for tok in counts.keys() & index.keys():
        n = counts[tok]
        langs, group = index[tok]
        for lang in langs:
            hits[lang] = hits.get(lang, 0.0) + n
        if group:
            learned_hits[group] = learned_hits.get(group, 0) + n
    for lang, n in hits.items():
        out[lang] = out.get(lang, 0.0) + min(n, 12.0)
    for group, n in learned_hits.items():
        langs = ("hr", "bs", "sr", "cnr") if group == "hbs" else (group,)
        for lang in langs:
            out[lang] = out.get(lang, 0.0) + LEARNED_WORD_WEIGHT * min(n, LEARNED_WORD_CAP)
    return out
