"""Loading a batch of article rows: learned boilerplate removed, credits read, exact and near
copies linked to their story, then one multi-row upsert. One round of queries per batch, not per
article. The stages decide (``pipeline.clean.boilerplate``, ``pipeline.dedup``); storage stores
(``pipeline.archive``) the plain column values this module hands it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import Connection

from pipeline.archive import articles
from pipeline.archive import boilerplate as segments
from pipeline.clean.boilerplate import (
    BoilerplateOptions,
    boilerplate_keys,
    candidates,
    drop_segments,
)
from pipeline.dedup.compare import compared
from pipeline.dedup.stories import (
    DedupItem,
    forget_signatures,
    link_stories,
    singleton_stories,
    store_signatures,
)
from pipeline.flows import versions
from pipeline.flows.mentions import store_mentions
from pipeline.types import Article

quarantine = articles.quarantine


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


def _text_length(row: Article) -> int:
    return len(row.body_text or "")


# Fixed by the first sighting of an article; the fullest text may come from a later one.
IDENTITY = ("outlet_id", "feed_id", "url", "guid", "first_seen_at", "capture_id")


def _fullness(row: Article) -> tuple:
    # The newest full sighting: an edit that shortens the text still wins (flows.versions).
    seen = row.sighted_at or row.first_seen_at
    return (not row.partial, seen, _text_length(row), row.body_text or "")


def _sighting(row: Article) -> tuple:
    return (row.first_seen_at, row.capture_id or 0)


def fullest_per_id(rows: list[Article]) -> list[Article]:
    """One row per article id: the newest full text, under the identity of the first sighting.

    An article listed by two feeds (one with full text, one with a summary) must come out the
    same whichever capture is loaded first; ties go to the greater text, so the pick is stable.
    Rows of several captures loaded together keep the feed and time of the earliest, as if the
    captures had been loaded one by one in the order they were fetched.
    """
    best: dict[str, Article] = {}
    first: dict[str, Article] = {}
    for row in rows:
        aid = row.id
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
            row = replace(row, **{k: getattr(origin, k) for k in IDENTITY})
            if row.date_flag is not None:
                # A fallback date is the first sighting.
                row.published_at = row.first_seen_at
        merged.append(row)
    return merged


@dataclass
class Loaded:
    counts: LoadCounts
    new_ids: set[str]


def load_articles(
    connection: Connection, rows: list[Article], options: LoadOptions | None = None
) -> LoadCounts:
    """Boilerplate out, credits read, copies linked to their story, then one multi-row upsert."""
    return load_batch(connection, rows, options).counts


def load_batch(
    connection: Connection, rows: list[Article], options: LoadOptions | None = None
) -> Loaded:
    """``load_articles``, also telling which article ids were not in the archive before."""
    options = options or LoadOptions()
    for row in rows:
        row.sighted_at = row.sighted_at or row.first_seen_at
    sightings = rows
    rows = fullest_per_id(rows)
    counts = LoadCounts(seen=len(rows))
    if not rows:
        return Loaded(counts, set())
    existing = articles.existing(connection, [r.id for r in rows])
    # A summary is a poorer view of a stored article, not a correction of it: keep the text.
    kept = []
    for row in rows:
        if not (row.partial and row.id in existing and _text_length(row) < existing[row.id][2]):
            kept.append(row)
    rows = kept
    if not rows:
        return Loaded(counts, set())
    for row in rows:
        if row.id in existing:
            first_seen = existing[row.id][1]
            row.first_seen_at = first_seen
            if row.date_flag is not None:
                # A fallback date is the first sighting, whichever capture is being reprocessed.
                row.published_at = first_seen
    new_ids = {r.id for r in rows} - set(existing)
    versions.keep_latest_update(sightings, rows, existing)
    others = versions.other_sightings(sightings, rows)
    raw_texts = {id(r): r.body_text for r in (*rows, *others)}
    strip_boilerplate(connection, rows, new_ids, datetime.now(UTC), options.boilerplate, others)
    # An old capture reprocessed after a newer one leaves the newer text in place.
    plan = versions.plan_versions(connection, rows, others, raw_texts, existing)
    rows = [r for r in rows if r.id not in plan.stale]
    if not rows:
        plan.store(connection)
        return Loaded(counts, set())
    items = _dedup_items(rows)
    relinked = _relinkable(connection, items, existing)
    new_items = [i for i in items if i.row.id in new_ids or i.row.id in relinked]
    linked = link_stories(connection, new_items)
    # A re-rooted story gains one copy: its former origin, now pointing at the earlier one.
    counts.duplicates = linked.exact + linked.near + linked.rerooted
    counts.near_duplicates = linked.near
    changed = articles.upsert_articles(connection, _columns(connection, rows))
    store_mentions(connection, rows)
    plan.store(connection)
    articles.set_story_links(
        connection,
        [
            (item.row.id, item.row.story_id, item.row.duplicate_of)
            for item in new_items
            if item.row.id in relinked
        ],
    )
    store_signatures(connection, new_items)
    counts.new = len(new_ids)
    counts.updated = sum(1 for (aid,) in changed if aid in existing)
    return Loaded(counts, new_ids)


def strip_boilerplate(
    connection: Connection,
    rows: list[Article],
    new_ids: set[str],
    now: datetime,
    options: BoilerplateOptions | None = None,
    uncounted: list[Article] | None = None,
) -> int:
    """Remove learned boilerplate from ``body_text`` (and ``body_html``) of ``rows`` in place and
    count the paragraphs of the new ones; ``uncounted`` rows (other sightings of the same
    articles) are cleaned alike but not counted. Returns the number of paragraphs removed."""
    options = options or BoilerplateOptions()
    by_outlet: dict[int, list[tuple[Article, list[str], dict[str, str]]]] = defaultdict(list)
    counted = {id(row) for row in rows}
    for row in (*rows, *(uncounted or ())):
        paragraphs = (row.body_text or "").split("\n\n")
        by_outlet[row.outlet_id].append((row, paragraphs, candidates(paragraphs, options)))
    removed = 0
    increments: list[dict] = []
    for outlet_id, items in by_outlet.items():
        batch = Counter(
            k for row, _p, c in items if row.id in new_ids and id(row) in counted for k in c
        )
        keys = sorted({k for _r, _p, c in items for k in c})
        stored = segments.stored_counts(connection, outlet_id, keys)
        boiler = boilerplate_keys(keys, stored, batch, options)
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
        for row, paragraphs, tracked in items:
            removed += drop_segments(row, paragraphs, tracked, boiler)
    segments.add_counts(connection, increments)
    return removed


def _dedup_items(rows: list[Article]) -> list[DedupItem]:
    items: list[DedupItem] = []
    for row in rows:
        seen = compared(row)
        row.content_hash = seen.content_hash
        row.syndicated_from = seen.credited or row.syndicated_from
        items.append(DedupItem(row, seen.signature, hashable=seen.hashable))
    return items


def _columns(connection: Connection, rows: list[Article]) -> list[dict]:
    """The rows as storage takes them: columns only, with the search words on PostgreSQL."""
    if connection.dialect.name != "postgresql":
        return [row.columns() for row in rows]
    return [{**row.columns(), "search_tsv": compared(row).search} for row in rows]


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
        i.row.id
        for i in items
        if i.row.id in existing and i.row.content_hash != existing[i.row.id][3]
    ]
    alone = singleton_stories(connection, changed)
    forget_signatures(connection, sorted(alone))
    return alone
