"""Boilerplate segments learned per outlet: how many articles each short edge paragraph was
seen in (``boilerplate_segments``). What counts as boilerplate is ``pipeline.clean.boilerplate``'s
rule; this module only reads and adds counts, one query per outlet and batch, one upsert."""

from __future__ import annotations

from sqlalchemy import Connection, Integer, String, bindparam, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from pipeline.archive.dedup_models import BoilerplateSegmentRow
from pipeline.archive.types import UTCDateTime

SEGMENTS = BoilerplateSegmentRow.__table__


def stored_counts(connection: Connection, outlet_id: int, keys: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        query = select(SEGMENTS.c.segment_hash, SEGMENTS.c.article_count).where(
            SEGMENTS.c.outlet_id == outlet_id, SEGMENTS.c.segment_hash.in_(chunk)
        )
        counts.update((k, c) for k, c in connection.execute(query))
    return counts


# One statement for the whole batch: a thousand articles bring over a thousand segments, and a
# row at a time (even pipelined) cost more than the rest of the boilerplate step.
_PG_ADD_COUNTS = text(
    """
INSERT INTO boilerplate_segments AS s
       (outlet_id, segment_hash, sample, article_count, first_seen_at, last_seen_at)
SELECT o, h, t, n, :now, :now
FROM unnest(CAST(:outlets AS INTEGER[]), CAST(:hashes AS VARCHAR[]), CAST(:samples AS VARCHAR[]),
            CAST(:counts AS INTEGER[])) AS b(o, h, t, n)
ON CONFLICT (outlet_id, segment_hash) DO UPDATE
   SET article_count = s.article_count + EXCLUDED.article_count,
       last_seen_at = EXCLUDED.last_seen_at
"""
).bindparams(
    bindparam("outlets", type_=ARRAY(Integer)),
    bindparam("hashes", type_=ARRAY(String)),
    bindparam("samples", type_=ARRAY(String)),
    bindparam("counts", type_=ARRAY(Integer)),
    bindparam("now", type_=UTCDateTime()),
)


def add_counts(connection: Connection, rows: list[dict]) -> None:
    """Add the batch's counts (one row per outlet and segment) to the stored ones."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(
            _PG_ADD_COUNTS,
            {
                "outlets": [r["outlet_id"] for r in rows],
                "hashes": [r["segment_hash"] for r in rows],
                "samples": [r["sample"] for r in rows],
                "counts": [r["article_count"] for r in rows],
                "now": rows[0]["last_seen_at"],
            },
        )
        return
    insert = sqlite.insert
    stmt = insert(SEGMENTS)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SEGMENTS.c.outlet_id, SEGMENTS.c.segment_hash],
        set_={
            "article_count": SEGMENTS.c.article_count + stmt.excluded.article_count,
            "last_seen_at": stmt.excluded.last_seen_at,
        },
    )
    connection.execute(stmt, rows)
