"""Named entities: who and what an article mentions, keyed across scripts, cases and languages.

Pure: values in, values out. ``article_mentions`` is run with the language labels
(``pipeline.flows.capture_rows.label_languages``); ``name_keys`` resolves a name typed by a
person (the CLI, search) to the keys the archive stores.
"""

from __future__ import annotations

from pipeline.entities.extract import Mention, extract_mentions
from pipeline.entities.resolve import name_keys, resolve_name
from pipeline.types import Article

# Stored with an article's mentions: a new version makes reprocessing extract them again.
EXTRACTOR_VERSION = 1


def article_mentions(row: Article) -> tuple[tuple[str, str, str, str, int], ...]:
    """The mentions of an article row (its title and its text, or without one its summary), as
    plain (key, label, kind, surface, count) tuples: the rows travel back from the parse worker
    pickled, and plain tuples cost a tenth of what named ones do there."""
    text = row.body_text or row.summary or ""
    return tuple(map(tuple, extract_mentions(row.title, text, row.language)))


__all__ = [
    "EXTRACTOR_VERSION",
    "Mention",
    "article_mentions",
    "extract_mentions",
    "name_keys",
    "resolve_name",
]
