"""Running a search on PostgreSQL (GIN-indexed tsvector) or SQLite (FTS5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, Engine, bindparam, text

from pipeline.archive.filters import language_condition
from pipeline.archive.mentions import known_keys
from pipeline.archive.types import UTCDateTime
from pipeline.entities import resolve_name
from pipeline.text.fold import comparison_text


@dataclass(frozen=True)
class SearchOptions:
    query: str
    date_from: date | None = None  # first publication day, inclusive (UTC)
    date_to: date | None = None  # last publication day, inclusive (UTC)
    language: str | None = None  # "sr" matches "sr", "sr-Cyrl" and "sr-Latn"
    outlet: str | None = None  # outlet slug
    limit: int = 50


@dataclass(frozen=True)
class SearchHit:
    article_id: str
    outlet: str
    published_at: datetime | None
    title: str
    url: str | None
    language: str | None


def query_terms(query: str) -> list[str]:
    """The folded words of a query, each safe to quote in either dialect's query syntax."""
    return [word for word in comparison_text(query).replace("_", " ").split() if word]


def _match_clause(dialect: str, terms: list[str]) -> tuple[str, str, str]:
    """(join, condition, parameter value) restricting ``a`` (articles) to the matches."""
    if dialect == "postgresql":
        tsquery = " & ".join(f"'{t}':*" for t in terms)
        return "", "a.search_tsv @@ to_tsquery('simple', :match)", tsquery
    if dialect == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)
        join = (
            "JOIN article_search_keys k ON k.article_id = a.id "
            "JOIN article_search s ON s.rowid = k.id"
        )
        return join, "article_search MATCH :match", match
    raise NotImplementedError(f"no search on {dialect}")


def _bounds(options: SearchOptions) -> dict[str, object]:
    params: dict[str, object] = {}
    if options.date_from is not None:
        params["start"] = datetime.combine(options.date_from, time(), tzinfo=UTC)
    if options.date_to is not None:
        params["end"] = datetime.combine(options.date_to + timedelta(days=1), time(), tzinfo=UTC)
    return params


# A query of more words than this is not read as a name.
_MAX_NAME_WORDS = 5


def _named_entities(bind: Connection, query: str) -> list[str]:
    """The stored entity keys a query naming an entity stands for (pipeline.entities): its
    other scripts, cases and languages' forms ("Belgrade" -> Beograd, Beogradit, Београд)."""
    if len(query.split()) > _MAX_NAME_WORDS:
        return []
    resolved = resolve_name(query)
    return known_keys(bind, resolved.keys, None) if resolved.keys else []


def _or_mentioned(dialect: str, join: str, condition: str, keys: list[str], params: dict):
    """The match condition widened to the articles mentioning ``keys``."""
    if dialect == "sqlite":
        # The full-text join becomes a subquery, so that an OR can stand beside it.
        condition = (
            "a.id IN (SELECT k.article_id FROM article_search_keys k "
            f"JOIN article_search s ON s.rowid = k.id WHERE {condition})"
        )
        join = ""
    names = []
    for i, key in enumerate(keys):
        params[f"entity{i}"] = key
        names.append(f":entity{i}")
    mentioned = (
        f"a.id IN (SELECT article_id FROM mentions WHERE entity_key IN ({', '.join(names)}))"
    )
    return join, f"({condition} OR {mentioned})"


def search(bind: Engine | Connection, options: SearchOptions) -> list[SearchHit]:
    """Articles matching every word of the query, newest first; a query that names an entity
    also finds the articles mentioning it in any of its forms."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return search(connection, options)
    terms = query_terms(options.query)
    if not terms:
        return []
    join, condition, match = _match_clause(bind.dialect.name, terms)
    params: dict[str, object] = {"match": match, "limit": options.limit}
    if keys := _named_entities(bind, options.query):
        join, condition = _or_mentioned(bind.dialect.name, join, condition, keys, params)
    where = [condition]
    for name, value in _bounds(options).items():
        where.append(f"a.published_at {'>=' if name == 'start' else '<'} :{name}")
        params[name] = value
    if options.language:
        where.append(language_condition("a.language", options.language, params))
    if options.outlet:
        where.append("o.slug = :outlet")
        params["outlet"] = options.outlet
    sql = (
        "SELECT a.id, o.slug, a.published_at, a.title, a.url, a.language "
        f"FROM articles a JOIN outlets o ON o.id = a.outlet_id {join} "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END, a.published_at DESC, a.id "
        "LIMIT :limit"
    )
    # Typed parameters and columns: timestamps go in and come out as aware UTC on both engines.
    query = (
        text(sql)
        .bindparams(
            *(bindparam(name, type_=UTCDateTime()) for name in ("start", "end") if name in params)
        )
        .columns(published_at=UTCDateTime())
    )
    rows = bind.execute(query, params).all()
    return [
        SearchHit(
            article_id=r[0],
            outlet=r[1],
            published_at=r[2],
            title=r[3],
            url=r[4],
            language=r[5],
        )
        for r in rows
    ]
