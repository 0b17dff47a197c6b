"""Candidate proper-noun phrases of a text: runs of capitalised words inside sentences.

Only capitalised words are visited (one regular expression over the text, in C), so the cost
per article follows its names, not its length. A run is one or more capitalised words joined by
single spaces (initials such as "A." included); title words ("Predsednik", "Kryeministri",
"Prime Minister") and acronyms split runs. A run that opens a sentence may start with an
ordinary word ("Danas", "Sot", "The"): the caller decides with what the rest of the article says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.entities.keys import _ACRONYMS, _KEYS, is_acronym, word_key

_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
# Upper-case and title-case letters of the Latin, Greek and Cyrillic blocks.
_UPPER = "".join(
    chr(c) for c in range(0x41, 0x530) if chr(c).isupper() or chr(c).istitle()
).replace("\\", "")
_CAPITALISED = re.compile(
    rf"(?<![\w{_INVISIBLE}])[{re.escape(_UPPER)}][\w{_INVISIBLE}]*(?:[-'’][\w{_INVISIBLE}]+)*"
)
# Characters after which a capital opens a sentence (or a quotation, a list item, a heading).
_OPENERS = frozenset('.!?…:;"“”„«»‹›\n—–-•*')
# A run longer than this is a shouted or title-case passage, not a name.
MAX_RUN_WORDS = 8
# Words that stand before or between names without being part of them: titles and forms of
# address in the region's languages and English, English months and weekdays, "I".
_STOP_WORDS = (
    "predsednik predsjednik predsednica predsjednica председник премијер premijer premijerka "
    "ministar ministarka министар gradonačelnik ambasador ambasadorka izaslanik šef "
    "kryeministri kryeministër kryeministrja presidenti presidentja ministri ministrja kryetari "
    "kryetarja zëvendëskryeministri deputeti deputetja ambasadori zoti zonja "
    "president prime minister foreign secretary chancellor ambassador mayor envoy speaker "
    "gradonačelnica gradonačelnika poslanik poslanica poslanika zastupnik zastupnica profesor "
    "profesorka analitičar analitičarka novinar novinarka посланик посланица градоначалник "
    "градоначалникот премиерот претседателот министерот kryebashkiak analist profesori "
    "analyst professor spokesman spokeswoman commander general "
    "mr mrs ms dr sir the "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december"
)
STOP_KEYS = frozenset(word_key(w) for w in _STOP_WORDS.split())


@dataclass(slots=True)
class Run:
    """Capitalised words next to each other: their texts, spans, and whether the first opens
    a sentence."""

    words: list[str]
    spans: list[tuple[int, int]]
    opens_sentence: bool
    keys: list[str]  # word_key of each word


def _opens_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    if i < 0:
        return True
    char = text[i]
    if char == ".":
        # "A. Vučić": the full stop of an initial ends no sentence.
        return not (i >= 1 and text[i - 1].isupper() and (i < 2 or not text[i - 2].isalnum()))
    return char in _OPENERS


def capitalised_runs(text: str) -> list[Run]:
    """The runs of capitalised words of ``text``, in order (words of a run past MAX_RUN_WORDS
    are not kept: the run is too long to be a name anyway)."""
    runs: list[Run] = []
    current: Run | None = None
    last_end = -1
    # The memos themselves, not their wrappers: this loop is the stage's hot path.
    keys, acronyms, stop = _KEYS, _ACRONYMS, STOP_KEYS
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        start, end = match.span()
        if word[-2:] in ("'s", "’s"):
            # An English possessive ("Albania's Rama") ends the name, and the run.
            word, end = word[:-2], end - 2
        if len(word) == 1 and text[end : end + 1] == ".":
            end += 1
            word += "."
        key = keys[word]
        acronym = acronyms[word] and word[-1] != "."
        if acronym or key in stop:
            # A title word or an acronym ends the run before it; an acronym is a run alone.
            if current is not None:
                runs.append(current)
                current = None
            if acronym:
                runs.append(Run([word], [(start, end)], _opens_sentence(text, start), [key]))
            continue
        if current is not None and (start == last_end or text[last_end:start] in _JOINS):
            if len(current.words) <= MAX_RUN_WORDS:
                current.words.append(word)
                current.spans.append((start, end))
                current.keys.append(key)
            last_end = end
            continue
        if current is not None:
            runs.append(current)
        current = Run([word], [(start, end)], _opens_sentence(text, start), [key])
        last_end = end
    if current is not None:
        runs.append(current)
    return runs


_JOINS = frozenset({" ", "\u00a0"})


def follow_words(text: str, end: int, count: int) -> list[tuple[str, int]]:
    """Up to ``count`` words after position ``end``, each separated by single spaces from the
    one before: (word, its end). For aliases with lower-case words ("Evropska unija")."""
    found: list[tuple[str, int]] = []
    for _ in range(count):
        match = _FOLLOW.match(text, end)
        if match is None:
            break
        found.append((match.group(1), match.end()))
        end = match.end()
    return found


_FOLLOW = re.compile(rf"[ \u00a0]([\w{_INVISIBLE}]+(?:[-'’][\w{_INVISIBLE}]+)*)")


# Words that often open a sentence and are not names, per language family (prepositions,
# pronouns, adverbs of time, reporting words): a capitalised run that opens a sentence with one
# of these starts its name at the next word ("Danas Aleksandar Vučić", "Sipas Kurtit").
_OPENERS_BY_FAMILY = {
    "hbs": (
        "u na od do za po iz sa s o pri prema nakon posle poslije tokom tijekom kako kada kad dok "
        "ako ali i a ni te to taj ta ovaj ova ovo on ona ono oni one mi vi ja danas juče jučer "
        "sutra sinoć jutros večeras ipak takođe također međutim osim pored između ispred iza "
        "nije jeste još već sada tada tamo ovde ovdje zbog bez kroz protiv sve svi neki mnogi "
        "njegov njen njihov premijer"
    ),
    "sq": (
        "në nga për me pa mbi pas para gjatë sipas sot dje nesër ai ajo ata ato ky kjo këta "
        "këto ne ju unë edhe dhe por nëse kur si ku çdo të një disa shumë megjithatë gjithashtu "
        "ndërsa tani atje këtu prej drejt kundër rreth midis pranë"
    ),
    "mk": (
        "во на од до за по со при според по после пред тој таа тоа тие ние вие јас денес вчера "
        "утре сепак исто така меѓутоа додека кога ако но и а овој оваа ова тука таму сега"
    ),
    "en": (
        "in on at of for from with by to after before during since until according yesterday "
        "today tomorrow meanwhile also but and or if when while as he she it they we you this "
        "that these those there here his her their its our some many most all both every "
        "however earlier later last next new"
    ),
}
OPENERS = {
    family: frozenset(map(word_key, words.split())) for family, words in _OPENERS_BY_FAMILY.items()
}
ALL_OPENERS = frozenset().union(*OPENERS.values())
_FAMILIES = {"sr": "hbs", "bs": "hbs", "hr": "hbs", "cnr": "hbs", "sh": "hbs", "hbs": "hbs"}


def openers_for(language: str | None) -> frozenset[str]:
    """The sentence openers of the article's language (from the language stage), or of every
    language when it is unknown."""
    if not language:
        return ALL_OPENERS
    base = language.split("-")[0]
    return OPENERS.get(_FAMILIES.get(base, base), ALL_OPENERS)


# English names with lower-case links between capitalised words ("Bank for Reconstruction and
# Development", "Council of Europe"); "and" only after another link, so that "Serbia and Kosovo"
# stay two names.
_LINKS = (" of ", " for ", " on ")


def join_english_links(text: str, runs: list[Run]) -> list[Run]:
    """Runs joined across the links of English institution names."""
    joined: list[Run] = []
    linked = False
    for run in runs:
        if joined and not is_acronym(run.words[0]):
            prev = joined[-1]
            gap = text[prev.spans[-1][1] : run.spans[0][0]]
            if (gap in _LINKS or (linked and gap == " and ")) and not is_acronym(prev.words[-1]):
                if len(prev.words) + len(run.words) <= MAX_RUN_WORDS:
                    link = (prev.spans[-1][1] + 1, run.spans[0][0] - 1)
                    prev.words.extend([gap.strip(), *run.words])
                    prev.spans.extend([link, *run.spans])
                    prev.keys.extend([word_key(gap.strip()), *run.keys])
                    linked = True
                    continue
        joined.append(run)
        linked = False
    return joined
