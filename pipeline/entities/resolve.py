"""A name as a person types it (any script, case or spelling) -> the entity keys to look up."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.entities.gazetteer import gazetteer
from pipeline.entities.keys import WORD_PATTERN, is_acronym, word_key


@dataclass(frozen=True)
class Resolved:
    keys: tuple[str, ...]  # the entity keys the name stands for
    label: str | None  # the gazetteer's label, when the whole name is a known entity
    kind: str | None
    # The name is one word: stored names ending with it are its other forms (a surname).
    surname: str | None


def resolve_name(name: str) -> Resolved:
    """Keys for ``name``: the gazetteer entity it names, else its own folded key."""
    words = WORD_PATTERN.findall(name)
    if not words:
        return Resolved((), None, None, None)
    keys = [word_key(w.lower()) for w in words]
    if len(words) == 1 and len(words[0]) <= 3 and not words[0].isupper():
        # "be", "eu", "un" typed in lower case are words; only "BE", "EU" name the Union.
        return Resolved((keys[0],), None, None, keys[0])
    gaz = gazetteer()
    forms = [keys]
    if len(words) == 1 and is_acronym(words[0]):
        forms.insert(0, [word_key(words[0])])
    for form in forms:
        hit = gaz.match(form, 0) if form[0] in gaz.longest else None
        if hit is not None and hit[1] == len(form):
            entry = hit[0]
            return Resolved((entry.key,), entry.label, entry.kind, None)
    own = " ".join(k for k in forms[0] if k)
    return Resolved((own,), None, None, own if len(words) == 1 else None)


def name_keys(name: str) -> tuple[str, ...]:
    return resolve_name(name).keys
