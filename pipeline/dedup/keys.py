"""Stable keys of articles: the same article gets the same id in any database, on any run."""

from __future__ import annotations

import hashlib

from pipeline.dedup.urls import url_key
from pipeline.text.fold import comparison_text


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and text: equal for copies that differ only in spelling
    of whitespace, case, diacritics or Serbian script."""
    return hashlib.sha256(comparison_text(f"{title}\n{text}").encode()).hexdigest()


def text_hash(comparison: str) -> str:
    """Hash of an already normalised comparison text (credits and boilerplate removed)."""
    return hashlib.sha256(comparison.encode()).hexdigest()


def article_id(*, canonical_url: str | None, guid: str | None, feed_url: str, digest: str) -> str:
    """From the canonical URL; without one, from the guid within its feed; else from content."""
    if canonical_url:
        return _digest("url", url_key(canonical_url))
    if guid:
        return _digest("guid", f"{feed_url}\n{guid}")
    return _digest("content", digest)
