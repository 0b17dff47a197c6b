"""The article row: what the stages build, label and link, and what storage stores.

Its fields are the ``articles`` table's columns (``pipeline.archive.models.ArticleRow``) and,
after them, the values derived on the way that are not columns, each named for what it holds.
Storage receives ``columns()``, never the row itself.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Article:
    # Identity, fixed by the first sighting (pipeline.flows.load).
    id: str
    outlet_id: int
    feed_id: int
    url: str | None
    guid: str | None
    # Text, cleaned (pipeline.clean).
    title: str
    summary: str | None
    body_text: str | None
    body_html: str | None
    section: str | None
    authors: str | None
    # Dates (pipeline.clean.dates): a missing or implausible date is the first sighting, flagged.
    published_at: datetime | None
    published_raw: str | None
    date_flag: str | None
    first_seen_at: datetime
    content_hash: str
    capture_id: int | None
    # Set by the language stage; None until labelled.
    language: str | None = None
    script: str | None = None
    language_confidence: float | None = None
    # Set by dedup when the row is loaded.
    syndicated_from: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    # The modified time the outlet published (atom:updated, article:modified_time), when sane.
    updated_at: datetime | None = None
    # Derived, not columns.
    # The text is a feed's summary only: it never replaces a fuller stored text of the article.
    partial: bool = False
    # Paragraph -> its comparison text, from cleaning; dropped once ``compared`` holds it all.
    folded: dict[str, str] | None = None
    # What dedup and the search index read (pipeline.dedup.compare.Compared), computed once.
    compared: Any = None
    # The entities the article mentions (pipeline.entities.Mention), set with the language.
    mentions: Any = None
    # When this sighting's capture was fetched (``first_seen_at`` becomes the article's first
    # sighting once loaded); orders the article's versions (pipeline.flows.versions).
    sighted_at: datetime | None = None

    def columns(self) -> dict[str, Any]:
        """The row as storage takes it: column name -> value."""
        return {name: getattr(self, name) for name in COLUMNS}

    @property
    def labelled(self) -> bool:
        return self.language is not None


DERIVED = ("partial", "folded", "compared", "mentions", "sighted_at")
COLUMNS = tuple(f.name for f in fields(Article) if f.name not in DERIVED)
