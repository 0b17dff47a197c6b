"""Storing and reading named-entity mentions (tables ``entities``, ``mentions``,
``mention_sources``; migration 0010).

An article's mentions are written when its text (content hash) or the extractor version differs
from what ``mention_sources`` records, and then replace the ones stored: reloading an unchanged
article writes nothing, and reprocessing old captures fills articles stored before mentions
existed. Every write is an upsert under the tables' keys, so two loads at once agree. The caller
(``pipeline.flows.mentions``) hands plain values: (key, label, kind, surface, count) tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, String, bindparam, delete, select, text

from pipeline.archive.bulk import copy_rows, create_stage, in_values, staged_upsert
from pipeline.archive.filters import language_condition
from pipeline.archive.models import EntityRow, MentionRow, MentionSourceRow
from pipeline.archive.types import UTCDateTime
from pipeline.archive.upsert import upsert

ENTITIES = EntityRow.__table__
MENTIONS = MentionRow.__table__
SOURCES = MentionSourceRow.__table__
# Column widths of migration 0010.
_KEY_CHARS = 200
_SURFACE_CHARS = 200
_LABEL_CHARS = 200

# (entity key, label, kind, surface as written, occurrences)
MentionValues = tuple[str, str, str, str, int]


@dataclass(frozen=True)
class ArticleMentions:
    article_id: str
    content_hash: str
    mentions: Sequence[MentionValues]


def _stored_sources(connection: Connection, ids: list[str]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for condition in in_values(connection, SOURCES.c.article_id, ids, String):
        query = select(SOURCES.c.article_id, SOURCES.c.content_hash, SOURCES.c.extractor)
        found.update((r[0], (r[1], r[2])) for r in connection.execute(query.where(condition)))
    return found


def replace_mentions(
    connection: Connection, items: list[ArticleMentions], extractor: int, now: datetime
) -> int:
    """Store the mentions of the articles whose text or extractor changed; returns how many
    articles had theirs (re)written."""
    latest = {item.article_id: item for item in items}
    stored = _stored_sources(connection, sorted(latest))
    todo = [
        item
        for aid, item in sorted(latest.items())
        if stored.get(aid) != (item.content_hash, extractor)
    ]
    if not todo:
        return 0
    entities: dict[str, dict] = {}
    rows: dict[tuple[str, str, str], int] = {}
    for item in todo:
        for key, label, kind, surface, count in item.mentions:
            key = key[:_KEY_CHARS]
            entities.setdefault(
                key,
                {"key": key, "label": label[:_LABEL_CHARS], "kind": kind, "first_seen_at": now},
            )
            ident = (item.article_id, key, surface[:_SURFACE_CHARS])
            rows[ident] = rows.get(ident, 0) + count
    ids = [item.article_id for item in todo]
    # Sorted: two loads at once take the entity rows' locks in the same order.
    _insert_new(
        connection,
        ENTITIES,
        [(e["key"], e["label"], e["kind"], now) for _k, e in sorted(entities.items())],
        ["key"],
    )
    for condition in in_values(connection, MENTIONS.c.article_id, ids, String):
        connection.execute(delete(MENTIONS).where(condition))
    _insert_new(
        connection,
        MENTIONS,
        [(*ident, count) for ident, count in sorted(rows.items())],
        ["article_id", "entity_key", "surface"],
    )
    sources = [
        {
            "article_id": item.article_id,
            "content_hash": item.content_hash,
            "extractor": extractor,
            "extracted_at": now,
        }
        for item in todo
    ]
    update = ["content_hash", "extractor", "extracted_at"]
    if connection.dialect.name == "postgresql":
        columns = [c.name for c in SOURCES.c]
        staged_upsert(connection, "mention_sources", sources, columns, ["article_id"], update, [])
    else:
        upsert(connection, SOURCES, sources, ["article_id"], update)
    return len(todo)


def _insert_new(connection: Connection, table, rows: list[tuple], key: list[str]) -> None:
    """Insert ``rows`` (tuples in the table's column order), leaving alone those whose key is
    stored already (another load of the same articles may have written them meanwhile)."""
    if not rows:
        return
    columns = [c.name for c in table.c]
    if connection.dialect.name != "postgresql":
        upsert(connection, table, [dict(zip(columns, row, strict=True)) for row in rows], key)
        return
    # Tens of thousands of narrow rows per batch: COPY into a staging table, then one insert.
    stage = create_stage(connection, table.name, columns)
    copy_rows(connection, stage, columns, rows)
    names = ", ".join(columns)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {stage} "
        f"ON CONFLICT ({', '.join(key)}) DO NOTHING"
    )
    connection.exec_driver_sql(f"DROP TABLE {stage}")


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionFilter:
    date_from: date | None = None  # first publication day, inclusive (UTC)
    date_to: date | None = None  # last publication day, inclusive (UTC)
    outlet: str | None = None  # outlet slug
    language: str | None = None  # "sr" matches "sr", "sr-Cyrl" and "sr-Latn"
    kind: str | None = None


def _where(filters: MentionFilter, params: dict) -> list[str]:
    where = []
    if filters.date_from is not None:
        where.append("a.published_at >= :start")
        params["start"] = datetime.combine(filters.date_from, time(), tzinfo=UTC)
    if filters.date_to is not None:
        where.append("a.published_at < :end")
        params["end"] = datetime.combine(filters.date_to + timedelta(days=1), time(), tzinfo=UTC)
    if filters.outlet:
        where.append("o.slug = :outlet")
        params["outlet"] = filters.outlet
    if filters.language:
        where.append(language_condition("a.language", filters.language, params))
    if filters.kind:
        where.append("e.kind = :kind")
        params["kind"] = filters.kind
    return where


def _typed(sql: str, params: dict):
    return (
        text(sql)
        .bindparams(
            *(bindparam(name, type_=UTCDateTime()) for name in ("start", "end") if name in params)
        )
        .columns(published_at=UTCDateTime())
    )


def known_keys(connection: Connection, keys: Sequence[str], surname: str | None) -> list[str]:
    """Those of ``keys`` stored as entities, and with ``surname``, the stored keys of longer
    names ending with it ("petrovic" -> "petar petrovic")."""
    params: dict = {f"k{i}": k for i, k in enumerate(keys)}
    conditions = [f"key IN ({', '.join(':' + n for n in params)})"] if keys else []
    if surname:
        conditions.append("key LIKE :surname")
        params["surname"] = "% " + surname.replace("%", "").replace("_", "")
    if not conditions:
        return []
    sql = f"SELECT key FROM entities WHERE {' OR '.join(conditions)} ORDER BY key"
    return [r[0] for r in connection.execute(text(sql), params)]


def articles_mentioning(
    connection: Connection, keys: Sequence[str], filters: MentionFilter, limit: int = 100
) -> list[dict]:
    """The articles that mention any of ``keys``, newest first: one dict per article, with its
    most frequent surface of the entity and all its surfaces."""
    if not keys:
        return []
    params: dict = {f"k{i}": k for i, k in enumerate(keys)}
    where = [f"m.entity_key IN ({', '.join(':' + n for n in params)})", *_where(filters, params)]
    sql = (
        "SELECT a.id, a.title, a.published_at, a.language, a.url, o.slug, m.entity_key, "
        "e.label, e.kind, m.surface, m.count "
        "FROM mentions m JOIN entities e ON e.key = m.entity_key "
        "JOIN articles a ON a.id = m.article_id JOIN outlets o ON o.id = a.outlet_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END, a.published_at DESC, a.id, "
        "m.count DESC, m.surface"
    )
    found: dict[str, dict] = {}
    for r in connection.execute(_typed(sql, params), params):
        hit = found.get(r[0])
        if hit is None:
            if len(found) >= limit:
                break
            found[r[0]] = {
                "article_id": r[0],
                "title": r[1],
                "published_at": r[2].isoformat() if r[2] else None,
                "language": r[3],
                "url": r[4],
                "outlet": r[5],
                "entity_key": r[6],
                "entity_label": r[7],
                "entity_kind": r[8],
                "surface": r[9],
                "surfaces": [r[9]],
                "mentions": r[10],
            }
        else:
            if r[9] not in hit["surfaces"]:
                hit["surfaces"].append(r[9])
            hit["mentions"] += r[10]
    return list(found.values())


def top_entities(connection: Connection, filters: MentionFilter, top: int = 20) -> list[dict]:
    """The entities mentioned by the most articles (ties: most mentions, then key)."""
    params: dict = {"top": top}
    where = _where(filters, params)
    sql = (
        "SELECT e.key, e.label, e.kind, COUNT(DISTINCT m.article_id) AS articles, "
        "SUM(m.count) AS mentions, COUNT(DISTINCT o.slug) AS outlets "
        "FROM mentions m JOIN entities e ON e.key = m.entity_key "
        "JOIN articles a ON a.id = m.article_id JOIN outlets o ON o.id = a.outlet_id "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + "GROUP BY e.key, e.label, e.kind ORDER BY articles DESC, mentions DESC, e.key LIMIT :top"
    )
    return [
        {
            "entity_key": r[0],
            "entity_label": r[1],
            "entity_kind": r[2],
            "articles": int(r[3]),
            "mentions": int(r[4]),
            "outlets": int(r[5]),
        }
        for r in connection.execute(_typed(sql, params), params)
    ]
