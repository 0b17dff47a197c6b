"""Full-text search over titles and texts, blind to diacritics and to Serbian script.

The index holds folded text (see ``pipeline.search.folding``); a query is folded the same way in
Python, and every word must match as a prefix, so "Vucic" finds "Vučić", "Вучић" and "Вучића".
"""

from pipeline.search.query import SearchHit, SearchOptions, search

__all__ = ["SearchHit", "SearchOptions", "search"]
