"""named entities and their mentions

Adds ``entities`` (one row per matching key: label and kind), ``mentions`` (article, entity,
the text as written, how often) and ``mention_sources`` (which text of an article the mentions
were extracted from, by which extractor version), with the analyst views ``v_mentions`` and
``v_mention_daily`` (articles and mentions per entity, outlet, language and day).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

V_MENTIONS = """
CREATE VIEW v_mentions AS
SELECT m.article_id AS article_id,
       m.entity_key AS entity_key,
       e.label AS entity_label,
       e.kind AS entity_kind,
       m.surface AS surface,
       m.count AS mention_count
FROM mentions m
JOIN entities e ON e.key = m.entity_key
"""

# The day of an article as in v_daily_counts: the UTC day of its publication, or of its first
# sighting when the feed gave no date.
_PG_DAY = "CAST((COALESCE(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC') AS date)"
_SQLITE_DAY = "date(COALESCE(a.published_at, a.first_seen_at))"

V_MENTION_DAILY = """
CREATE VIEW v_mention_daily AS
SELECT {day} AS day,
       m.entity_key AS entity_key,
       e.label AS entity_label,
       e.kind AS entity_kind,
       o.slug AS outlet,
       COALESCE(a.language, 'und') AS language,
       COUNT(DISTINCT m.article_id) AS articles,
       SUM(m.count) AS mentions
FROM mentions m
JOIN entities e ON e.key = m.entity_key
JOIN articles a ON a.id = m.article_id
JOIN outlets o ON o.id = a.outlet_id
GROUP BY {day}, m.entity_key, e.label, e.kind, o.slug, COALESCE(a.language, 'und')
"""


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "mentions",
        sa.Column(
            "article_id",
            sa.String(32),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("entity_key", sa.String(200), sa.ForeignKey("entities.key"), nullable=False),
        sa.Column("surface", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "entity_key", "surface"),
    )
    op.create_index("ix_mentions_entity", "mentions", ["entity_key", "article_id"])
    op.create_table(
        "mention_sources",
        sa.Column(
            "article_id",
            sa.String(32),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("extractor", sa.Integer(), nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
    )
    day = _PG_DAY if op.get_bind().dialect.name == "postgresql" else _SQLITE_DAY
    op.execute(V_MENTIONS)
    op.execute(V_MENTION_DAILY.format(day=day))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_mention_daily")
    op.execute("DROP VIEW IF EXISTS v_mentions")
    op.drop_table("mention_sources")
    op.drop_index("ix_mentions_entity", table_name="mentions")
    op.drop_table("mentions")
    op.drop_table("entities")
