"""Stories: every copy of a text linked to the earliest one, across outlets and scripts.

For a batch of new articles, one round of queries finds what the archive already holds:
- exact copies by content hash (normalised title and text without credits and boilerplate);
- near copies through the LSH index (``dedup_lsh``), verified on the MinHash signatures.
``duplicate_of`` points at the earliest copy (by publication time, then id) and ``story_id``
groups all copies under the id of that earliest copy. When a copy published earlier arrives
later, it becomes the origin and the stored copies are renamed to it, so the links come out the
same whatever order the copies are loaded in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.archive.bulk import copy_integers, driver_cursor, in_values
from pipeline.archive.dedup_models import LshBucketRow, SignatureRow
from pipeline.archive.models import ArticleRow
from pipeline.dedup.near import (
    JACCARD_THRESHOLD,
    NUM_PERM,
    Signature,
    band_buckets_many,
    distinct,
)
from pipeline.types import Article

ARTICLES = ArticleRow.__table__
SIGNATURES = SignatureRow.__table__
LSH = LshBucketRow.__table__
_CHUNK = 900


@dataclass
class DedupItem:
    """A new article with what dedup compares: its content hash and MinHash signature."""

    row: Article
    signature: Signature | None
    # Exact matching needs some text: two items titled "Video" with no body are not one story.
    hashable: bool = True
    buckets: list[int] = field(default_factory=list)

    @property
    def when(self) -> tuple[datetime, str]:
        return (self.row.published_at or self.row.first_seen_at, self.row.id)


@dataclass
class _Story:
    story_id: str
    origin_id: str
    origin_when: tuple[datetime, str]


@dataclass
class LinkCounts:
    exact: int = 0
    near: int = 0
    rerooted: int = 0


@dataclass
class _Candidate:
    article_id: str
    minhash: bytes  # Signature.to_bytes()
    story: _Story


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _when(published: datetime | None, first_seen: datetime | None, aid: str):
    return (published or first_seen, aid)


def _stories_by_hash(connection: Connection, hashes: list[str]) -> dict[str, _Story]:
    """Per content hash, the story of a stored article carrying it (copies share one story)."""
    found: dict[str, _Story] = {}
    for condition in in_values(connection, ARTICLES.c.content_hash, hashes, sa.String):
        query = select(
            ARTICLES.c.content_hash, ARTICLES.c.id, ARTICLES.c.story_id, ARTICLES.c.published_at,
            ARTICLES.c.first_seen_at, ARTICLES.c.duplicate_of,
        ).where(condition)  # fmt: skip
        for h, aid, story, published, seen, duplicate_of in connection.execute(query):
            if h in found and (duplicate_of is not None or found[h].origin_when is not None):
                continue
            # An origin's time is known here; a copy's origin is looked up in _resolve_origins.
            when = _when(published, seen, aid) if duplicate_of is None else None
            found[h] = _Story(story or aid, duplicate_of or aid, when)
    return found


# PostgreSQL: one index probe per bucket, whatever the archive size. Each LATERAL subquery is
# fenced with OFFSET 0 so the planner cannot flatten it into a hash join that scans the
# signatures table: at 20,000 to 200,000 archived articles it would otherwise prefer that
# plan, and a lookup would cost more as the archive grows.
_PG_NEAR_SQL = """
SELECT b.bucket, s.article_id, s.minhash, a.story_id, a.duplicate_of, a.published_at,
       a.first_seen_at
FROM unnest(CAST(%(buckets)s AS BIGINT[])) AS b(bucket)
JOIN LATERAL (SELECT l.signature_id FROM dedup_lsh l WHERE l.bucket = b.bucket OFFSET 0) AS l
  ON true
JOIN LATERAL (SELECT s.article_id, s.minhash FROM dedup_signatures s
              WHERE s.id = l.signature_id OFFSET 0) AS s ON true
JOIN LATERAL (SELECT a.story_id, a.duplicate_of, a.published_at, a.first_seen_at
              FROM articles a WHERE a.id = s.article_id OFFSET 0) AS a ON true
"""


def _near_rows(connection: Connection, buckets: list[int]):
    if connection.dialect.name == "postgresql":
        # An array literal written here: psycopg adapts a list of 40,000 ints element by element
        # in Python, five times slower than joining their decimal strings. The driver's cursor,
        # because a batch brings a few hundred thousand rows and SQLAlchemy's row objects and
        # type processing cost more than the rest of the lookup (timestamps come back aware,
        # which is all the comparisons here need).
        literal = "{" + ",".join(map(str, buckets)) + "}"
        with driver_cursor(connection) as cursor:
            cursor.execute(_PG_NEAR_SQL, {"buckets": literal}, binary=True)
            yield from cursor
        return
    for chunk in _chunks(buckets, 5000):
        query = (
            select(
                LSH.c.bucket,
                SIGNATURES.c.article_id,
                SIGNATURES.c.minhash,
                ARTICLES.c.story_id,
                ARTICLES.c.duplicate_of,
                ARTICLES.c.published_at,
                ARTICLES.c.first_seen_at,
            )  # fmt: skip
            .join(SIGNATURES, SIGNATURES.c.id == LSH.c.signature_id)
            .join(ARTICLES, ARTICLES.c.id == SIGNATURES.c.article_id)
            .where(LSH.c.bucket.in_(chunk))
        )
        yield from connection.execute(query)


def _near_candidates(
    connection: Connection, items: list[DedupItem]
) -> tuple[dict[int, list[str]], dict[str, _Candidate]]:
    """Archived articles sharing an LSH bucket with the batch: bucket -> ids, id -> candidate.

    One query: the LSH primary key finds the buckets, joins bring signatures and story links.
    """
    buckets = sorted({b for item in items for b in item.buckets})
    ids_by_bucket: dict[int, list[str]] = defaultdict(list)
    candidates: dict[str, _Candidate] = {}
    if not buckets:
        return ids_by_bucket, candidates
    for bucket, aid, minhash, story, dup, published, seen in _near_rows(connection, buckets):
        ids_by_bucket[bucket].append(aid)
        if aid not in candidates:
            when = _when(published, seen, aid) if dup is None else None
            candidates[aid] = _Candidate(aid, minhash, _Story(story or aid, dup or aid, when))
    return ids_by_bucket, candidates


def _resolve_origins(connection: Connection, stories: list[_Story]) -> None:
    """Fill the publication time of origins that were reached through one of their copies."""
    missing = sorted({s.origin_id for s in stories if s.origin_when is None})
    when: dict[str, tuple] = {}
    for condition in in_values(connection, ARTICLES.c.id, missing, sa.String):
        query = select(ARTICLES.c.id, ARTICLES.c.published_at, ARTICLES.c.first_seen_at).where(
            condition
        )
        when.update((aid, _when(p, s, aid)) for aid, p, s in connection.execute(query))
    for story in stories:
        if story.origin_when is None:
            story.origin_when = when.get(story.origin_id) or (datetime.max, story.origin_id)


def link_stories(connection: Connection, items: list[DedupItem]) -> LinkCounts:
    """Set ``duplicate_of`` and ``story_id`` on the rows of new articles (in place)."""
    counts = LinkCounts()
    if not items:
        return counts
    signed = [i for i in items if i.signature is not None]
    if signed:
        buckets = band_buckets_many(np.stack([i.signature.minhash for i in signed]))
        for item, row in zip(signed, buckets.tolist(), strict=True):
            item.buckets = row
    by_hash = _stories_by_hash(
        connection, sorted({i.row.content_hash for i in items if i.hashable})
    )
    archived_by_bucket, candidates = _near_candidates(connection, items)
    # One story object per story id, so a re-rooting is seen by every later copy in the batch.
    stories: dict[str, _Story] = {}
    for story in [*by_hash.values(), *(c.story for c in candidates.values())]:
        known = stories.setdefault(story.story_id, story)
        if known.origin_when is None and story.origin_when is not None:
            known.origin_id, known.origin_when = story.origin_id, story.origin_when
    _resolve_origins(connection, list(stories.values()))
    by_hash = {h: stories[s.story_id] for h, s in by_hash.items()}
    ordered = sorted(items, key=lambda i: i.when)
    table = _SignatureTable(candidates, archived_by_bucket, len(signed))
    table.score_in_advance([i for i in ordered if i.signature is not None])
    story_of = {aid: stories[c.story.story_id] for aid, c in candidates.items()}
    rerooted: dict[str, _Story] = {}
    row_story: dict[str, _Story] = {}
    for item in ordered:
        row = item.row
        story = by_hash.get(row.content_hash) if item.hashable else None
        exact = story is not None
        if story is None and item.signature is not None:
            story = _best_near(item, table, story_of)
        if story is None:
            story = _Story(row.id, row.id, item.when)
            stories[story.story_id] = story
            row.duplicate_of, row.story_id = None, row.id
        elif item.when < story.origin_when:
            # An earlier copy arrived late: it becomes the origin and names the story, so that
            # duplicate_of and story_id come out the same whatever order copies are loaded in.
            rerooted[story.story_id] = story
            story.origin_id, story.origin_when = row.id, item.when
        else:
            row.duplicate_of, row.story_id = story.origin_id, story.story_id
            if exact:
                counts.exact += 1
            else:
                counts.near += 1
        row_story[row.id] = story
        if item.hashable:
            by_hash.setdefault(row.content_hash, story)
        if item.signature is not None:
            table.add(row.id, item.signature, item.buckets)
            story_of[row.id] = story
    # Every row names its story by the story's final origin, so a copy that arrived before an
    # earlier one (in this batch or an earlier one) ends up exactly as if loaded in order.
    for item in items:
        story = row_story[item.row.id]
        item.row.story_id = story.origin_id
        item.row.duplicate_of = None if item.row.id == story.origin_id else story.origin_id
    reroots = {old_id: story.origin_id for old_id, story in rerooted.items()}
    counts.rerooted = _reroot_archived(connection, reroots)
    return counts


class _SignatureTable:
    """The signatures of a batch's candidates and of its own articles, one matrix row each, and
    the rows listed under each LSH bucket.

    An article's candidates are scored in one array comparison: a crowded bucket (wire copy that
    many outlets carry, short items with common phrases) brings hundreds per article, and one
    comparison at a time in Python cost 0.5 ms per article at 20,000 archived articles.
    """

    def __init__(
        self, candidates: dict[str, _Candidate], by_bucket: dict[int, list[str]], extra: int
    ) -> None:
        self.ids = list(candidates)
        self.row_of = {aid: row for row, aid in enumerate(self.ids)}
        self.matrix = np.empty((len(self.ids) + extra, NUM_PERM), dtype=np.uint32)
        if candidates:
            stored = b"".join(bytes(c.minhash) for c in candidates.values())
            self.matrix[: len(self.ids)] = np.frombuffer(stored, dtype="<u4").reshape(-1, NUM_PERM)
        self.by_bucket = {
            bucket: [self.row_of[aid] for aid in aids] for bucket, aids in by_bucket.items()
        }
        self._ahead: dict[str, list[tuple]] | None = None

    def score_in_advance(self, items: list[DedupItem]) -> bool:
        """Score every pair the batch's loop will ask about, in a few array operations.

        ``items`` are the batch's signed articles in the loop's order; ``similar`` then answers
        for each what it would have answered had every earlier one been added in turn, and
        ``add`` has nothing left to do. Per article, the one-at-a-time path costs five numpy
        calls and a set of Python lists: a third of the loader's time at 1,000 articles a batch.
        Not done (False) when an article of the batch is also a stored candidate (re-signed
        after its text changed): its row would change in the middle of the loop.
        """
        ids = [item.row.id for item in items]
        if len(set(ids)) < len(ids) or any(aid in self.row_of for aid in ids):
            return False
        first = len(self.ids)
        if items:
            self.matrix[first : first + len(items)] = np.stack([i.signature.minhash for i in items])
        counts = np.fromiter((len(i.buckets) for i in items), np.intp, len(items))
        item_of = np.repeat(np.arange(len(items), dtype=np.intp), counts)
        buckets = np.fromiter(chain.from_iterable(i.buckets for i in items), np.int64, counts.sum())
        stored_buckets = np.fromiter(
            chain.from_iterable([b] * len(r) for b, r in self.by_bucket.items()), np.int64
        )
        stored_rows = np.fromiter(chain.from_iterable(self.by_bucket.values()), np.intp)
        # (article, stored row) sharing a bucket; (article, earlier article) sharing a bucket.
        left, right = _joined(item_of, buckets, stored_rows, stored_buckets)
        later, earlier = _joined(item_of, buckets, item_of, buckets)
        keep = earlier < later
        left = np.concatenate([left, later[keep]])
        right = np.concatenate([right, first + earlier[keep]])
        width = first + len(items)
        pairs = distinct(left * width + right)
        left, right = pairs // width, pairs % width
        agreeing = _agreements(self.matrix, first + left, right)
        # Divided as estimated_jaccard divides, so that the threshold cuts in the same place.
        scores = agreeing / NUM_PERM
        hit = scores >= JACCARD_THRESHOLD
        names = self.ids + ids
        ahead: dict[str, list[tuple]] = defaultdict(list)
        found = zip(left[hit].tolist(), right[hit].tolist(), scores[hit].tolist(), strict=True)
        for i, r, score in found:
            ahead[ids[i]].append((score, names[r]))
        self._ahead = ahead
        return True

    def add(self, aid: str, signature: Signature, buckets: list[int]) -> None:
        """An article of the batch, candidate for the ones after it (a stored one re-signed)."""
        if self._ahead is not None:
            return  # scored in advance
        row = self.row_of.get(aid)
        if row is None:
            row = self.row_of[aid] = len(self.ids)
            self.ids.append(aid)
        self.matrix[row] = signature.minhash
        for bucket in buckets:
            self.by_bucket.setdefault(bucket, []).append(row)

    def similar(self, aid: str, signature: Signature, buckets: list[int]) -> list[tuple]:
        """(estimated Jaccard, id) of the other articles sharing a bucket, at the threshold."""
        if self._ahead is not None:
            return self._ahead.get(aid, [])
        listed = [self.by_bucket[b] for b in buckets if b in self.by_bucket]
        if not listed:
            return []
        rows = distinct(np.fromiter(chain.from_iterable(listed), dtype=np.intp))
        own = self.row_of.get(aid)
        if own is not None:
            rows = rows[rows != own]
        # Divided as estimated_jaccard divides, so that the threshold cuts in the same place.
        scores = np.count_nonzero(self.matrix[rows] == signature.minhash, axis=1) / NUM_PERM
        keep = scores >= JACCARD_THRESHOLD
        ids = [self.ids[r] for r in rows[keep].tolist()]
        return list(zip(scores[keep].tolist(), ids, strict=True))


# Pairs scored at once: 4,096 x 128 x 4 bytes, 2 MiB for each side of the comparison.
_SCORE_BLOCK = 4096
# Agreements needed for a pair to reach the threshold (64 of 128).
_NEEDED = next(n for n in range(NUM_PERM + 1) if n / NUM_PERM >= JACCARD_THRESHOLD)
# Positions compared first: a pair that agrees on fewer than _NEEDED - (NUM_PERM - _HEAD) of
# them (16 of 80) cannot reach the threshold on the rest. Unrelated articles agree on a few, so
# nearly every pair stops there, and the comparison reads 80 values of each row instead of 128.
_HEAD = 80


def _agreements(matrix: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair, how many of the NUM_PERM values rows ``left`` and ``right`` share; exact for
    every pair that can reach the threshold, and below _NEEDED for every other."""
    counts = np.empty(len(left), dtype=np.intp)
    for start in range(0, len(left), _SCORE_BLOCK):
        a, b = left[start : start + _SCORE_BLOCK], right[start : start + _SCORE_BLOCK]
        head = np.count_nonzero(matrix[a, :_HEAD] == matrix[b, :_HEAD], axis=1)
        alive = np.flatnonzero(head >= _NEEDED - (NUM_PERM - _HEAD))
        if len(alive):
            a, b = a[alive], b[alive]
            head[alive] += np.count_nonzero(matrix[a, _HEAD:] == matrix[b, _HEAD:], axis=1)
        counts[start : start + len(head)] = head
    return counts


def _joined(
    left_ids: np.ndarray, left_keys: np.ndarray, right_ids: np.ndarray, right_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (left id, right id) whose keys are equal: an equi-join of two arrays of pairs."""
    order = np.argsort(right_keys, kind="stable")
    keys, ids = right_keys[order], right_ids[order]
    start = np.searchsorted(keys, left_keys, side="left")
    counts = np.searchsorted(keys, left_keys, side="right") - start
    total = int(counts.sum())
    # Positions start[k], start[k] + 1, ... counts[k] of them, for each left entry k in turn.
    offsets = np.repeat(start - (np.cumsum(counts) - counts), counts)
    return np.repeat(left_ids, counts), ids[offsets + np.arange(total)]


def _best_near(item: DedupItem, table: _SignatureTable, story_of: dict[str, _Story]):
    """The story of the most similar candidate sharing a bucket with ``item``, if similar enough
    (``origin_when`` names the origin, so no two stories tie)."""
    best: tuple[float, _Story] | None = None
    for score, aid in table.similar(item.row.id, item.signature, item.buckets):
        story = story_of[aid]
        # The most similar copy wins; among equals, the story that started earliest.
        if (
            best is None
            or score > best[0]
            or (score == best[0] and story.origin_when < best[1].origin_when)
        ):
            best = (score, story)
    return best[1] if best else None


def _reroot_archived(connection: Connection, reroots: dict[str, str]) -> int:
    """Point every stored copy of a re-rooted story at its new origin (rare: one UPDATE each)."""
    for story_id, origin_id in reroots.items():
        connection.execute(
            update(ARTICLES)
            .where(and_(ARTICLES.c.story_id == story_id, ARTICLES.c.id != origin_id))
            .values(duplicate_of=origin_id, story_id=origin_id)
        )
    return len(reroots)


def singleton_stories(connection: Connection, article_ids: list[str]) -> set[str]:
    """The articles among ``article_ids`` that are a story of their own: no origin, no copies."""
    if not article_ids:
        return set()
    members = dict(
        connection.execute(
            select(ARTICLES.c.story_id, sa.func.count())
            .where(ARTICLES.c.story_id.in_(article_ids))
            .group_by(ARTICLES.c.story_id)
        ).all()
    )
    alone = connection.execute(
        select(ARTICLES.c.id).where(
            ARTICLES.c.id.in_(article_ids),
            ARTICLES.c.duplicate_of.is_(None),
            ARTICLES.c.story_id == ARTICLES.c.id,
        )
    ).scalars()
    return {aid for aid in alone if members.get(aid, 0) <= 1}


def forget_signatures(connection: Connection, article_ids: list[str]) -> None:
    """Drop the signatures and LSH rows of articles whose text changed (they are re-signed)."""
    if not article_ids:
        return
    ids = select(SIGNATURES.c.id).where(SIGNATURES.c.article_id.in_(article_ids))
    connection.execute(LSH.delete().where(LSH.c.signature_id.in_(ids)))
    connection.execute(SIGNATURES.delete().where(SIGNATURES.c.article_id.in_(article_ids)))


_PG_SIGNATURES = """
INSERT INTO dedup_signatures (article_id, minhash, shingles)
SELECT * FROM unnest(CAST(%(ids)s AS VARCHAR[]), CAST(%(minhashes)s AS BYTEA[]),
                     CAST(%(shingles)s AS INTEGER[]))
ON CONFLICT (article_id) DO NOTHING
RETURNING id, article_id
"""


def store_signatures(connection: Connection, items: list[DedupItem]) -> int:
    """Add the signatures and LSH rows of newly stored articles (after the article rows)."""
    rows = [
        {
            "article_id": i.row.id,
            "minhash": i.signature.to_bytes(),
            "shingles": i.signature.shingles,
        }
        for i in items
        if i.signature is not None
    ]
    if not rows:
        return 0
    if connection.dialect.name == "postgresql":
        # Three arrays in one statement: a VALUES list of 1,000 rows costs more to build and
        # parse than to run. Sent in binary: as text, each signature is written out in hex.
        with driver_cursor(connection) as cursor:
            cursor.execute(
                _PG_SIGNATURES,
                {
                    "ids": [r["article_id"] for r in rows],
                    "minhashes": [r["minhash"] for r in rows],
                    "shingles": [r["shingles"] for r in rows],
                },
                binary=True,
            )
            inserted = cursor.fetchall()
    else:
        inserted = connection.execute(
            _insert(connection, SIGNATURES)
            .on_conflict_do_nothing(index_elements=[SIGNATURES.c.article_id])
            .returning(SIGNATURES.c.id, SIGNATURES.c.article_id),
            rows,
        ).all()
    pairs = _lsh_pairs(inserted, {i.row.id: i.buckets for i in items})
    if not pairs:
        return len(inserted)
    if connection.dialect.name == "postgresql":
        # The signatures were inserted just now, so none of these pairs can exist yet: COPY
        # (20 rows per article) needs no conflict handling.
        copy_integers(connection, "dedup_lsh", ["bucket", "signature_id"], pairs)
    else:
        lsh_rows = [{"bucket": b, "signature_id": s} for b, s in pairs]
        connection.execute(_insert(connection, LSH).on_conflict_do_nothing(), lsh_rows)
    return len(inserted)


def _lsh_pairs(inserted: list, buckets: dict[str, list[int]]) -> list[tuple[int, int]]:
    """sorted({(bucket, signature id)}) of the inserted signatures, by array operations (20
    rows per article)."""
    lists = [buckets[aid] for _sig, aid in inserted]
    counts = np.fromiter(map(len, lists), np.intp, len(lists))
    bucket_col = np.fromiter(chain.from_iterable(lists), np.int64, int(counts.sum()))
    sig_col = np.repeat(np.fromiter((sig for sig, _aid in inserted), np.int64), counts)
    order = np.lexsort((sig_col, bucket_col))
    bucket_col, sig_col = bucket_col[order], sig_col[order]
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (bucket_col[1:] != bucket_col[:-1]) | (sig_col[1:] != sig_col[:-1])
    return list(zip(bucket_col[fresh].tolist(), sig_col[fresh].tolist(), strict=True))


def _insert(connection: Connection, table: sa.Table):
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def forget_buckets_before(connection: Connection, published_before: datetime) -> int:
    """Maintenance: drop the LSH rows of articles published before ``published_before``.

    Republication happens within days, so a lookup window (Media Cloud compares titles over 7
    days) bounds the LSH index, and with it the cost of a lookup in memory, by the window rather
    than by the archive. Signatures stay: widening the window again means re-inserting buckets
    from ``dedup_signatures``. Exact duplicates (content hash) are still found across the archive.
    """
    old = (
        select(SIGNATURES.c.id)
        .join(ARTICLES, ARTICLES.c.id == SIGNATURES.c.article_id)
        .where(
            sa.func.coalesce(ARTICLES.c.published_at, ARTICLES.c.first_seen_at) < published_before
        )
    )
    result = connection.execute(sa.delete(LSH).where(LSH.c.signature_id.in_(old)))
    return result.rowcount or 0
