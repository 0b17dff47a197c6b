"""The entities an article mentions: candidate phrases matched to the gazetteer or keyed by
their folded stem, with the text as written.

Bounded work per article: at most MAX_TEXT_CHARS of text are read, at most MAX_SCAN_WORDS words
of a segment without case information (all lower case, all capitals, title case), a name has at
most MAX_NAME_WORDS words and MAX_SURFACE_CHARS characters, and an article keeps at most
MAX_ENTITIES entities.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.entities.candidates import (
    MAX_RUN_WORDS,
    STOP_KEYS,
    Run,
    capitalised_runs,
    follow_words,
    join_english_links,
    openers_for,
)
from pipeline.entities.gazetteer import Entry, gazetteer
from pipeline.entities.keys import WORD_PATTERN, is_acronym, word_key
from pipeline.text.fold import transliterate

# Longer texts are books or dumps, not articles; their first 100,000 characters still count.
MAX_TEXT_CHARS = 100_000
MAX_SCAN_WORDS = 20_000
# A person, a place or an institution is named in five words or fewer once its title is gone
# ("Ursula von der Leyen"); gazetteer names may be longer.
MAX_NAME_WORDS = 5
MAX_SURFACE_CHARS = 120
MAX_ENTITIES = 200
# A segment whose words are more than this share capitalised is title case or shouting: its
# capitals say nothing, and only known names are looked for in it.
MAX_CAPITALISED_SHARE = 0.6
# Gazetteer aliases are looked up across this many words past a run ("Srpska napredna stranka").
_MAX_FOLLOW = 4
UNKNOWN_KIND = "other"


class Mention(NamedTuple):
    """One entity as an article writes it: ``count`` occurrences of ``surface``."""

    key: str
    label: str
    kind: str
    surface: str
    count: int


@dataclass(slots=True)
class _Found:
    key: str
    entry: Entry | None
    surface: str
    words: int  # words of the name
    opens_sentence: bool
    first_key: str  # key of the first word (deciding a sentence-opening name)
    rest: tuple[str, str] | None  # (key, surface) without its first word
    # The first word of a sentence-opening name is an ordinary word of the language.
    ordinary: bool = False


def _informative(segment: str, capitalised: int) -> bool:
    if segment == segment.upper() or not capitalised:
        return False  # shouted, all lower case, or no letters at all
    words = segment.count(" ") + 1
    return capitalised <= MAX_CAPITALISED_SHARE * words or words < 4


# Serbo-Croatian and Macedonian capitalise only the first word of a multi-word name; a
# capitalised adjective ("Dunavski most", "Turistička zajednica", "Македонски телеком") takes
# the lower-case word after it.
_ADJECTIVE = re.compile(r"(?:sk|čk|šk|ck)(?:i|a|o|e|og|om|oj|u|ih|im|ata|iot|oto)$")


def _adjective_noun(text: str, run: Run, b: int, openers: frozenset[str]) -> tuple[str, int] | None:
    """The lower-case noun after a capitalised adjective ending the run: (word, its end)."""
    if not _ADJECTIVE.search(transliterate(run.words[b - 1]).lower()):
        return None
    after = follow_words(text, run.spans[b - 1][1], 1)
    if not after:
        return None
    word, end = after[0]
    if not word.islower() or len(word) < 3 or word_key(word) in openers:
        return None
    return word, end


def _run_names(
    text: str, run: Run, found: list[_Found], openers: frozenset[str], nouns: bool = False
) -> int:
    """Names of one run: the longest gazetteer aliases, and what lies between them. Returns
    where the last name taken ends (an alias may take lower-case words after the run)."""
    gaz = gazetteer()
    taken = run.spans[-1][1]
    keys = run.keys
    i, chunk_start = 0, 0
    n = len(keys)

    def unknown(a: int, b: int) -> None:
        if b <= a or b - a > MAX_NAME_WORDS or n > MAX_RUN_WORDS:
            return
        start, end = run.spans[a][0], run.spans[b - 1][1]
        noun = _adjective_noun(text, run, b, openers) if nouns and b == n else None
        if noun is not None:
            nonlocal taken
            end, taken = noun[1], max(taken, noun[1])
        surface = text[start:end]
        # Every word of a run starts with a letter: two characters hold two letters or "A.".
        if len(surface) < 2 or len(surface) > MAX_SURFACE_CHARS:
            return
        if all(w.endswith(".") for w in run.words[a:b]):
            return  # initials alone, before a known name
        name = [k for k in keys[a:b] if k] + ([word_key(noun[0])] if noun else [])
        if not name:
            return
        opens = run.opens_sentence and a == 0
        rest, ordinary = None, False
        if opens and b - a > 1:
            rest = (" ".join(keys[a + 1 : b]), text[run.spans[a + 1][0] : end])
            first = run.words[a].lower()
            ordinary = keys[a] in openers or f" {first} " in text
        words = b - a + (noun is not None)
        found.append(_Found(" ".join(name), None, surface, words, opens, keys[a], rest, ordinary))

    while i < n:
        hit = None
        if keys[i] in gaz.longest:
            extra: list[tuple[str, int]] = []
            if gaz.longest[keys[i]] > n - i:
                wanted = min(_MAX_FOLLOW, gaz.longest[keys[i]])
                extra = follow_words(text, run.spans[-1][1], wanted)
            hit = gaz.match(keys + [word_key(w) for w, _e in extra], i)
        if hit is None:
            i += 1
            continue
        entry, size = hit
        unknown(chunk_start, i)
        ends = [e for _s, e in run.spans] + [e for _w, e in extra]
        surface = text[run.spans[i][0] : ends[i + size - 1]]
        opens = run.opens_sentence and i == 0
        surface = surface[:MAX_SURFACE_CHARS]
        found.append(_Found(entry.key, entry, surface, size, opens, keys[i], None))
        taken = max(taken, ends[i + size - 1])
        i += size
        chunk_start = i
    unknown(chunk_start, n)
    return taken


def _scan_known(segment: str, found: list[_Found], known: set[str]) -> None:
    """Gazetteer names, and names found elsewhere in the article, in a segment whose case says
    nothing: every word is looked up, lower-cased (and as an acronym)."""
    gaz = gazetteer()
    matches = list(WORD_PATTERN.finditer(segment[:MAX_TEXT_CHARS]))[:MAX_SCAN_WORDS]
    words = [m.group() for m in matches]
    keys = [word_key(w.lower()) for w in words]
    i = 0
    while i < len(keys):
        hit = gaz.match(keys, i) if keys[i] in gaz.longest else None
        if hit is None and is_acronym(words[i]):
            acronym = [word_key(words[i])]
            hit = gaz.match(acronym, 0) if acronym[0] in gaz.longest else None
        if hit is not None:
            entry, size = hit
            surface = segment[matches[i].start() : matches[i + size - 1].end()]
            found.append(_Found(entry.key, entry, surface, size, False, keys[i], None))
            i += size
            continue
        if keys[i] in known and keys[i] not in STOP_KEYS:
            found.append(_Found(keys[i], None, words[i], 1, False, keys[i], None))
        i += 1


def find_names(
    title: str, text: str, language: str | None = None
) -> tuple[list[_Found], list[tuple[str, str]]]:
    """Every name occurrence of an article, sentence-opening ones still undecided, and the
    single words opening a sentence: (key, surface)."""
    openers = openers_for(language)
    family = (language or "").split("-")[0]
    nouns = family in ("sr", "bs", "hr", "mk", "cnr", "sh")
    found: list[_Found] = []
    # Single words opening a sentence: (key, surface), decided once the article is read.
    pending: list[tuple[str, str]] = []
    deferred: list[str] = []
    for segment in (text[:MAX_TEXT_CHARS], title[:MAX_TEXT_CHARS]):
        if not segment:
            continue
        runs = capitalised_runs(segment)
        if _informative(segment, sum(len(r.words) for r in runs)):
            if family == "en":
                runs = join_english_links(segment, runs)
            taken = 0
            known = gazetteer().longest
            for run in runs:
                if run.opens_sentence and len(run.words) == 1:
                    # A word opening a sentence: an ordinary word ("Posle", "Sipas", "The"),
                    # or a name only if the article confirms it (see _decide).
                    key = run.keys[0]
                    if key in openers:
                        continue
                    word = run.words[0]
                    if key not in known and run.spans[0][0] >= taken and not is_acronym(word):
                        if len(word) > 1 and len(word) <= MAX_SURFACE_CHARS:
                            pending.append((key, word))
                        continue
                if run.spans[0][0] >= taken:
                    taken = _run_names(segment, run, found, openers, nouns)
        else:
            deferred.append(segment)
    if deferred:
        known = {f.key for f in found if f.entry is None and f.words == 1}
        for segment in deferred:
            _scan_known(segment, found, known)
    return found, pending


def _decide(found: list[_Found], pending: list[tuple[str, str]]) -> list[_Found]:
    """Sentence-opening names: kept when the gazetteer knows them or the article also writes
    their first word capitalised inside a sentence; otherwise their first word is an ordinary
    word ("Danas", "Sot", "Yesterday") and the rest, if any, is the name."""
    confirmed = {
        k for f in found if f.entry is None and not f.opens_sentence for k in f.key.split(" ")
    }
    confirmed.update(f.key for f in found if f.entry is not None)
    for f in found:
        if f.entry is None and f.words > 1:
            # A name of several words confirms its words, its first unless ordinary.
            words = f.key.split(" ")
            confirmed.update(words[1:] if f.opens_sentence and f.ordinary else words)
    kept = []
    for f in found:
        if f.entry is not None or not f.opens_sentence or f.first_key in confirmed:
            kept.append(f)
        elif f.words == 1 and is_acronym(f.surface):
            kept.append(f)  # "EULEX je saopštio": an acronym is a name wherever it stands
        elif f.rest is not None and not f.ordinary:
            kept.append(f)  # "Arben Gashi tha": a name of two words opening the sentence
        elif f.rest is not None:
            key, surface = f.rest
            kept.append(_Found(key, None, surface, f.words - 1, False, key.split(" ")[0], None))
    kept.extend(_Found(k, None, w, 1, False, k, None) for k, w in pending if k in confirmed)
    return kept


def _resolve_surnames(found: list[_Found]) -> None:
    """A single word equal to the last word of a longer name in the same article is that name
    ("Petar Petrović ... Petrović je rekao")."""
    longer: dict[str, _Found] = {}
    for f in found:
        if f.words > 1 and (f.entry is None or f.entry.kind == "person"):
            longer.setdefault(f.key.rsplit(" ", 1)[-1], f)
    if not longer:
        return
    for f in found:
        if f.entry is None and f.words == 1 and f.key in longer:
            owner = longer[f.key]
            f.key, f.entry = owner.key, owner.entry


def extract_mentions(title: str, text: str, language: str | None = None) -> tuple[Mention, ...]:
    """The entities of an article (its title and text, in ``language`` if known), one Mention
    per (entity, surface)."""
    found = _decide(*find_names(title or "", text or "", language))
    _resolve_surnames(found)
    counts = Counter((f.key, f.surface) for f in found)
    entries = {f.key: f.entry for f in found if f.entry is not None}
    # An unknown entity is labelled with its fullest, then shortest surface: the whole name in
    # the nominative, usually.
    labels: dict[str, str] = {}
    rank = {}
    for key, surface in counts:
        score = (-surface.count(" "), len(surface))
        if key not in entries and (key not in labels or score < rank[key]):
            labels[key], rank[key] = surface, score
    order = [k for k, _n in Counter(k for k, _s in counts.elements()).most_common(MAX_ENTITIES)]
    allowed = set(order)
    mentions = []
    for (key, surface), count in counts.items():
        if key not in allowed:
            continue
        entry = entries.get(key)
        label, kind = (entry.label, entry.kind) if entry else (labels[key], UNKNOWN_KIND)
        mentions.append(Mention(key, label, kind, surface, count))
    return tuple(mentions)
