"""SQLAlchemy models of the archive.

Natural keys carry UNIQUE constraints so that every load can be an upsert: re-running a window, or
running the same task twice at once, leaves the archive as it was. The schema itself is created by
the Alembic migrations in ``pipeline/archive/migrations``; these models describe it for the code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.archive.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class OutletRow(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    homepage: Mapped[str] = mapped_column(String(2048))
    country: Mapped[str] = mapped_column(String(8))
    languages: Mapped[str] = mapped_column(String(200), default="")
    scripts: Mapped[str] = mapped_column(String(100), default="")
    fulltext: Mapped[bool] = mapped_column(Boolean, default=False)
    history: Mapped[str] = mapped_column(String(200), default="")
    sitemaps: Mapped[str] = mapped_column(Text, default="")


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    language: Mapped[str | None] = mapped_column(String(35))
    section: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="rss")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # In the current registry; feeds dropped from it are kept with their history but not polled.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Health: "ok", "failing", "disabled".
    state: Mapped[str] = mapped_column(String(20), default="ok")
    failure_score: Mapped[float] = mapped_column(Float, default=0.0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error_class: Mapped[str | None] = mapped_column(String(40))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Validators, written in the same transaction as the entries they describe.
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_body_sha256: Mapped[str | None] = mapped_column(String(64))
    last_unconditional_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Rhythm and operators' state (migration 0011; pipeline.fetch.schedule, flows.feed_states).
    declared_poll_s: Mapped[float | None] = mapped_column(Float)
    declared_poll_reason: Mapped[str | None] = mapped_column(String(80))
    http_poll_s: Mapped[float | None] = mapped_column(Float)
    http_poll_reason: Mapped[str | None] = mapped_column(String(80))
    typical_gap_s: Mapped[float | None] = mapped_column(Float)
    newest_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    poll_every_s: Mapped[float | None] = mapped_column(Float)
    poll_reason: Mapped[str | None] = mapped_column(String(200))
    ops_state: Mapped[str | None] = mapped_column(String(20))
    ops_state_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ops_state_reason: Mapped[str | None] = mapped_column(Text)


class CaptureBodyRow(Base):
    """A fetched document, stored once per distinct body (most polls repeat the last one)."""

    __tablename__ = "capture_bodies"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RobotsFileRow(Base):
    """An origin's robots.txt as last fetched, trusted by the next cycles for an hour."""

    __tablename__ = "robots_files"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaptureRow(Base):
    __tablename__ = "captures"
    __table_args__ = (Index("ix_captures_feed_fetched", "feed_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    final_url: Mapped[str] = mapped_column(String(2048))
    http_status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(ForeignKey("capture_bodies.sha256"))
    # "feed" (a live poll), "archive-feed" (a WordPress date or paged archive), "sitemap", "page".
    kind: Mapped[str] = mapped_column(String(20), default="feed")
    # For harvested documents: the publication day they were fetched to cover.
    covers_day: Mapped[date | None] = mapped_column(Date)
    # Set once the capture has been parsed and loaded; reprocessing sets it again.
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FetchRow(Base):
    """One row per fetch attempt, successful or not."""

    __tablename__ = "fetches"
    __table_args__ = (
        Index("ix_fetches_feed_started", "feed_id", "started_at"),
        Index("ix_fetches_capture", "capture_id"),  # migration 0005
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    run_id: Mapped[str | None] = mapped_column(String(250))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2048))
    final_url: Mapped[str | None] = mapped_column(String(2048))
    http_status: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False)
    unchanged: Mapped[bool] = mapped_column(Boolean, default=False)
    items_seen: Mapped[int | None] = mapped_column(Integer)
    items_new: Mapped[int | None] = mapped_column(Integer)
    error_class: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published", "published_at"),
        Index("ix_articles_outlet_published", "outlet_id", "published_at"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_story", "story_id"),
        Index("ix_articles_capture", "capture_id"),  # migration 0005
    )

    # Stable id: a hash of the canonical URL (fallback: guid, then content hash).
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    guid: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(500))
    authors: Mapped[str | None] = mapped_column(String(1000))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_raw: Mapped[str | None] = mapped_column(String(200))
    date_flag: Mapped[str | None] = mapped_column(String(40))
    # The modified time the outlet published, when sane (migration 0009).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(String(35))
    script: Mapped[str | None] = mapped_column(String(4))
    language_confidence: Mapped[float | None] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(64))
    story_id: Mapped[str | None] = mapped_column(String(32))
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    syndicated_from: Mapped[str | None] = mapped_column(String(200))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))


class ArticleVersionRow(Base):
    """A substantive version of an article (migration 0009): written once, never rewritten."""

    __tablename__ = "article_versions"
    __table_args__ = (
        UniqueConstraint("article_id", "text_hash", name="uq_article_versions_text"),
        Index("ix_article_versions_seen", "article_id", "seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    # pipeline.clean.changes.version_hash of the cleaned title and text.
    text_hash: Mapped[str] = mapped_column(String(64))
    # Fetch time of the capture that first showed this text.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    # What changed against the previous version (pipeline.clean.changes.summarise_change).
    change: Mapped[str] = mapped_column(Text)


class QuarantineRow(Base):
    """Items that could not be loaded, with the reason; nothing else in their feed is lost."""

    __tablename__ = "quarantine"
    __table_args__ = (
        UniqueConstraint("feed_id", "item_key", "reason"),
        Index("ix_quarantine_capture", "capture_id"),  # migration 0005
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    item_key: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HarvestRow(Base):
    """Ledger of history harvested for a backfill: one row per feed, day and method."""

    __tablename__ = "harvests"
    __table_args__ = (UniqueConstraint("feed_id", "day", "method"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    day: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # "done", "empty", "failed"
    documents: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    harvested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GapRow(Base):
    """A poll whose items were all new may have missed some: the maintenance DAG harvests it."""

    __tablename__ = "coverage_gaps"
    __table_args__ = (UniqueConstraint("feed_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(60))
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    harvested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CoverageDailyRow(Base):
    """Per feed and day: captures taken, articles published, first and last publication."""

    __tablename__ = "coverage_daily"

    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    captures: Mapped[int] = mapped_column(Integer, default=0)
    articles: Mapped[int] = mapped_column(Integer, default=0)
    earliest_published: Mapped[datetime | None] = mapped_column(UTCDateTime())
    latest_published: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gap: Mapped[bool] = mapped_column(Boolean, default=False)


class EntityRow(Base):
    """A named entity (person, place, organization, other), by its matching key
    (pipeline.entities.keys): the gazetteer's label, or the name as first written."""

    __tablename__ = "entities"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MentionRow(Base):
    """An article names an entity ``count`` times as ``surface`` (the text as written)."""

    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_entity", "entity_key", "article_id"),)

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    entity_key: Mapped[str] = mapped_column(ForeignKey("entities.key"), primary_key=True)
    surface: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class MentionSourceRow(Base):
    """Which text of an article its mentions were extracted from, and by which extractor
    version: a reload of the same text with the same extractor writes nothing."""

    __tablename__ = "mention_sources"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    extractor: Mapped[int] = mapped_column(Integer)
    extracted_at: Mapped[datetime] = mapped_column(UTCDateTime())
