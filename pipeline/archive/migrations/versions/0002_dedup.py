"""deduplication: MinHash signatures, LSH buckets, boilerplate segments, v_stories

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# One row per story: its origin (the copy no other points at), when and where it first appeared,
# how many copies there are and which outlets and languages carried it.
_V_STORIES = """
CREATE VIEW v_stories AS
SELECT s.story_id AS story_id,
       origin.id AS origin_article_id,
       origin.title AS title,
       o.slug AS first_outlet,
       origin.published_at AS first_published_at,
       s.copies AS copies,
       s.outlet_count AS outlet_count,
       s.outlets AS outlets,
       s.languages AS languages
FROM (
    SELECT a.story_id AS story_id,
           COUNT(*) AS copies,
           COUNT(DISTINCT a.outlet_id) AS outlet_count,
           {outlets} AS outlets,
           {languages} AS languages
    FROM articles a
    JOIN outlets ao ON ao.id = a.outlet_id
    WHERE a.story_id IS NOT NULL
    GROUP BY a.story_id
) s
JOIN articles origin ON origin.story_id = s.story_id AND origin.duplicate_of IS NULL
JOIN outlets o ON o.id = origin.outlet_id
"""


def _aggregate(column: str, join: str = "") -> str:
    """Distinct values of ``column`` over the story's copies, sorted, comma-separated."""
    if op.get_bind().dialect.name == "postgresql":
        return f"string_agg(DISTINCT {column}, ',' ORDER BY {column})"
    # SQLite before 3.44 has no ORDER BY inside aggregates; group_concat keeps the order of an
    # ordered subquery (indexed by ix_articles_story).
    return (
        f"(SELECT group_concat(v, ',') FROM (SELECT DISTINCT {column} AS v FROM articles a2 {join} "
        f"WHERE a2.story_id = a.story_id AND {column} IS NOT NULL ORDER BY 1))"
    )


def _aggregate_outlets() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return _aggregate("ao.slug")
    return _aggregate("o2.slug", "JOIN outlets o2 ON o2.id = a2.outlet_id")


def _aggregate_languages() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return _aggregate("a.language")
    return _aggregate("a2.language")


def upgrade() -> None:
    op.create_table(
        "dedup_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id"),
    )
    op.create_table(
        "dedup_lsh",
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "signature_id"),
    )
    op.create_table(
        "boilerplate_segments",
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("segment_hash", sa.String(length=16), nullable=False),
        sa.Column("sample", sa.String(length=300), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlets.id"]),
        sa.PrimaryKeyConstraint("outlet_id", "segment_hash"),
    )
    op.execute(_V_STORIES.format(outlets=_aggregate_outlets(), languages=_aggregate_languages()))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_stories")
    op.drop_table("boilerplate_segments")
    op.drop_table("dedup_lsh")
    op.drop_table("dedup_signatures")
