"""The ensemble: script, letters, fastText lite, HBS lexicon, prior; langdetect rarely.

Scores are in nats. Two stages: first the language (with Croatian, Bosnian, Serbian and
Montenegrin pooled as one group "hbs", which fastText cannot split reliably), then, when
the group wins, the member by lexical evidence.
"""

from __future__ import annotations

import itertools
import math
import re

from pipeline.language import backends, hbs, letters
from pipeline.language.script import CYRL, GREK, LATN, profile
from pipeline.language.tags import make_result
from pipeline.language.types import UND, LanguageOptions, LanguageResult, default_options

HBS = ("hr", "bs", "sr", "cnr")
_WORDS = re.compile(r"[^\W\d_]{2,}")
OTHER = "zz"  # pseudo-language: none of fastText's top labels
_EPS = 1e-3  # floor for fastText probabilities: one unseen label costs ~7 nats, not infinity
LETTER_WEIGHT = 0.6  # nats per letter/function-word point (set by judgement, not fitted)
EXPECTED_BONUS = 1.5  # nats for languages the archive expects over exotic labels
PRIOR_WEIGHT = 1.5  # nats for the declared language at group level
# Points for the declared language inside the hbs group: an outlet keeps to its own
# variety nearly always (95% against 2.5% for each other one is log(38) ~ 3.6 nats).
PRIOR_HBS = 3.0
FT_HBS_WEIGHT = 1.0  # weight of fastText's own hr/bs/sr split inside the group
LANGID_WEIGHT = 1.0  # langid.py's hr/bs log-odds enter unweighted (product of experts)
LANGID_MARGIN = 4.0  # consulted only when hr and bs are closer than this (points)
LANGID_GROUP_CONFIDENCE = 0.9  # below this group confidence langid.py is asked too
LANGID_CHARS = 200  # its cost grows with length; 200 characters decide hr/bs as well
LANGDETECT_WEIGHT = 0.5  # share of langdetect in the probabilities when it breaks a tie
TIEBREAK_CANDIDATES = 3  # langdetect may only choose among the best three groups
# Evidence saturates long before: title plus lead (~60 words) decide, and the cap keeps
# an article-length text within the 0.5 ms budget (fastText alone costs ~0.3 us a char).
MAX_CHARS = 400
FASTTEXT_CHARS = 200  # fastText settles the language group sooner than the lexicon
CYRILLIC_SR_BONUS = 3.0  # Cyrillic Serbo-Croatian text is Serbian unless clearly not
# Languages written in Cyrillic that the ensemble considers for Cyrillic text.
_CYRILLIC_LANGS = frozenset({"sr", "mk", "bg", "ru", "uk", "be", "kk", "ky", "mn", "tt", "ba"})
# fastText labels whose language is not written in Latin letters: never an answer for
# Latin text (short Latin strings sometimes get "zh" or "ja" from fastText).
_NON_LATIN_LANGS = _CYRILLIC_LANGS | frozenset(
    "am ar arz as azb bn bo ckb dv el fa gu he hi hy ja ka km kn ko lo ml mr my ne or pa ps "
    "sa si ta te th ug ur yi zh wuu yue mzn pnb sd new bh gom mai bpy dty".split()
)


def _enough_words(text: str, n: int) -> bool:
    return sum(1 for _ in itertools.islice(_WORDS.finditer(text), n)) >= n


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def _normalise_prior(prior: str | None) -> str | None:
    if not prior:
        return None
    code = prior.strip().replace("_", "-").split("-")[0].lower()
    return {"sh": "hbs", "srp": "sr", "hrv": "hr", "bos": "bs", "me": "cnr"}.get(code, code)


_GROUP_OF = {lang: "hbs" for lang in (*HBS, "sh")}


def _group(lang: str) -> str:
    return _GROUP_OF.get(lang, lang)


def _group_scores(
    ft: dict[str, float], evidence: dict[str, float], script: str, options: LanguageOptions
) -> dict[str, float]:
    pooled: dict[str, float] = {}
    for lang, p in ft.items():
        key = _GROUP_OF.get(lang, lang)
        pooled[key] = pooled.get(key, 0.0) + p
    if script == CYRL:
        pooled = {k: v for k, v in pooled.items() if k in _CYRILLIC_LANGS or k == "hbs"}
        if "hbs" in pooled:  # Cyrillic hbs text is Serbian at this stage
            pooled["sr"] = pooled.get("sr", 0.0) + pooled.pop("hbs")
    elif script == LATN:
        pooled = {k: v for k, v in pooled.items() if k not in _NON_LATIN_LANGS}
    # What fastText's top k leave over stands for "something else": it keeps a vague
    # fastText answer from looking confident after the bonuses below.
    pooled[OTHER] = max(1.0 - sum(ft.values()), 0.0)
    ev: dict[str, float] = {}
    for lang, pts in evidence.items():
        key = "sr" if script == CYRL and lang == "sr" else _GROUP_OF.get(lang, lang)
        ev[key] = max(ev.get(key, 0.0), pts)
    bonus = "expected" in options.signals
    expected = options.expected
    hbs_expected = "hr" in expected
    out: dict[str, float] = {}
    for lang in set(pooled) | set(ev):
        score = math.log(pooled.get(lang, 0.0) + _EPS) + LETTER_WEIGHT * ev.get(lang, 0.0)
        if bonus and (lang in expected or (lang == "hbs" and hbs_expected)):
            score += EXPECTED_BONUS
        out[lang] = score
    return out


def _hbs_member_scores(
    text: str,
    ft: dict[str, float],
    script: str,
    prior: str | None,
    options: LanguageOptions,
    lid: dict[str, float] | None,
) -> dict[str, float]:
    """Points per member (hr, bs, sr, cnr): lexicon, fastText's split, langid.py, prior."""
    use_langid = "langid" in options.signals
    lex = hbs.scores(text) if "lexicon" in options.signals else dict.fromkeys(HBS, 0.0)
    # fastText separates ekavian Serbian from the ijekavian rest, but hardly ever says
    # "bs": its hr and bs mass is read as "hr or bs", left to the lexicon to split.
    sh = ft.get("sh", 0.0) / 2
    ijek = ft.get("hr", 0.0) + ft.get("bs", 0.0) + sh
    ft_in = {"hr": ijek, "bs": ijek, "sr": ft.get("sr", 0.0) + sh}
    ft_in["cnr"] = min(ft_in["bs"], ft_in["sr"])
    total = sum(ft_in.values()) or 1.0
    out = {}
    for lang in HBS:
        out[lang] = lex[lang] + FT_HBS_WEIGHT * math.log(ft_in[lang] / total + 0.05)
    if use_langid and script == LATN and abs(out["hr"] - out["bs"]) < LANGID_MARGIN:
        # langid.py separates Croatian from Bosnian better than fastText does; it costs
        # ~0.1 ms, so it is asked only when the lexicon leaves the two close.
        if lid is not None:
            lo = math.log(lid.get("hr", 0.0) + _EPS) - math.log(lid.get("bs", 0.0) + _EPS)
        else:
            lo = backends.langid_log_odds(text[:LANGID_CHARS], "hr", "bs")
        out["hr"] += LANGID_WEIGHT * lo / 2
        out["bs"] -= LANGID_WEIGHT * lo / 2
    if script == CYRL:
        # Croatian is not written in Cyrillic: its vocabulary in Cyrillic means Bosnian.
        out["bs"] = max(out["bs"], out.pop("hr"))
        out["sr"] += CYRILLIC_SR_BONUS
    if prior in out:
        out[prior] += PRIOR_HBS
    return out


def _decide(
    text: str, script: str, prior: str | None, options: LanguageOptions, ft: dict[str, float]
) -> tuple[str, float, float, tuple[str, ...]]:
    """(language, confidence, confidence of its group (hbs members share one), the best
    few groups: the only ones a tie-breaker may choose among)."""
    if script == GREK:
        return "el", max(ft.get("el", 0.0), 0.9), 1.0, ("el",)
    if "letters" not in options.signals:
        evidence: dict[str, float] = {}
    elif script == CYRL:
        evidence = letters.cyrillic_scores(text)
    else:
        evidence = letters.latin_scores(text)
    groups = _group_scores(ft, evidence, script, options)
    if prior:
        key = "hbs" if prior in HBS or prior == "hbs" else prior
        if script == CYRL and key == "hbs":
            key = "sr"
        if key in groups:
            groups[key] += PRIOR_WEIGHT
    probs = _softmax(groups)
    lid: dict[str, float] | None = None
    doubtful = max(probs.values()) < LANGID_GROUP_CONFIDENCE
    if "langid" in options.signals and script == LATN and doubtful:
        # A second statistical opinion where fastText and the letters leave doubt
        # (short or unusual texts); confident texts never pay for it. Not for Cyrillic:
        # there langid.py takes Serbian for Macedonian more often than the letters do.
        lid = backends.langid_probs(text[:LANGID_CHARS])
        mass = {
            lang: sum(lid.get(m, 0.0) for m in HBS) if lang == "hbs" else lid.get(lang, 0.0)
            for lang in groups
            if lang != OTHER
        }
        mass[OTHER] = max(1.0 - sum(mass.values()), 0.0)  # langid.py's "something else"
        for lang, p in mass.items():
            groups[lang] += LANGID_WEIGHT * math.log(p + _EPS)
        probs = _softmax(groups)
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    best, p_best = ranked[0]
    top = tuple(k for k, _ in ranked[:TIEBREAK_CANDIDATES] if k != OTHER)
    if best == OTHER:
        return "und", 0.0, 0.0, ()
    if best == "hbs" or (script == CYRL and best == "sr"):
        members = _softmax(_hbs_member_scores(text, ft, script, prior, options, lid))
        ranked_m = sorted(members.items(), key=lambda kv: -kv[1])
        lang, p_m = ranked_m[0]
        return lang, p_best * p_m, p_best, top
    return best, p_best, p_best, top


def _langdetect_result(text: str, script: str | None, options: LanguageOptions) -> LanguageResult:
    scores = backends.langdetect_scores(text)
    if not scores:
        return UND
    lang, p = max(scores.items(), key=lambda kv: kv[1])
    lang = lang.split("-")[0]
    if p < options.min_confidence:
        return UND
    return make_result(lang, script, p)


def identify(
    text: str, *, prior: str | None = None, options: LanguageOptions | None = None
) -> LanguageResult:
    """Language and script of one text (see the package docstring)."""
    options = options or default_options()
    prof = profile(text[:MAX_CHARS] if len(text) > MAX_CHARS else text)
    if prof.letters < options.min_letters or prof.share < options.min_script_share:
        return UND
    if options.min_words > 1 and not _enough_words(prof.text, options.min_words):
        return UND
    script = prof.dominant
    out_script = script if script in (LATN, CYRL, GREK) else None
    if options.backend == "langdetect":
        return _langdetect_result(prof.text, out_script, options)
    ft = backends.fasttext_scores(prof.text[:FASTTEXT_CHARS], k=10)
    norm_prior = _normalise_prior(prior) if "prior" in options.signals else None
    lang, conf, group_conf, top = _decide(prof.text, script, norm_prior, options, ft)
    if (
        conf < options.min_confidence
        and prof.letters <= options.tiebreak_max_letters
        and "langdetect" in options.signals
    ):
        # langdetect breaks the tie among the leading candidates; it may not bring in a
        # language of its own (on a few words it is as noisy as the others).
        ld = {
            k.split("-")[0]: v
            for k, v in backends.langdetect_scores(prof.text).items()
            if _group(k.split("-")[0]) in top
        }
        if ld:
            for k in set(ft) | set(ld):
                ft[k] = (
                    ft.get(k, 0.0) * (1 - LANGDETECT_WEIGHT) + ld.get(k, 0.0) * LANGDETECT_WEIGHT
                )
            lang, conf, group_conf, top = _decide(prof.text, script, norm_prior, options, ft)
    if conf < options.min_confidence and prof.letters <= options.und_max_letters:
        # Short and undecided. If it is surely Serbo-Croatian and only the variety is
        # open, say so with the macrolanguage tag "sh" (Latin script only: Cyrillic
        # Serbo-Croatian is Serbian by default); otherwise admit "und".
        surely_hbs = lang in HBS and group_conf >= options.min_confidence
        if options.short_hbs_as_sh and surely_hbs and script == LATN:
            return make_result("sh", out_script, group_conf)
        return UND
    return make_result(lang, out_script, conf)
