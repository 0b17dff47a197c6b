"""Storing article versions (migration 0009): read an article's versions, add new ones under
UNIQUE (article_id, text_hash), correct a version's change line or first sighting, drop the ones
past the cap. Texts are written once and never updated; ``pipeline.flows.versions`` decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, String, bindparam, delete, select, update

from pipeline.archive.bulk import in_values
from pipeline.archive.models import ArticleVersionRow
from pipeline.archive.upsert import upsert

VERSIONS = ArticleVersionRow.__table__


@dataclass
class StoredVersion:
    id: int | None  # None until inserted
    article_id: str
    text_hash: str
    seen_at: datetime
    title: str
    body_text: str | None
    change: str


def versions_of(connection: Connection, ids: list[str]) -> dict[str, list[StoredVersion]]:
    """The stored versions of ``ids``, oldest first."""
    found: dict[str, list[StoredVersion]] = {aid: [] for aid in ids}
    v = VERSIONS.c
    for condition in in_values(connection, v.article_id, ids, String):
        query = (
            select(v.id, v.article_id, v.text_hash, v.seen_at, v.title, v.body_text, v.change)
            .where(condition)
            .order_by(v.article_id, v.seen_at, v.id)
        )
        for row in connection.execute(query):
            found[row.article_id].append(StoredVersion(*row))
    return found


def add_versions(connection: Connection, versions: list[StoredVersion]) -> None:
    """Insert; a version another run stored meanwhile (same article and text) is left alone."""
    rows = [
        {
            "article_id": s.article_id,
            "text_hash": s.text_hash,
            "seen_at": s.seen_at,
            "title": s.title,
            "body_text": s.body_text,
            "change": s.change,
        }
        for s in versions
    ]
    upsert(connection, VERSIONS, rows, ["article_id", "text_hash"])


def set_changes(connection: Connection, changes: list[tuple[str, str, str]]) -> None:
    """(article id, text hash, change line) for versions whose predecessor is now another."""
    if not changes:
        return
    connection.execute(
        update(VERSIONS)
        .where(VERSIONS.c.article_id == bindparam("b_article"))
        .where(VERSIONS.c.text_hash == bindparam("b_hash"))
        .values(change=bindparam("b_change")),
        [{"b_article": a, "b_hash": h, "b_change": c} for a, h, c in changes],
    )


def set_first_seen(connection: Connection, earlier: list[tuple[str, str, datetime]]) -> None:
    """(article id, text hash, time) for versions an older capture showed first."""
    for article_id, text_hash, seen_at in earlier:
        connection.execute(
            update(VERSIONS)
            .where(VERSIONS.c.article_id == article_id, VERSIONS.c.text_hash == text_hash)
            .where(VERSIONS.c.seen_at > seen_at)
            .values(seen_at=seen_at)
        )


def drop_versions(connection: Connection, keys: list[tuple[str, str]]) -> None:
    """(article id, text hash) of versions past the per-article cap."""
    for article_id, text_hash in keys:
        connection.execute(
            delete(VERSIONS).where(
                VERSIONS.c.article_id == article_id, VERSIONS.c.text_hash == text_hash
            )
        )
