"""Processing throughput: parse, clean, language, dedup and upsert of newsroom-generated
articles into PostgreSQL, side by side with the naive baseline (bench/naive.py) in the same run.

The newsroom's synthetic articles (1,500-4,000 characters, seven languages) are rendered as RSS
documents of ``--items`` items with the whole text, and stored as raw captures in a template
database. Each run clones the template (PostgreSQL ``CREATE DATABASE ... TEMPLATE``) and times, in
a fresh interpreter, either ``pipeline.ingest.process_captures`` over every capture or the naive
baseline over the same captures; the variants alternate, so both see the same machine load.
Articles per second count the feed items that went through; peak memory is the peak resident set
of the worker (and, for the pipeline, of its parse worker process).

    .venv/bin/python -m bench.processing [--articles 20000] [--items 50] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, update

from bench.common import (
    create_database,
    current_rss_mb,
    database_url,
    drop_database,
    emit_result,
    median,
    print_table,
    run_worker,
    spread,
    timed,
)
from pipeline.archive import store
from pipeline.archive.migrate import upgrade
from pipeline.archive.models import CaptureRow, FeedRow, OutletRow
from pipeline.newsroom import CatalogOptions, build_catalog, newsroom_registry
from pipeline.newsroom.catalog import Article, Catalog
from pipeline.newsroom.outlets import FeedDef, OutletDef
from pipeline.newsroom.render import render_rss

# Invented host (never fetched): the benchmarks load captures, they do not poll.
BASE_URL = "https://newsroom.bench.invalid"
RSS = "application/rss+xml; charset=utf-8"
FEEDS = FeedRow.__table__
OUTLETS = OutletRow.__table__


@dataclass(frozen=True)
class Document:
    outlet: str
    body: bytes
    items: int


def full_text_feed(outlet: OutletDef) -> FeedDef:
    """The outlet's first feed as plain RSS with the whole text (content:encoded)."""
    return replace(outlet.feeds[0], kind="rss", full_content=True, tracking="")


def render_items(catalog: Catalog, outlet: OutletDef, items: list[Article]) -> bytes:
    feed = full_text_feed(outlet)
    return render_rss(catalog, outlet, feed, items, BASE_URL, f"{BASE_URL}/{outlet.slug}/bench.xml")


def synthetic_catalog(articles: int, seed: int = 1) -> Catalog:
    anchor = datetime(2026, 3, 1, tzinfo=UTC)  # fixed, so every run renders the same bytes
    return build_catalog(CatalogOptions(anchor=anchor, synthetic=articles, seed=seed))


def synthetic_documents(catalog: Catalog, items_per_feed: int) -> list[Document]:
    """The catalog's synthetic articles, outlet by outlet, in documents of ``items_per_feed``."""
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for article in catalog.articles:
        if article.synthetic:
            by_outlet[article.outlet].append(article)
    docs: list[Document] = []
    for slug, articles in by_outlet.items():
        outlet = catalog.outlet(slug)
        assert outlet is not None
        for start in range(0, len(articles), items_per_feed):
            chunk = articles[start : start + items_per_feed]
            docs.append(Document(slug, render_items(catalog, outlet, chunk), len(chunk)))
    return docs


def prepare_archive(engine: Engine, catalog: Catalog) -> dict[str, int]:
    """Migrate, register the newsroom's outlets (no full-text fetching, no history harvesting:
    the benchmarks never touch the network), and return one feed id per outlet slug."""
    upgrade(engine)
    with engine.begin() as connection:
        store.sync_registry(connection, newsroom_registry(BASE_URL, catalog))
        connection.execute(update(OUTLETS).values(fulltext=False, history=""))
        rows = connection.execute(
            select(OUTLETS.c.slug, FEEDS.c.id)
            .join(FEEDS, FEEDS.c.outlet_id == OUTLETS.c.id)
            .order_by(FEEDS.c.id)
        ).all()
    feeds: dict[str, int] = {}
    for slug, feed_id in rows:
        feeds.setdefault(slug, feed_id)
    return feeds


def store_captures(
    engine: Engine, feeds: dict[str, int], docs: list[Document], fetched_at: datetime
) -> list[int]:
    """Keep each document as an unprocessed raw capture of its outlet's feed."""
    ids: list[int] = []
    with engine.begin() as connection:
        for doc in docs:
            feed_url = f"{BASE_URL}/{doc.outlet}/bench.xml"
            digest = store.store_body(connection, doc.body, fetched_at)
            ids.append(
                store.insert_capture(
                    connection,
                    feed_id=feeds[doc.outlet],
                    fetched_at=fetched_at,
                    url=feed_url,
                    final_url=feed_url,
                    http_status=200,
                    content_type=RSS,
                    etag=None,
                    last_modified=None,
                    body_sha256=digest,
                    kind="feed",
                )
            )
    return ids
