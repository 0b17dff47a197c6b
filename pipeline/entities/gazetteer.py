"""The gazetteer: the region's names whose forms differ beyond spelling, each with its kind.

``pipeline/entities/data/gazetteer.toml`` (package data) lists entities with a label, a kind
and aliases. Every alias is indexed by the keys of its words (``pipeline.entities.keys``), so
one alias stands for all its cases and spellings; the entity's key is the key of its label.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.entities.keys import WORD_PATTERN, is_acronym, name_key, word_key

KINDS = frozenset({"person", "place", "organization", "other"})


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    label: str
    kind: str


@dataclass(frozen=True)
class Gazetteer:
    # Key words of an alias -> its entity.
    names: dict[tuple[str, ...], Entry]
    # First key word of an alias -> the most key words an alias starting with it has.
    longest: dict[str, int]

    def match(self, keys: list[str], start: int) -> tuple[Entry, int] | None:
        """The longest alias at ``keys[start:]``: (entity, words taken), or None."""
        most = self.longest.get(keys[start])
        if most is None:
            return None
        for size in range(min(most, len(keys) - start), 0, -1):
            entry = self.names.get(tuple(keys[start : start + size]))
            if entry is not None:
                return entry, size
        return None


def _alias_keys(alias: str) -> list[tuple[str, ...]]:
    """The key words of an alias; an acronym also as a lower-case word ("nato" typed)."""
    words = WORD_PATTERN.findall(alias)
    found = [tuple(filter(None, map(word_key, words)))]
    if len(words) == 1 and is_acronym(words[0]):
        found.append((word_key(words[0].lower()),))
    return [k for k in found if k]


def parse_gazetteer(text: str) -> Gazetteer:
    """A gazetteer from its TOML text; raises ValueError on a bad entry."""
    names: dict[tuple[str, ...], Entry] = {}
    for item in tomllib.loads(text).get("entity", []):
        label, kind = item.get("label"), item.get("kind")
        if not label or kind not in KINDS:
            raise ValueError(
                f"gazetteer entry {item!r}: needs a label and a kind in {sorted(KINDS)}"
            )
        entry = Entry(name_key(WORD_PATTERN.findall(label)), label, kind)
        for alias in (label, *item.get("aliases", ())):
            for keys in _alias_keys(alias):
                # The first entry listed keeps an alias that two entries share.
                names.setdefault(keys, entry)
    longest: dict[str, int] = {}
    for keys in names:
        longest[keys[0]] = max(longest.get(keys[0], 0), len(keys))
    return Gazetteer(names, longest)


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, read once per process."""
    data = resources.files("pipeline.entities").joinpath("data/gazetteer.toml")
    return parse_gazetteer(data.read_text(encoding="utf-8"))
