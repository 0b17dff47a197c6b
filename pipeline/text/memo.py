"""A bounded memo for pure functions of strings, on the hot paths of cleaning and dedup.

News text repeats: the same words, paragraphs and furniture lines come back article after
article. ``memo[key]`` looks a result up at C speed and computes it only on a miss.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedMemo(dict, Generic[V]):
    """``memo[key]`` is ``compute(key)``, remembered for keys of at most ``max_key_chars``
    characters (a long key seldom comes back and would hold memory); all forgotten at once when
    ``max_entries`` are held, which costs nothing on a hit, unlike recency bookkeeping, and the
    next articles' working set refills it within a few documents."""

    def __init__(self, compute: Callable[[str], V], max_entries: int, max_key_chars: int) -> None:
        super().__init__()
        self._compute = compute
        self._max_entries = max_entries
        self._max_key_chars = max_key_chars

    def __missing__(self, key: str) -> V:
        value = self._compute(key)
        if len(key) <= self._max_key_chars:
            if len(self) >= self._max_entries:
                self.clear()
            self[key] = value
        return value
