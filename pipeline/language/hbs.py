"""Croatian / Bosnian / Serbian / Montenegrin: scoring by lexical and grammatical evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.language.hbs_lexicon import EXACT, LANGS, PREFIX, PREFIX_LENGTHS
from pipeline.language.tokens import lower_tokens
from pipeline.text.fold import SERBIAN_CYRILLIC

_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)

_TRANSLIT = str.maketrans(SERBIAN_CYRILLIC)

# Modal and other verbs that Serbian (and often Bosnian) completes with "da + present"
# where Croatian uses the infinitive: "treba da ide" against "treba ići".
_MODALS = frozenset(
    "treba trebalo trebao trebala može mogu možemo mora moraju moramo mogao mogla želi žele "
    "želimo hoće hoćemo počeo počela počinje nastavio nastavlja pokušava pokušao uspeo "
    "uspio namerava namjerava planira odlučio".split()
)
# Serbian synthetic future "biće", "radiće" against Croatian "bit će", "radit će".
_SYNTH_FUTURE = frozenset(
    "biću bićeš biće bićemo bićete imaće imaćemo moraće moraćemo trebaće ostaće postaće "
    "doneće održaće dobiće počeće nastaviće radiće govoriće dolaziće".split()
)
_FUTURE_AUX = frozenset("ću ćeš će ćemo ćete".split())

# Montenegrin letters and Serbian-only letters are decided by spelling, not words.
_CNR_LETTERS = re.compile("[śźŚŹ]")
_FOREIGN_LETTERS = re.compile("[qwxy]")
_BIH = re.compile(r"\b(?:F?BiH|БиХ)\b")


# Ijekavian reflexes of yat inside a word (not the case endings -ije/-je): "rije", "mje",
# "svje", "dje"... Tokens the lexicon already knows are not counted twice.
_IJEKAVIAN = re.compile(r"(?:ije|[bmvpdtcsrz]je)(?=[a-zčćđšž]{2})")
_NOT_IJEKAVIAN = re.compile(
    r"(?:klijent|orijent|dijet|dijal|kijev|prijem|higijen|danijel|gabrijel|objek|subjek|"
    r"sjedinj|projek|injek|trajekt|pijeta|dijetet|izje|razje|sjenic|\w*rjeb)"
)
_HR_FORMATION = re.compile(
    r"\w{3,}(?:telj(?:a|u|em|i|ima|ica|ice|stvo|stva)?|izira(?:ti|m|mo|ju|o|la|li|n|na|nje|nja))$"
)
_COMMON_TELJ = re.compile(r"(?:ne)?(?:prijatelj|roditelj|učitelj|pokrovitelj|spasitelj|stvoritelj)")
_EAST_FORMATION = re.compile(
    r"\w{2,}(?:izova(?:ti|o|la|li|lo|n|na|no|ni|nje|nja)|izuj(?:e|em|emo|u)"
    r"|ilac|ioca|iocu|iocem|ioci|[^p]isa(?:ti|o|la|li|n|na|no|ni|nje|nja))$"
)
_NATIVE_ISATI = re.compile(r"(?:pisa|visa|njisa|disa)\w*$")
IJEKAVIAN_GENERIC = 1.0  # points per unlisted ijekavian token
FOREIGN_SPELLING = 0.5  # points to hr and bs per word spelled with q, w, x or y
ABSENCE_MAX_TOKENS = 40  # absence evidence stops growing after this many tokens
# The rates come from word lists (content words); in running text about 40% of tokens
# are function words that never carry a marker, so the per-token rate is ~0.6 of it.
RUNNING_TEXT_DILUTION = 0.6
_IJEK_SET = frozenset({"hr", "bs", "cnr"})
_KINDS = ("hr", "bs", "sr", "ijek")


def _load_rates() -> dict[str, dict[str, float]]:
    """kind -> language -> marker rate per token, from bench/langid/build_lexicon.py."""
    raw = json.loads((Path(__file__).parent / "data" / "hbs_rates.json").read_text("utf-8"))
    rates = {k: {lang: float(raw[lang][k]) for lang in ("hr", "bs", "sr")} for k in _KINDS}
    for by_lang in rates.values():
        by_lang["cnr"] = by_lang["bs"]  # no Montenegrin word list: closest is Bosnian
    return rates


def _token_kind(tok: str, hit: dict[str, float] | None) -> str | None:
    """Which marker kind a token carries: "hr", "bs", "sr" (only), "ijek", or None."""
    if hit:
        langs = frozenset(hit)
        if langs == _IJEK_SET:
            return "ijek"
        if len(langs) == 1:
            kind = next(iter(langs))
            return kind if kind in _KINDS else None
        return None
    if _IJEKAVIAN.search(tok) and not _NOT_IJEKAVIAN.match(tok):
        return "ijek"
    return None


def marker_kinds(text: str) -> tuple[int, dict[str, int]]:
    """(tokens, count per marker kind) of a text; used to build the rates file."""
    found: dict[str, int] = {}
    tokens = _TOKEN.findall(transliterate(text))
    for tok in tokens:
        kind = _token_kind(tok, _lookup(tok))
        if kind:
            found[kind] = found.get(kind, 0) + 1
    return len(tokens), found


_Analysis = tuple[dict[str, float] | None, str | None]  # (points, marker kind)
_CACHE: dict[str, _Analysis] = {}
_CACHE_MAX = 200_000  # tokens; news vocabulary repeats, so the cache stays small in practice


def _lookup(tok: str) -> dict[str, float] | None:
    hit = EXACT.get(tok)
    if hit is None:
        for n in PREFIX_LENGTHS:
            if n > len(tok):
                break
            hit = PREFIX.get(tok[:n])
            if hit is not None:
                break
    return hit


def _analyse(tok: str) -> _Analysis:
    """Points a single token carries and its marker kind; cached per distinct token."""
    try:
        return _CACHE[tok]
    except KeyError:
        pass
    hit = _lookup(tok)
    kind = _token_kind(tok, hit)
    points = dict(hit) if hit else {}
    if kind == "ijek" and not hit:
        for lang in ("hr", "bs", "cnr"):
            points[lang] = points.get(lang, 0.0) + IJEKAVIAN_GENERIC
    # Word formation: Croatian agent nouns in -telj against Serbian/Bosnian -lac
    # ("gledatelj" / "gledalac"), loan verbs in -izirati against -izovati/-isati.
    if _HR_FORMATION.search(tok) and not _COMMON_TELJ.match(tok):
        points["hr"] = points.get("hr", 0.0) + 1.0
    elif _EAST_FORMATION.search(tok) and not _NATIVE_ISATI.search(tok):
        for lang, w in (("sr", 1.0), ("bs", 0.6), ("cnr", 0.6)):
            points[lang] = points.get(lang, 0.0) + w
    # Serbian spells foreign names phonetically ("Vašington"); Croatian and Bosnian keep
    # the original spelling, so q, w, x, y inside words point away from Serbian.
    if _FOREIGN_LETTERS.search(tok):
        for lang in ("hr", "bs"):
            points[lang] = points.get(lang, 0.0) + FOREIGN_SPELLING
    result = (points or None, kind)
    if len(_CACHE) < _CACHE_MAX:
        _CACHE[tok] = result
    return result


def transliterate(text: str) -> str:
    """Serbian Cyrillic to Latin (gaj) so one lexicon serves both scripts."""
    return text.lower().translate(_TRANSLIT)


# Roles a token can play in the two-word rules of scores(), cached with its points so the
# scan does set lookups only for tokens that play one.
_MODAL, _DA, _INFINITIVE, _SYNTH, _AUX, _T_END, _JE, _LI = (1 << i for i in range(8))
_Entry = tuple[tuple[tuple[str, float], ...], str | None, int]  # (points, kind, roles)
_ENTRIES: dict[str, _Entry] = {}  # by the lower-cased word as written (either script)


def _roles(tok: str) -> int:
    roles = 0
    if tok in _MODALS:
        roles |= _MODAL
    if tok == "da":
        roles |= _DA
    elif tok == "je":
        roles |= _JE
    elif tok == "li":
        roles |= _LI
    if tok.endswith(("ti", "ći")) and len(tok) > 3:
        roles |= _INFINITIVE
    if tok in _SYNTH_FUTURE:
        roles |= _SYNTH
    elif tok in _FUTURE_AUX:
        roles |= _AUX
    if len(tok) > 2 and tok.endswith("t"):
        roles |= _T_END
    return roles


def _entry(tok: str) -> _Entry:
    try:
        return _ENTRIES[tok]
    except KeyError:
        pass
    latin = tok.translate(_TRANSLIT)
    points, kind = _analyse(latin)
    entry = (tuple(points.items()) if points else (), kind, _roles(latin))
    if len(_ENTRIES) < _CACHE_MAX:
        _ENTRIES[tok] = entry
    return entry


def scores(text: str, max_tokens: int = 400) -> dict[str, float]:
    """Evidence points per language (hr, bs, sr, cnr) for a Latin or Cyrillic text."""
    out = dict.fromkeys(LANGS, 0.0)
    # Transliteration maps letters to letters, so it can wait for the words: each distinct
    # word is transliterated once, when it enters the cache.
    tokens = lower_tokens(text)[:max_tokens]
    prev = 0  # roles of the previous token
    found: dict[str, int] = {}
    for tok in tokens:
        points, kind, roles = _ENTRIES.get(tok) or _entry(tok)
        for lang, w in points:
            out[lang] += w
        if kind:
            found[kind] = found.get(kind, 0) + 1
        if roles or prev:
            _two_word_rules(prev, roles, out)
        prev = roles
    # Absence is evidence too (Poisson: log P(no marker of a kind in n tokens | lang) =
    # -rate * n): a longer text without any ijekavian form leans Serbian, one without
    # any Croatian-only word leans away from Croatian. Rates: data/hbs_rates.json.
    n = RUNNING_TEXT_DILUTION * min(len(tokens), ABSENCE_MAX_TOKENS)
    for kind, by_lang in _RATES.items():
        if not found.get(kind):
            for lang in LANGS:
                out[lang] -= by_lang[lang] * n
    # "BiH" (Bosnia and Herzegovina) is only recognisable before lower-casing ("bih" is
    # also the verb "would").
    bih = len(_BIH.findall(text)) if "BiH" in text or "БиХ" in text else 0
    if bih:
        out["bs"] += 2.0 * min(bih, 3)
    if _CNR_LETTERS.search(text):
        out["cnr"] += 4.0
    return out


def _two_word_rules(prev: int, roles: int, out: dict[str, float]) -> None:
    """Points from a token read with the one before it (roles of both)."""
    if prev & _MODAL:
        if roles & _DA:  # "treba da ide"
            out["sr"] += 1.0
            out["bs"] += 0.4
            out["cnr"] += 0.6
        elif roles & _INFINITIVE:  # "treba ići"
            out["hr"] += 1.0
            out["bs"] += 0.5
    if roles & _SYNTH:
        out["sr"] += 1.0
        out["bs"] += 0.4
    elif roles & _AUX and prev & _T_END:
        out["hr"] += 1.0  # "bit će", "radit ćemo"
    if roles & _LI:
        if prev & _JE:
            out["hr"] += 1.0
        elif prev & _DA:
            out["sr"] += 1.0
            out["bs"] += 0.5
            out["cnr"] += 0.5


_RATES = _load_rates()
