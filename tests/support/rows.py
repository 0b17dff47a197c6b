"""Article rows for tests that need only a few of the fields set."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.types import Article

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def article(**fields) -> Article:
    """An ``Article`` with the given fields and placeholders for the other required ones."""
    required = {
        "id": "a",
        "outlet_id": 1,
        "feed_id": 1,
        "url": None,
        "guid": None,
        "title": "",
        "summary": None,
        "body_text": None,
        "body_html": None,
        "section": None,
        "authors": None,
        "published_at": None,
        "published_raw": None,
        "date_flag": None,
        "first_seen_at": T0,
        "content_hash": "",
        "capture_id": None,
    }
    return Article(**(required | fields))
