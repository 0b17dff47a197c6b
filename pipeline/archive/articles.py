"""Loading articles: exact duplicates linked to their origin, then one multi-row upsert."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from pipeline.archive.models import ArticleRow, QuarantineRow
from pipeline.archive.upsert import dedupe_batch, upsert

ARTICLES = ArticleRow.__table__
QUARANTINE = QuarantineRow.__table__

# Columns a re-run may correct. Identity (outlet, feed, url, guid), first sighting and story links
# are fixed when the article is first stored.
UPDATABLE = (
    "title", "summary", "body_text", "body_html", "section", "authors", "published_at",
    "published_raw", "date_flag", "language", "script", "language_confidence", "content_hash",
    "syndicated_from",
)  # fmt: skip


@dataclass
class LoadCounts:
    seen: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0

    def add(self, other: LoadCounts) -> None:
        self.seen += other.seen
        self.new += other.new
        self.updated += other.updated
        self.duplicates += other.duplicates


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(connection: Connection, ids: list[str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for chunk in _chunks(ids):
        query = select(ARTICLES.c.id, ARTICLES.c.first_seen_at).where(ARTICLES.c.id.in_(chunk))
        found.update((r.id, tuple(r)) for r in connection.execute(query))
    return found


def _origins_by_hash(connection: Connection, hashes: list[str]) -> dict[str, tuple[str, str]]:
    """Earliest stored article per content hash: (origin id, story id)."""
    origins: dict[str, tuple[str, str, object]] = {}
    for chunk in _chunks(hashes):
        query = select(
            ARTICLES.c.content_hash, ARTICLES.c.id, ARTICLES.c.story_id, ARTICLES.c.published_at,
            ARTICLES.c.duplicate_of,
        ).where(ARTICLES.c.content_hash.in_(chunk))  # fmt: skip
        for h, aid, story, published, duplicate_of in connection.execute(query):
            if duplicate_of is not None:
                continue
            best = origins.get(h)
            if best is None or (published, aid) < (best[2], best[0]):
                origins[h] = (aid, story or aid, published)
    return {h: (aid, story) for h, (aid, story, _p) in origins.items()}


def link_exact_duplicates(connection: Connection, rows: list[dict], existing: set[str]) -> int:
    """Fill ``duplicate_of`` and ``story_id`` of new rows whose text equals an earlier article's."""
    new_rows = [r for r in rows if r["id"] not in existing]
    origins = _origins_by_hash(connection, sorted({r["content_hash"] for r in new_rows}))
    duplicates = 0
    for row in sorted(new_rows, key=lambda r: (r["published_at"], r["id"])):
        origin = origins.get(row["content_hash"])
        if origin is None:
            origins[row["content_hash"]] = (row["id"], row["id"])
            row["duplicate_of"], row["story_id"] = None, row["id"]
        else:
            row["duplicate_of"], row["story_id"] = origin
            duplicates += 1
    return duplicates


def load_articles(connection: Connection, rows: list[dict]) -> LoadCounts:
    rows = dedupe_batch(rows, ["id"])
    counts = LoadCounts(seen=len(rows))
    if not rows:
        return counts
    existing = _existing(connection, [r["id"] for r in rows])
    for row in rows:
        if row["id"] in existing:
            first_seen = existing[row["id"]][1]
            row["first_seen_at"] = first_seen
            if row["date_flag"] is not None:
                # A fallback date is the first sighting, whichever capture is being reprocessed.
                row["published_at"] = first_seen
    counts.duplicates = link_exact_duplicates(connection, rows, set(existing))
    for row in rows:
        # Every row of a multi-row insert names the same columns; existing rows keep their links.
        row.setdefault("duplicate_of", None)
        row.setdefault("story_id", None)
    changed = upsert(connection, ARTICLES, rows, ["id"], UPDATABLE, returning=["id"])
    counts.new = len(rows) - len(existing)
    counts.updated = sum(1 for (aid,) in changed if aid in existing)
    return counts


def quarantine(connection: Connection, rows: list[dict]) -> int:
    upsert(
        connection,
        QUARANTINE,
        rows,
        ["feed_id", "item_key", "reason"],
        ["detail", "excerpt", "capture_id"],
    )
    return len(rows)
