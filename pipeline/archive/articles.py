"""Loading articles: learned boilerplate removed, credits read, exact and near copies linked to
their story, then one multi-row upsert. One round of queries per batch, not per article."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, String, func, select, update

from pipeline.archive.bulk import in_values, staged_upsert
from pipeline.archive.models import ArticleRow, QuarantineRow
from pipeline.archive.upsert import dedupe_batch, upsert
from pipeline.clean.boilerplate import BoilerplateOptions, strip_boilerplate
from pipeline.dedup.compare import KEY as COMPARED
from pipeline.dedup.compare import compared
from pipeline.dedup.stories import (
    DedupItem,
    forget_signatures,
    link_stories,
    singleton_stories,
    store_signatures,
)

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
    duplicates: int = 0  # exact and near copies of an earlier article
    near_duplicates: int = 0

    def add(self, other: LoadCounts) -> None:
        self.seen += other.seen
        self.new += other.new
        self.updated += other.updated
        self.duplicates += other.duplicates
        self.near_duplicates += other.near_duplicates


@dataclass(frozen=True)
class LoadOptions:
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(connection: Connection, ids: list[str]) -> dict[str, tuple]:
    """(id, first_seen_at, length of body_text, content_hash) of the stored articles."""
    found: dict[str, tuple] = {}
    for condition in in_values(connection, ARTICLES.c.id, ids, String):
        query = select(
            ARTICLES.c.id,
            ARTICLES.c.first_seen_at,
            func.coalesce(func.length(ARTICLES.c.body_text), 0),
            ARTICLES.c.content_hash,
        ).where(condition)
        found.update((r[0], tuple(r)) for r in connection.execute(query))
    return found


def _text_length(row: dict) -> int:
    return len(row.get("body_text") or "")


# Fixed by the first sighting of an article; the fullest text may come from a later one.
IDENTITY = ("outlet_id", "feed_id", "url", "guid", "first_seen_at", "capture_id")


def _fullness(row: dict) -> tuple:
    return (not row.get("_partial", False), _text_length(row), row.get("body_text") or "")


def _sighting(row: dict) -> tuple:
    return (row["first_seen_at"], row.get("capture_id") or 0)


def fullest_per_id(rows: list[dict]) -> list[dict]:
    """One row per article id: the fullest text, under the identity of the first sighting.

    An article listed by two feeds (one with full text, one with a summary) must come out the
    same whichever capture is loaded first; ties go to the greater text, so the pick is stable.
    Rows of several captures loaded together keep the feed and time of the earliest, as if the
    captures had been loaded one by one in the order they were fetched.
    """
    best: dict[str, dict] = {}
    first: dict[str, dict] = {}
    for row in rows:
        aid = row["id"]
        kept = best.get(aid)
        if kept is None or _fullness(row) > _fullness(kept):
            best[aid] = row
        earliest = first.get(aid)
        if earliest is None or _sighting(row) < _sighting(earliest):
            first[aid] = row
    merged = []
    for aid, row in best.items():
        origin = first[aid]
        if origin is not row:
            row = {**row, **{k: origin[k] for k in IDENTITY if k in origin}}
            if row.get("date_flag") is not None:
                # A fallback date is the first sighting.
                row["published_at"] = row["first_seen_at"]
        merged.append(row)
    return merged


def _dedup_items(rows: list[dict]) -> list[DedupItem]:
    items: list[DedupItem] = []
    for row in rows:
        seen = compared(row)
        row["content_hash"] = seen.content_hash
        row["syndicated_from"] = seen.credited or row.get("syndicated_from")
        items.append(DedupItem(row, seen.signature, hashable=seen.hashable))
    return items


@dataclass
class Loaded:
    counts: LoadCounts
    new_ids: set[str]


def load_articles(
    connection: Connection, rows: list[dict], options: LoadOptions | None = None
) -> LoadCounts:
    """Boilerplate out, credits read, copies linked to their story, then one multi-row upsert."""
    return load_batch(connection, rows, options).counts


def load_batch(
    connection: Connection, rows: list[dict], options: LoadOptions | None = None
) -> Loaded:
    """``load_articles``, also telling which article ids were not in the archive before."""
    options = options or LoadOptions()
    rows = fullest_per_id(rows)
    counts = LoadCounts(seen=len(rows))
    if not rows:
        return Loaded(counts, set())
    existing = _existing(connection, [r["id"] for r in rows])
    # A summary is a poorer view of a stored article, not a correction of it: keep the text.
    kept = []
    for row in rows:
        partial = row.pop("_partial", False)
        if not (partial and row["id"] in existing and _text_length(row) < existing[row["id"]][2]):
            kept.append(row)
    rows = kept
    if not rows:
        return Loaded(counts, set())
    for row in rows:
        if row["id"] in existing:
            first_seen = existing[row["id"]][1]
            row["first_seen_at"] = first_seen
            if row["date_flag"] is not None:
                # A fallback date is the first sighting, whichever capture is being reprocessed.
                row["published_at"] = first_seen
    new_ids = {r["id"] for r in rows} - set(existing)
    strip_boilerplate(connection, rows, new_ids, datetime.now(UTC), options.boilerplate)
    items = _dedup_items(rows)
    relinked = _relinkable(connection, items, existing)
    new_items = [i for i in items if i.row["id"] in new_ids or i.row["id"] in relinked]
    linked = link_stories(connection, new_items)
    # A re-rooted story gains one copy: its former origin, now pointing at the earlier one.
    counts.duplicates = linked.exact + linked.near + linked.rerooted
    counts.near_duplicates = linked.near
    for row in rows:
        # Every row of a multi-row insert names the same columns; existing rows keep their links.
        row.setdefault("duplicate_of", None)
        row.setdefault("story_id", None)
    changed = _upsert_articles(connection, rows)
    for item in new_items:
        if item.row["id"] in relinked:
            connection.execute(
                update(ARTICLES)
                .where(ARTICLES.c.id == item.row["id"])
                .values(story_id=item.row["story_id"], duplicate_of=item.row["duplicate_of"])
            )
    store_signatures(connection, new_items)
    counts.new = len(new_ids)
    counts.updated = sum(1 for (aid,) in changed if aid in existing)
    return Loaded(counts, new_ids)


# The search words travel as one space-separated string per row (words hold no spaces).
_SEARCH_VECTOR = {
    "search_tsv": "array_to_tsvector(array_remove(string_to_array(search_tsv, ' '), ''))"
}


def _drop_derived(row: dict) -> None:
    row.pop("_folded", None)
    row.pop(COMPARED, None)


def _upsert_articles(connection: Connection, rows: list[dict]) -> list[tuple]:
    if connection.dialect.name != "postgresql":
        for row in rows:
            _drop_derived(row)
        return upsert(connection, ARTICLES, rows, ["id"], UPDATABLE, returning=["id"])
    for row in rows:
        row["search_tsv"] = compared(row).search
        _drop_derived(row)
    return staged_upsert(
        connection,
        "articles",
        dedupe_batch(rows, ["id"]),
        [c.name for c in ARTICLES.c],
        ["id"],
        (*UPDATABLE, "search_tsv"),
        ["id"],
        extra=_SEARCH_VECTOR,
    )


def _relinkable(
    connection: Connection, items: list[DedupItem], existing: dict[str, tuple]
) -> set[str]:
    """Stored articles whose text changed while they were a story of their own.

    An origin whose article page failed was stored with its summary, and a copy loaded then
    could not match it; when the full text arrives, the article is signed and linked again as if
    new, so the archive ends as if the page had never failed. Articles already in a story with
    other members keep their links.
    """
    changed = [
        i.row["id"]
        for i in items
        if i.row["id"] in existing and i.row["content_hash"] != existing[i.row["id"]][3]
    ]
    alone = singleton_stories(connection, changed)
    forget_signatures(connection, sorted(alone))
    return alone


def quarantine(connection: Connection, rows: list[dict]) -> int:
    upsert(
        connection,
        QUARANTINE,
        rows,
        ["feed_id", "item_key", "reason"],
        ["detail", "excerpt", "capture_id"],
    )
    return len(rows)
