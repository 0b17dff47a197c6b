"""Writes to the archive: registry sync, fetch attempts, raw captures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Connection, Table, select, update

from pipeline.archive.models import (
    CaptureBodyRow,
    CaptureRow,
    FeedRow,
    FetchRow,
    OutletRow,
    RobotsFileRow,
)
from pipeline.archive.upsert import upsert
from pipeline.sources.registry import Registry

OUTLETS = OutletRow.__table__
FEEDS = FeedRow.__table__
CAPTURES = CaptureRow.__table__
BODIES = CaptureBodyRow.__table__
FETCHES = FetchRow.__table__
ROBOTS = RobotsFileRow.__table__


@dataclass(frozen=True)
class FeedRef:
    feed_id: int
    url: str
    outlet_slug: str
    language: str | None
    etag: str | None
    last_modified: str | None
    last_body_sha256: str | None
    # When the feed was last asked for without validators (a lying 304 is caught then).
    last_unconditional_at: datetime | None = None

    @property
    def label(self) -> str:
        path = urlsplit(self.url).path.strip("/")
        # Sites hosted under a path named after the outlet need not say its name twice.
        path = path.removeprefix(f"{self.outlet_slug}/") or "/"
        return f"{self.outlet_slug}:{path}"


def sync_registry(connection: Connection, registry: Registry) -> int:
    """Upsert outlets and feeds from the registry; returns the number of feeds listed."""
    outlet_rows = [
        {
            "slug": o.slug,
            "name": o.name,
            "homepage": o.homepage,
            "country": o.country,
            "languages": ",".join(o.languages),
            "scripts": ",".join(o.scripts),
            "fulltext": o.fulltext,
            "history": ",".join(o.history),
            "sitemaps": " ".join(o.sitemaps),
        }
        for o in registry.outlets
    ]
    upsert(
        connection,
        OUTLETS,
        outlet_rows,
        ["slug"],
        [k for k in outlet_rows[0] if k != "slug"] if outlet_rows else [],
    )
    ids = dict(connection.execute(select(OUTLETS.c.slug, OUTLETS.c.id)).all())
    feed_rows = [
        {
            "outlet_id": ids[outlet.slug],
            "url": feed.url,
            "language": feed.language or (outlet.languages[0] if outlet.languages else None),
            "section": feed.section,
            "kind": feed.kind,
            "verified": feed.verified,
            "active": True,
            "poll_every_s": feed.poll_every_s,
        }
        for outlet, feed in registry.feeds()
    ]
    upsert(
        connection,
        FEEDS,
        feed_rows,
        ["url"],
        ["outlet_id", "language", "section", "kind", "verified", "active", "poll_every_s"],
    )
    return len(feed_rows)


def ensure_adhoc_feed(connection: Connection, url: str) -> int:
    """A feed given on the command line that the registry does not list: its own outlet."""
    host = (urlsplit(url).hostname or "unknown").lower()
    slug = f"adhoc-{host}"
    upsert(
        connection,
        OUTLETS,
        [
            {
                "slug": slug,
                "name": host,
                "homepage": f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/",
                "country": "",
                "languages": "",
                "scripts": "",
                "fulltext": False,
                "history": "",
            }
        ],
        ["slug"],
    )
    outlet_id = connection.execute(select(OUTLETS.c.id).where(OUTLETS.c.slug == slug)).scalar_one()
    upsert(
        connection,
        FEEDS,
        [{"outlet_id": outlet_id, "url": url, "kind": "rss", "verified": False, "active": True}],
        ["url"],
    )
    return connection.execute(select(FEEDS.c.id).where(FEEDS.c.url == url)).scalar_one()


def feed_refs(
    connection: Connection,
    feed_ids: list[int] | None = None,
    *,
    due: ColumnElement[bool] | None = None,
) -> list[FeedRef]:
    """Exactly ``feed_ids``, or the feeds matching ``due`` (the fetch side's rule of which feeds
    to poll now, ``pipeline.fetch.health.due_feed_filter``), in id order."""
    query = (
        select(
            FEEDS.c.id, FEEDS.c.url, OUTLETS.c.slug, FEEDS.c.language, FEEDS.c.etag,
            FEEDS.c.last_modified, FEEDS.c.last_body_sha256, FEEDS.c.last_unconditional_at,
        )
        .join(OUTLETS, OUTLETS.c.id == FEEDS.c.outlet_id)
        .order_by(FEEDS.c.id)
    )  # fmt: skip
    if feed_ids is not None:
        query = query.where(FEEDS.c.id.in_(feed_ids))
    elif due is not None:
        query = query.where(due)
    return [FeedRef(*row) for row in connection.execute(query)]


def robots_files(
    connection: Connection, origins: Iterable[str], since: datetime
) -> dict[str, tuple[int, bytes]]:
    """(status, body) of the robots.txt files of ``origins`` fetched at or after ``since``."""
    query = select(ROBOTS.c.origin, ROBOTS.c.status, ROBOTS.c.body).where(
        ROBOTS.c.origin.in_(sorted(set(origins))), ROBOTS.c.fetched_at >= since
    )
    return {origin: (status, bytes(body)) for origin, status, body in connection.execute(query)}


def keep_robots_files(
    connection: Connection, files: dict[str, tuple[int, bytes]], fetched_at: datetime
) -> None:
    rows = [
        {"origin": origin, "status": status, "body": body, "fetched_at": fetched_at}
        for origin, (status, body) in sorted(files.items())
        if len(origin) <= ROBOTS.c.origin.type.length
    ]
    upsert(connection, ROBOTS, rows, ["origin"], update=["status", "body", "fetched_at"])


def store_body(connection: Connection, body: bytes, seen_at: datetime) -> str:
    """Store a document body once per distinct content; returns its SHA-256."""
    digest = hashlib.sha256(body).hexdigest()
    store_bodies(connection, [(digest, body, seen_at)])
    return digest


def store_bodies(connection: Connection, bodies: list[tuple[str, bytes, datetime]]) -> None:
    """Store (SHA-256, body, first seen) in one statement, each once per distinct content."""
    rows = [
        {"sha256": digest, "size": len(body), "body": body, "first_seen_at": seen_at}
        for digest, body, seen_at in bodies
    ]
    upsert(connection, BODIES, rows, ["sha256"])


def insert_capture(connection: Connection, **values: object) -> int:
    return insert_many(connection, CAPTURES, [values])[0]


def insert_fetch(connection: Connection, **values: object) -> int:
    return insert_many(connection, FETCHES, [values])[0]


def insert_many(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert rows that all name the same columns in one executemany; their ids, in row order."""
    if not rows:
        return []
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())


def set_feed_fields(connection: Connection, feed_id: int, **values: object) -> None:
    connection.execute(update(FEEDS).where(FEEDS.c.id == feed_id).values(**values))
