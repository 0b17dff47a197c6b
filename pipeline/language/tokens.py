"""A text lower-cased and cut into words, once for all the scorers that read it."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=16)
def lowered(text: str) -> tuple[str, tuple[str, ...]]:
    """(``text.lower()``, its runs of letters). One identify() call hands the same sample
    to the letter and the lexicon scorers; the cache makes it one pass, not two."""
    low = text.lower()
    return low, tuple(_TOKEN.findall(low))


def lower_tokens(text: str) -> tuple[str, ...]:
    return lowered(text)[1]
