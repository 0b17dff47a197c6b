"""article versions, the outlets' modified time, date_flag in v_articles

Outlets edit articles after publishing them; the upsert kept only the latest text. Each
substantive version (a new cleaned title or text) is now a row of ``article_versions``, keyed
UNIQUE by (article_id, text_hash) so two overlapping runs seeing the same edit store it once;
``seen_at`` is the fetch time of the capture that first showed it. Existing articles get their
current text as version 1, seen when the article was first seen.

On PostgreSQL the version texts are TOASTed with LZ4 where the server offers it (as 0007 does
for ``articles``). SQLite has no column compression; the texts stay plain so that the view can
show them, and a version's size is bounded by the article caps (pipeline.flows.article_row) and
the per-article cap on kept versions (pipeline.flows.versions).

``articles.updated_at`` keeps the modified time an outlet publishes (``atom:updated``,
``dcterms:modified``, ``article:modified_time``). ``v_articles`` gains ``date_flag``,
``updated_at``, ``versions`` and ``last_changed_at``; ``v_article_versions`` lists the versions.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_OLD_COLUMNS = """a.id AS article_id,
       o.slug AS outlet,
       f.url AS feed_url,
       a.url AS url,
       a.title AS title,
       a.summary AS summary,
       a.body_text AS body_text,
       a.section AS section,
       a.authors AS authors,
       a.published_at AS published_at,
       a.first_seen_at AS first_seen_at,
       a.language AS language,
       a.script AS script,
       a.language_confidence AS language_confidence,
       a.story_id AS story_id,
       a.duplicate_of AS duplicate_of,
       a.syndicated_from AS syndicated_from"""
_FROM = """
FROM articles a
JOIN outlets o ON o.id = a.outlet_id
JOIN feeds f ON f.id = a.feed_id
"""
# New columns at the end: PostgreSQL's CREATE OR REPLACE VIEW keeps the grants that way.
V_ARTICLES = (
    "VIEW v_articles AS\nSELECT "
    + _OLD_COLUMNS
    + """,
       a.date_flag AS date_flag,
       a.updated_at AS updated_at,
       (SELECT COUNT(*) FROM article_versions v WHERE v.article_id = a.id) AS versions,
       (SELECT CASE WHEN COUNT(*) > 1 THEN MAX(v.seen_at) END
          FROM article_versions v WHERE v.article_id = a.id) AS last_changed_at"""
    + _FROM
)
V_ARTICLES_0001 = "VIEW v_articles AS\nSELECT " + _OLD_COLUMNS + _FROM
V_ARTICLE_VERSIONS = """
CREATE VIEW v_article_versions AS
SELECT v.article_id AS article_id,
       ROW_NUMBER() OVER (PARTITION BY v.article_id ORDER BY v.seen_at, v.id) AS version,
       v.seen_at AS seen_at,
       v.title AS title,
       v.body_text AS body_text,
       v.change AS change
FROM article_versions v
"""
# The hash of pipeline.clean.changes.version_hash, frozen: SHA-256 of title, "\n\x1e\n", text.
_PG_BACKFILL = r"""
INSERT INTO article_versions (article_id, text_hash, seen_at, title, body_text, change)
SELECT id,
       encode(sha256(convert_to(title || E'\n\x1e\n' || coalesce(body_text, ''), 'UTF8')), 'hex'),
       first_seen_at, title, body_text, 'first version'
FROM articles
ON CONFLICT DO NOTHING
"""
_CHUNK = 1000


def _hash(title: str | None, body_text: str | None) -> str:
    data = (title or "") + "\n\x1e\n" + (body_text or "")
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _lz4_available(bind) -> bool:
    offered = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return bool(offered) and "lz4" in offered


def _backfill_sqlite(bind) -> None:
    rows = bind.execute(sa.text("SELECT id, title, body_text, first_seen_at FROM articles"))
    insert = sa.text(
        "INSERT OR IGNORE INTO article_versions "
        "(article_id, text_hash, seen_at, title, body_text, change) "
        "VALUES (:id, :hash, :seen, :title, :body, 'first version')"
    )
    while chunk := rows.fetchmany(_CHUNK):
        bind.execute(
            insert,
            [
                {"id": i, "hash": _hash(t, b), "seen": s, "title": t, "body": b}
                for i, t, b, s in chunk
            ],
        )


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.add_column("articles", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.UniqueConstraint("article_id", "text_hash", name="uq_article_versions_text"),
    )
    op.create_index("ix_article_versions_seen", "article_versions", ["article_id", "seen_at"])
    if postgres and _lz4_available(bind):
        op.execute(
            "ALTER TABLE article_versions ALTER COLUMN title SET COMPRESSION lz4, "
            "ALTER COLUMN body_text SET COMPRESSION lz4"
        )
    if postgres:
        op.execute(_PG_BACKFILL)
        op.execute("CREATE OR REPLACE " + V_ARTICLES)
    else:
        _backfill_sqlite(bind)
        op.execute("DROP VIEW v_articles")
        op.execute("CREATE " + V_ARTICLES)
    op.execute(V_ARTICLE_VERSIONS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_article_versions")
    op.execute("DROP VIEW v_articles")
    op.execute("CREATE " + V_ARTICLES_0001)
    op.drop_index("ix_article_versions_seen", "article_versions")
    op.drop_table("article_versions")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as 0004's downgrade does.
    op.execute("ALTER TABLE articles DROP COLUMN updated_at")
