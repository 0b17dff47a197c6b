"""article texts compressed with LZ4 on PostgreSQL

An article's text, HTML and search vector (2 to 10 kB each) are compressed when stored. With
PostgreSQL's default, pglz, the server spent 12.1 s of CPU on the processing benchmark's 20,000
articles, with LZ4 10.5 s (COPY into the staging table took half the time); LZ4 trades a
slightly larger result for that speed (bench/processing.py, README "Performance"). A compressed value is copied as it is from
the staging table into ``articles`` (``pipeline.archive.bulk.staged_upsert`` gives the staging
columns the target's method), so each text is compressed once.

Only servers built with LZ4 (``--with-lz4``, as Debian's and the official images are) offer it;
elsewhere this migration changes nothing. Values stored before keep their method until rewritten.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The search vector of a long text passes the 2 kB threshold too.
COLUMNS = ("title", "summary", "body_text", "body_html", "search_tsv")


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    offered = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return bool(offered) and "lz4" in offered


def _set(method: str) -> None:
    changes = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in COLUMNS)
    op.execute(f"ALTER TABLE articles {changes}")


def upgrade() -> None:
    if _lz4_available():
        _set("lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set("default")
