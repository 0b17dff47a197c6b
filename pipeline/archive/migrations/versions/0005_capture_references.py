"""Index the columns that refer to a capture

``fetches``, ``articles`` and ``quarantine`` point at the capture they came from, but nothing
indexed those columns. Processing a capture updates its fetch row by ``capture_id``: a
sequential scan of every fetch ever recorded (30 days of 100 feeds polled every 15 minutes is
288,000 rows, 32 ms per capture), so each capture cost more as the archive grew. Pruning old
captures has the same problem three times over: every deleted capture is checked against each
referencing table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_fetches_capture", "fetches"),
    ("ix_articles_capture", "articles"),
    ("ix_quarantine_capture", "quarantine"),
)


def upgrade() -> None:
    for name, table in INDEXES:
        op.create_index(name, table, ["capture_id"])


def downgrade() -> None:
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
