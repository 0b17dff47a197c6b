"""Storing articles: what is stored already, one multi-row upsert, story links set again,
quarantined items. The caller (``pipeline.flows.load``) hands plain column values."""

from __future__ import annotations

from sqlalchemy import Connection, String, func, select, update

from pipeline.archive.bulk import in_values, staged_upsert
from pipeline.archive.models import ArticleRow, ArticleVersionRow, QuarantineRow
from pipeline.archive.upsert import dedupe_batch, upsert

ARTICLES = ArticleRow.__table__
QUARANTINE = QuarantineRow.__table__
VERSIONS = ArticleVersionRow.__table__

# Columns a re-run may correct. Identity (outlet, feed, url, guid), first sighting and story links
# are fixed when the article is first stored.
UPDATABLE = (
    "title", "summary", "body_text", "body_html", "section", "authors", "published_at",
    "published_raw", "date_flag", "language", "script", "language_confidence", "content_hash",
    "syndicated_from", "updated_at",
)  # fmt: skip


def _newest_version(column):
    """The newest stored version's ``column`` (by first sighting), one index probe per article."""
    v = VERSIONS.c
    return (
        select(column)
        .where(v.article_id == ARTICLES.c.id)
        .order_by(v.seen_at.desc(), v.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def existing(connection: Connection, ids: list[str]) -> dict[str, tuple]:
    """(id, first_seen_at, length of body_text, content_hash, newest version's text hash and
    first sighting, updated_at) of the stored articles; the version's are None for an article
    without versions."""
    found: dict[str, tuple] = {}
    for condition in in_values(connection, ARTICLES.c.id, ids, String):
        query = select(
            ARTICLES.c.id,
            ARTICLES.c.first_seen_at,
            func.coalesce(func.length(ARTICLES.c.body_text), 0),
            ARTICLES.c.content_hash,
            _newest_version(VERSIONS.c.text_hash),
            _newest_version(VERSIONS.c.seen_at),
            ARTICLES.c.updated_at,
        ).where(condition)
        found.update((r[0], tuple(r)) for r in connection.execute(query))
    return found


# The search words travel as one space-separated string per row (words hold no spaces).
_SEARCH_VECTOR = {
    "search_tsv": "array_to_tsvector(array_remove(string_to_array(search_tsv, ' '), ''))"
}


def upsert_articles(connection: Connection, rows: list[dict]) -> list[tuple]:
    """Insert or correct articles; ``rows`` are column values only (on PostgreSQL with
    ``search_tsv``, the search words as one space-separated string). Returns the ids written."""
    if connection.dialect.name != "postgresql":
        return upsert(connection, ARTICLES, rows, ["id"], UPDATABLE, returning=["id"])
    return staged_upsert(
        connection,
        "articles",
        dedupe_batch(rows, ["id"]),
        [c.name for c in ARTICLES.c],
        ["id"],
        (*UPDATABLE, "search_tsv"),
        ["id"],
        extra=_SEARCH_VECTOR,
    )


def set_story_links(
    connection: Connection, links: list[tuple[str, str | None, str | None]]
) -> None:
    """(article id, story id, duplicate_of) for stored articles linked again."""
    for article_id, story_id, duplicate_of in links:
        connection.execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == article_id)
            .values(story_id=story_id, duplicate_of=duplicate_of)
        )


def quarantine(connection: Connection, rows: list[dict]) -> int:
    upsert(
        connection,
        QUARANTINE,
        rows,
        ["feed_id", "item_key", "reason"],
        ["detail", "excerpt", "capture_id"],
    )
    return len(rows)


def fulltext_outlets(connection: Connection, outlet_ids: set[int]) -> set[int]:
    """Those of ``outlet_ids`` whose summary-only items get their article page's text."""
    from pipeline.archive.models import OutletRow

    outlets = OutletRow.__table__
    query = select(outlets.c.id).where(outlets.c.id.in_(sorted(outlet_ids)), outlets.c.fulltext)
    return {r[0] for r in connection.execute(query)}


def stored_bodies(
    connection: Connection, ids: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """(body_text, body_html) of the stored articles among ``ids``."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for condition in in_values(connection, ARTICLES.c.id, ids, String):
        query = select(ARTICLES.c.id, ARTICLES.c.body_text, ARTICLES.c.body_html).where(condition)
        found.update((aid, (text, html)) for aid, text, html in connection.execute(query))
    return found
