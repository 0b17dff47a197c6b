"""What a run leaves in the archive, reduced to what must not depend on faults or timing.

Faulty runs are compared with a fault-free run of the same newsroom: the archive tables
(articles, outlets, stories) must be equal, row for row. Columns that record *when* or *from which
attempt* something was seen differ between any two runs and are left out: ids of captures, the
first sighting (the fetch time), and a publication date that fell back to the first sighting.
Outlets are named by slug rather than by serial id. Which of an outlet's feeds an article is
credited to is left out too: an article listed by two feeds of one outlet (a section feed and the
main feed) is credited to whichever capture was processed first, and that order follows the
order in which parallel fetches finished, which differs between any two runs on the executor.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get(
    "NEWS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

QUERIES = {
    "outlets": """
        SELECT slug, name, homepage, country, languages, scripts, fulltext, history, sitemaps
        FROM outlets ORDER BY slug
    """,
    "articles": """
        SELECT a.id, o.slug AS outlet, a.url, a.guid, a.title, a.summary,
               a.body_text, a.body_html, a.section, a.authors,
               CASE WHEN a.date_flag IS NULL THEN a.published_at END AS published_at,
               a.published_raw, a.date_flag, a.language, a.script, a.language_confidence,
               a.content_hash, a.story_id, a.duplicate_of, a.syndicated_from
        FROM articles a
        JOIN outlets o ON o.id = a.outlet_id
        ORDER BY a.id
    """,
    "stories": """
        SELECT story_id, origin_article_id, title, first_outlet,
               copies, outlet_count, outlets, languages
        FROM v_stories ORDER BY story_id
    """,
}


@dataclass(frozen=True)
class ArchiveState:
    rows: dict[str, list[tuple]]

    @property
    def checksums(self) -> dict[str, str]:
        return {
            table: hashlib.sha256(repr(rows).encode()).hexdigest()
            for table, rows in self.rows.items()
        }

    @property
    def article_ids(self) -> set[str]:
        return {row[0] for row in self.rows["articles"]}

    def diff(self, other: ArchiveState, limit: int = 5) -> dict[str, dict[str, list]]:
        """Rows only in self / only in other, per table (for assertion messages)."""
        out = {}
        for table in self.rows:
            mine, theirs = set(self.rows[table]), set(other.rows[table])
            if mine != theirs:
                here = {r[0]: r for r in mine - theirs}
                there = {r[0]: r for r in theirs - mine}
                # Rows of the same key: only the columns that differ, as (index, here, there).
                changed = {
                    k: [
                        (i, a, b)
                        for i, (a, b) in enumerate(zip(here[k], there[k], strict=True))
                        if a != b
                    ]
                    for k in sorted(here.keys() & there.keys())[:limit]
                }
                out[table] = {
                    "changed": changed,
                    "only_here": sorted(here.keys() - there.keys())[:limit],
                    "only_there": sorted(there.keys() - here.keys())[:limit],
                }
        return out


def archive_state(url: str) -> ArchiveState:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return ArchiveState(
                {
                    table: [tuple(r) for r in connection.exec_driver_sql(query)]
                    for table, query in QUERIES.items()
                }
            )
    finally:
        engine.dispose()


def registry_toml(registry) -> str:
    """A registry file (pipeline.sources.registry format) for a ``Registry``."""

    def value(v) -> str:
        # JSON strings, booleans and arrays of strings are valid TOML.
        return json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False)

    parts = []
    for outlet in registry.outlets:
        lines = ["[[outlet]]"]
        for name in ("slug", "name", "homepage", "country", "languages", "scripts", "fulltext"):
            lines.append(f"{name} = {value(getattr(outlet, name))}")
        feeds = []
        for feed in outlet.feeds:
            fields = {
                k: getattr(feed, k) for k in ("url", "language", "section", "kind", "verified")
            }
            inner = ", ".join(f"{k} = {value(v)}" for k, v in fields.items() if v is not None)
            feeds.append("{ " + inner + " }")
        lines.append("feeds = [" + ", ".join(feeds) + "]")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def duplicate_rows(url: str) -> dict[str, int]:
    """Natural keys stored more than once (the constraints should make all of these zero)."""
    checks = {
        "article_url": "SELECT count(*) FROM (SELECT url FROM articles WHERE url IS NOT NULL "
        "GROUP BY url HAVING count(*) > 1) d",
        "article_guid_per_feed": "SELECT count(*) FROM (SELECT feed_id, guid FROM articles "
        "WHERE guid IS NOT NULL GROUP BY feed_id, guid HAVING count(*) > 1) d",
        "outlet_slug": "SELECT count(*) FROM (SELECT slug FROM outlets GROUP BY slug "
        "HAVING count(*) > 1) d",
        "feed_url": "SELECT count(*) FROM (SELECT url FROM feeds GROUP BY url "
        "HAVING count(*) > 1) d",
    }
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.exec_driver_sql(q).scalar_one() for name, q in checks.items()}
    finally:
        engine.dispose()


def assert_same_archive(url: str, reference: ArchiveState) -> ArchiveState:
    """Zero duplicates, zero lost articles, equal checksums of the archive tables."""
    state = archive_state(url)
    assert duplicate_rows(url) == dict.fromkeys(duplicate_rows(url), 0)
    lost = reference.article_ids - state.article_ids
    assert not lost, f"{len(lost)} articles lost: {sorted(lost)[:5]}"
    extra = state.article_ids - reference.article_ids
    assert not extra, f"{len(extra)} articles not in the fault-free run: {sorted(extra)[:5]}"
    assert state.checksums == reference.checksums, state.diff(reference)
    return state


@contextlib.contextmanager
def fresh_database(prefix: str = "news_test", admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration of the block; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def reset_archive(url: str) -> None:
    """Empty every archive table (schema and migrations stay): the next run starts afresh."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            tables = [
                r[0]
                for r in connection.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ]
            if not tables:
                return  # not migrated yet: the run's first task creates the schema
            connection.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
    finally:
        engine.dispose()
