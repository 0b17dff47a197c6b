"""robots.txt files kept between fetch cycles

Each fetch cycle read robots.txt afresh for every origin it polled, and with one fetch task per
feed (``NEWS_FETCH_BATCH=1``, the default) every feed poll sent a second request, for robots.txt,
to its outlet: twice the requests the outlet needed to serve, and a fifth of the CPU of a poll
that found the feed unchanged. The file an origin answered (2xx or 4xx; an unreachable file or a
5xx is asked for again next cycle) is kept here and trusted for an hour
(``pipeline.fetch.politeness.ROBOTS_TTL_S``; RFC 9309 allows a day).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robots_files",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("robots_files")
