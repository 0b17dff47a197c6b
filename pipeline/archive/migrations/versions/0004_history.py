"""History: capture kinds, harvest ledger, coverage gaps and daily coverage

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

V_COVERAGE = """
CREATE VIEW v_coverage AS
SELECT o.slug AS outlet,
       f.url AS feed_url,
       c.day AS day,
       c.captures AS captures,
       c.articles AS articles,
       c.earliest_published AS earliest_published,
       c.latest_published AS latest_published,
       c.gap AS gap
FROM coverage_daily c
JOIN feeds f ON f.id = c.feed_id
JOIN outlets o ON o.id = f.outlet_id
"""


def upgrade() -> None:
    with op.batch_alter_table("outlets") as batch:
        batch.add_column(sa.Column("sitemaps", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="feed"))
        batch.add_column(sa.Column("covers_day", sa.Date(), nullable=True))
        batch.create_index("ix_captures_feed_day", ["feed_id", "covers_day"])
    op.create_table(
        "harvests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("method", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("feed_id", "day", "method"),
    )
    op.create_table(
        "coverage_gaps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(60), nullable=False),
        sa.Column("fetch_id", sa.Integer(), sa.ForeignKey("fetches.id"), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("feed_id", "day"),
    )
    op.create_table(
        "coverage_daily",
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("captures", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("earliest_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latest_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gap", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_coverage_daily_day", "coverage_daily", ["day"])
    op.execute(V_COVERAGE)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_coverage")
    op.drop_index("ix_coverage_daily_day", "coverage_daily")
    op.drop_table("coverage_daily")
    op.drop_table("coverage_gaps")
    op.drop_table("harvests")
    op.drop_index("ix_captures_feed_day", "captures")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of these tables would
    # fail on SQLite, which re-checks every view that reads them while the table is renamed.
    for table, column in (
        ("captures", "covers_day"),
        ("captures", "kind"),
        ("outlets", "sitemaps"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
