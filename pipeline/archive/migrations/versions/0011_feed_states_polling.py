"""feed states for operators and adaptive polling

Operators saw "ok" for a feed that answered 200 with nothing new for weeks, and every feed was
polled every run whatever it declared or published. The feed row now keeps:

- what its last document said about its rhythm: the interval it declares (``ttl``,
  ``sy:updatePeriod``) and why, the median gap between its items, its newest item's date;
- the freshness its last full response declared (``Cache-Control: max-age``, ``Expires``),
  which a 304 keeps;
- the registry's manual override (``poll_every``) and why the next poll is when it is;
- the operators' state ("ok", "silent", "failing", "disabled", "rate_limited"), since when and
  why, so that entering a state alerts once (pipeline.flows.feed_states).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("declared_poll_s", sa.Float()),
    ("declared_poll_reason", sa.String(80)),
    ("http_poll_s", sa.Float()),
    ("http_poll_reason", sa.String(80)),
    ("typical_gap_s", sa.Float()),
    ("newest_item_at", sa.DateTime(timezone=True)),
    ("poll_every_s", sa.Float()),
    ("poll_reason", sa.String(200)),
    ("ops_state", sa.String(20)),
    ("ops_state_since", sa.DateTime(timezone=True)),
    ("ops_state_reason", sa.Text()),
)


# Plain ALTER TABLE, not a batch: SQLite (3.35+) adds and drops these columns in place, where a
# batch would copy the table and break the views that read it (v_feed_health).
def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("feeds", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("feeds", name)
