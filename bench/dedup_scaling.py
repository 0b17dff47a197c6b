"""Cost of the near-duplicate lookup per new article with 10k, 100k and 1M archived articles.

Creates one scratch database per size on the local PostgreSQL server, migrates it to the dedup
schema and bulk-loads synthetic articles, MinHash signatures and LSH buckets with binary COPY.
Then, round-robin over the sizes (so that other load on the machine falls on each alike), it
times ``link_stories`` (content-hash lookup, LSH lookup,
signature fetch and verification, origin resolution: everything the load path does to link a
batch, inside a transaction that is rolled back) on batches of new articles, half of them near
copies of archived ones. Prints the median per batch and per article, and the ratio of the
largest size to the smallest (target: at most 1.5).

    .venv/bin/python bench/dedup_scaling.py [--admin-url URL] [--sizes 10000,100000,1000000]

Needs no data folder: everything is synthetic. The scratch databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.archive.migrate import upgrade  # noqa: E402
from pipeline.dedup.near import NUM_PERM, Signature, band_buckets_many  # noqa: E402
from pipeline.dedup.stories import DedupItem, link_stories  # noqa: E402
from pipeline.types import Article  # noqa: E402

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)


def _binary_copy(fields: list[tuple[str, np.ndarray, str]]) -> bytes:
    """PostgreSQL binary COPY data for fixed-width columns: (name, values, numpy dtype)."""
    n = len(fields[0][1])
    dtype = [("count", ">i2")]
    for name, _values, kind in fields:
        dtype += [(f"{name}_len", ">i4"), (name, kind)]
    rows = np.zeros(n, dtype=dtype)
    rows["count"] = len(fields)
    for name, values, kind in fields:
        rows[f"{name}_len"] = np.dtype(kind).itemsize
        rows[name] = values
    return _HEADER + rows.tobytes() + _TRAILER


def _ids(start: int, stop: int) -> np.ndarray:
    return np.array([f"{i:032x}" for i in range(start, stop)], dtype="S32")


def _timestamps(start: int, stop: int) -> np.ndarray:
    # Microseconds since 2000-01-01, one article a minute.
    base = int((T0 - PG_EPOCH).total_seconds() * 1_000_000)
    return base + np.arange(start, stop, dtype=np.int64) * 60_000_000


def _copy(raw, table: str, columns: str, data: bytes) -> None:
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            for offset in range(0, len(data), 64 * 1024 * 1024):
                copy.write(data[offset : offset + 64 * 1024 * 1024])


def grow(engine: sa.Engine, minhashes: np.ndarray, start: int, stop: int) -> float:
    """Bulk-load archived articles start..stop with their signatures and LSH rows."""
    began = time.perf_counter()
    chunk = 200_000
    with engine.begin() as connection:
        # Bulk loads build the LSH primary key once, sorted, instead of row by row.
        connection.exec_driver_sql("ALTER TABLE dedup_lsh DROP CONSTRAINT IF EXISTS dedup_lsh_pkey")
        raw = connection.connection.dbapi_connection
        for lo in range(start, stop, chunk):
            hi = min(stop, lo + chunk)
            ids, when = _ids(lo, hi), _timestamps(lo, hi)
            hashes = np.array([f"{i:064x}" for i in range(lo, hi)], dtype="S64")
            _copy(raw, "articles",
                  "id, outlet_id, feed_id, title, first_seen_at, published_at, content_hash, story_id",
                  _binary_copy([
                      ("id", ids, "S32"), ("outlet", np.ones(hi - lo), ">i4"),
                      ("feed", np.ones(hi - lo), ">i4"), ("title", np.full(hi - lo, b"t"), "S1"),
                      ("seen", when, ">i8"), ("published", when, ">i8"),
                      ("hash", hashes, "S64"), ("story", ids, "S32"),
                  ]))  # fmt: skip
            block = minhashes[lo:hi]
            sig_ids = np.arange(lo + 1, hi + 1, dtype=np.int32)
            _copy(raw, "dedup_signatures", "id, article_id, minhash, shingles",
                  _binary_copy([
                      ("id", sig_ids, ">i4"), ("article", ids, "S32"),
                      ("minhash", block.astype("<u4").view(f"V{NUM_PERM * 4}").ravel(), f"V{NUM_PERM * 4}"),
                      ("shingles", np.full(hi - lo, 200), ">i4"),
                  ]))  # fmt: skip
            buckets = band_buckets_many(block)
            _copy(raw, "dedup_lsh", "bucket, signature_id",
                  _binary_copy([
                      ("bucket", buckets.ravel(), ">i8"),
                      ("sig", np.repeat(sig_ids, buckets.shape[1]), ">i4"),
                  ]))  # fmt: skip
        connection.exec_driver_sql("ALTER TABLE dedup_lsh ADD PRIMARY KEY (bucket, signature_id)")
        connection.exec_driver_sql(f"SELECT setval('dedup_signatures_id_seq', {stop})")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE articles")
        connection.exec_driver_sql("VACUUM ANALYZE dedup_signatures")
        connection.exec_driver_sql("VACUUM ANALYZE dedup_lsh")
    return time.perf_counter() - began


def _batch(rng: np.random.Generator, minhashes: np.ndarray, size: int, archived: int, tag: int):
    """New articles: half near copies of random archived ones (70% of hash values kept)."""
    items = []
    for k in range(size):
        if k % 2 == 0:
            sig = minhashes[rng.integers(archived)].copy()
            changed = rng.random(NUM_PERM) < 0.3
            sig[changed] = rng.integers(0, 2**32, changed.sum(), dtype=np.uint32)
        else:
            sig = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
        aid = f"new{tag:08d}{k:021d}"
        row = Article(
            id=aid, outlet_id=1, feed_id=1, url=None, guid=None, title="", summary=None,
            body_text=None, body_html=None, section=None, authors=None,
            published_at=T0 + timedelta(days=3650, minutes=k), published_raw=None,
            date_flag=None, first_seen_at=T0, content_hash=f"{tag:032x}{k:032x}", capture_id=None,
        )  # fmt: skip
        items.append(DedupItem(row, Signature(sig, 200)))
    return items


def _time_batch(engine: sa.Engine, items: list[DedupItem]) -> tuple[float, int]:
    with engine.connect() as connection:
        transaction = connection.begin()
        began = time.perf_counter()
        counts = link_stories(connection, items)
        elapsed = time.perf_counter() - began
        transaction.rollback()
    return elapsed, counts.near


def measure(engines: dict[int, sa.Engine], minhashes, batch: int, repeats: int):
    """Batches timed round-robin across the archive sizes, so that load from other processes
    on the machine falls on every size alike; the first round warms the caches."""
    rng = np.random.default_rng(11)
    times: dict[int, list[float]] = {size: [] for size in engines}
    linked: dict[int, list[int]] = {size: [] for size in engines}
    for r in range(repeats + 1):
        for size, engine in engines.items():
            elapsed, near = _time_batch(engine, _batch(rng, minhashes, batch, size, r))
            if r:
                times[size].append(elapsed)
                linked[size].append(near)
    return {s: (statistics.median(times[s]), statistics.median(linked[s])) for s in engines}


def _create(admin: sa.Engine, admin_url: str, size: int) -> tuple[str, sa.Engine]:
    name = f"dedup_bench_{size}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = sa.create_engine(sa.make_url(admin_url).set(database=name))
    # The dedup schema (revision 0002) is what the lookup touches.
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO outlets (id, slug, name, homepage, country, languages, scripts, "
            "fulltext, history) VALUES (1, 'bench', 'Bench', 'https://bench.example/', 'XK', "
            "'', '', false, '')"
        )
        connection.exec_driver_sql(
            "INSERT INTO feeds (id, outlet_id, url, kind, verified, active, state, "
            "failure_score, consecutive_failures) VALUES (1, 1, 'https://bench.example/feed', "
            "'rss', true, true, 'ok', 0, 0)"
        )
    return name, engine


def scaling(
    admin_url: str, sizes: list[int], batch: int, repeats: int, keep: bool = False
) -> dict[int, tuple[float, float]]:
    """Archive size -> (median seconds per batch of ``batch`` new articles, near copies linked),
    each size in a scratch database of its own (dropped unless ``keep``)."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    databases: dict[int, tuple[str, sa.Engine]] = {}
    try:
        rng = np.random.default_rng(7)
        minhashes = rng.integers(0, 2**32, (max(sizes), NUM_PERM), dtype=np.uint32)
        print(f"{batch} new articles per batch (half near copies), {repeats} batches per size")
        for size in sizes:
            databases[size] = _create(admin, admin_url, size)
            load_s = grow(databases[size][1], minhashes, 0, size)
            with databases[size][1].connect() as connection:
                index_mb = connection.exec_driver_sql(
                    "SELECT pg_relation_size('dedup_lsh_pkey') / 1048576.0"
                ).scalar()
                buffers = connection.exec_driver_sql("SHOW shared_buffers").scalar()
            print(
                f"archived {size:>9,}: bulk load {load_s:6.1f} s, LSH index {index_mb:7.1f} MB"
                f" (shared_buffers {buffers})"
            )
        return measure({s: e for s, (_n, e) in databases.items()}, minhashes, batch, repeats)
    finally:
        for name, engine in databases.values():
            engine.dispose()
            if not keep:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): the lookup's cost per batch at 10,000
    archived articles (the baseline) over its cost at 50,000; 1 when it does not grow."""
    results = scaling(DEFAULT_ADMIN, [10_000, 50_000], 200, 5)
    return results[10_000][0] / results[50_000][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--batch", type=int, default=200, help="new articles per load batch")
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = scaling(args.admin_url, sizes, args.batch, args.repeats, args.keep)
    for size, (median, linked) in results.items():
        print(
            f"archived {size:>9,}: lookup median {median * 1000:7.1f} ms per batch,"
            f" {median / args.batch * 1e6:7.1f} us per article"
            f" | near copies linked per batch (median) {linked:.0f}"
        )
    ratio = results[sizes[-1]][0] / results[sizes[0]][0]
    print(f"ratio {sizes[-1]:,} / {sizes[0]:,}: {ratio:.2f} (target <= 1.5)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
