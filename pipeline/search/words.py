"""The search index's words of an article, computed by the loader (PostgreSQL).

The lexemes of ``articles.search_tsv`` are the distinct folded words of title, summary and text:
exactly what a query is split into (``query_terms``), so every query word can match. Sending
them saves the server from parsing and folding the text itself (migration 0006).
"""

from __future__ import annotations

from pipeline.text.fold import comparison_text

# As in migrations 0003 and 0006: a tsvector must stay under 1 MB, a lexeme under 2,048 bytes.
SEARCH_CHARS = 200_000
MAX_LEXEME_BYTES = 2_047


def search_words(title: str | None, summary: str | None, body: str | None) -> list[str]:
    """Distinct folded words of an article, sorted (so equal texts give equal parameters)."""
    source = f"{title or ''} {summary or ''} {body or ''}"[:SEARCH_CHARS]
    return words_of(comparison_text(source))


def words_of(folded: str) -> list[str]:
    """The distinct lexemes of a folded text (``comparison_text`` output), sorted."""
    words = set(folded.replace("_", " ").split())
    return sorted(w for w in words if len(w) * 4 <= MAX_LEXEME_BYTES or _fits(w))


def _fits(word: str) -> bool:
    return len(word.encode()) <= MAX_LEXEME_BYTES
