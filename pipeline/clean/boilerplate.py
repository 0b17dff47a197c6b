"""Boilerplate learned per outlet: a short paragraph that recurs across many of an outlet's
articles ("Lajmet e fundit nga ...", a newsletter pitch, a standing disclaimer) is furniture.

Counts live in the archive (``boilerplate_segments``), so what one run learns the next one uses,
and a new outlet needs no hand-written rules. One query per outlet and batch reads the counts of
every candidate paragraph in the batch; one upsert adds the batch's own counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Integer, String, bindparam, delete, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from pipeline.archive.dedup_models import BoilerplateSegmentRow
from pipeline.archive.types import UTCDateTime
from pipeline.clean.credits import is_credit_line
from pipeline.clean.html import drop_paragraphs_html
from pipeline.dedup.normalize import comparison_text

SEGMENTS = BoilerplateSegmentRow.__table__


@dataclass(frozen=True)
class BoilerplateOptions:
    # Five distinct articles: an outlet's footer shows up in every article, while a sentence two
    # updates of the same story share reaches two or three.
    min_articles: int = 5
    # Boilerplate is short; a long paragraph that recurs is a story republished, not furniture.
    max_segment_chars: int = 300
    # Furniture sits at the top or the bottom of an article; middles are not tracked, which keeps
    # the table from growing with every paragraph ever published.
    head_paragraphs: int = 2
    tail_paragraphs: int = 4


def segment_key(paragraph: str) -> str:
    return hashlib.sha256(comparison_text(paragraph).encode()).hexdigest()[:16]


def _candidates(paragraphs: list[str], options: BoilerplateOptions) -> dict[str, str]:
    """Tracked paragraphs of one article: key -> sample text."""
    n = len(paragraphs)
    picked: dict[str, str] = {}
    for index, paragraph in enumerate(paragraphs):
        edge = index < options.head_paragraphs or index >= n - options.tail_paragraphs
        # A credit line recurs under every text an outlet takes from one agency, but it is what
        # fills syndicated_from: it stays in the text (and out of the comparison).
        if (
            edge
            and 0 < len(paragraph) <= options.max_segment_chars
            and not is_credit_line(paragraph)
        ):
            if comparison_text(paragraph):
                picked.setdefault(segment_key(paragraph), paragraph)
    return picked


def _stored_counts(connection: Connection, outlet_id: int, keys: list[str]) -> dict[str, int]:
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


def _add_counts(connection: Connection, rows: list[dict]) -> None:
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


def strip_boilerplate(
    connection: Connection,
    rows: list[dict],
    new_ids: set[str],
    now: datetime,
    options: BoilerplateOptions | None = None,
) -> int:
    """Remove learned boilerplate from ``body_text`` (and ``body_html``) of ``rows`` in place and
    count the paragraphs of the new ones. Returns the number of paragraphs removed."""
    options = options or BoilerplateOptions()
    by_outlet: dict[int, list[tuple[dict, list[str], dict[str, str]]]] = defaultdict(list)
    for row in rows:
        paragraphs = (row.get("body_text") or "").split("\n\n")
        by_outlet[row["outlet_id"]].append((row, paragraphs, _candidates(paragraphs, options)))
    removed = 0
    increments: list[dict] = []
    for outlet_id, items in by_outlet.items():
        batch = Counter(k for row, _p, c in items if row["id"] in new_ids for k in c)
        keys = sorted({k for _r, _p, c in items for k in c})
        stored = _stored_counts(connection, outlet_id, keys)
        boiler = {k for k in keys if stored.get(k, 0) + batch.get(k, 0) >= options.min_articles}
        samples = {k: s for _r, _p, c in items for k, s in c.items()}
        increments.extend(
            {
                "outlet_id": outlet_id,
                "segment_hash": k,
                "sample": samples[k][:300],
                "article_count": n,
                "first_seen_at": now,
                "last_seen_at": now,
            }  # fmt: skip
            for k, n in sorted(batch.items())
        )
        for row, paragraphs, candidates in items:
            drop = boiler & candidates.keys()
            if not drop:
                continue
            kept = [p for p in paragraphs if not (p and segment_key(p) in drop)]
            removed += len(paragraphs) - len(kept)
            row["body_text"] = "\n\n".join(kept) or None
            if row.get("body_html"):
                drop_keys = {comparison_text(candidates[k]) for k in drop}
                row["body_html"] = drop_paragraphs_html(row["body_html"], drop_keys) or None
    _add_counts(connection, increments)
    return removed


def forget_stale_segments(connection: Connection, older_than: datetime) -> int:
    """Maintenance: segments not seen since ``older_than`` (one-offs, retired footers) go."""
    result = connection.execute(delete(SEGMENTS).where(SEGMENTS.c.last_seen_at < older_than))
    return result.rowcount or 0
