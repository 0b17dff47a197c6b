"""Daily upkeep: harvest coverage gaps, refresh coverage, prune old raw captures."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, exists, select, update

from pipeline.archive.coverage import refresh_coverage
from pipeline.archive.models import (
    ArticleRow,
    CaptureBodyRow,
    CaptureRow,
    FeedRow,
    FetchRow,
    GapRow,
)
from pipeline.config import DEFAULT_CAPTURE_RETENTION_DAYS, Settings
from pipeline.flows.harvest import harvest_day, history_feeds
from pipeline.flows.ingest import ProcessOutcome, process_captures

ARTICLES = ArticleRow.__table__
BODIES = CaptureBodyRow.__table__
CAPTURES = CaptureRow.__table__
FEEDS = FeedRow.__table__
FETCHES = FetchRow.__table__
GAPS = GapRow.__table__

# Raw captures are kept long enough to reprocess a quarter with new code
# (NEWS_CAPTURE_RETENTION_DAYS, Settings.capture_retention_days).
DEFAULT_RETENTION = timedelta(days=DEFAULT_CAPTURE_RETENTION_DAYS)


@dataclass
class GapHarvest:
    gaps: int = 0
    harvested: int = 0
    without_history: int = 0
    documents: int = 0
    new: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def harvest_gaps(engine: Engine, settings: Settings, run_id: str | None = None) -> GapHarvest:
    """Harvest each day on which a poll may have missed items, through the outlet's archives."""
    with engine.connect() as connection:
        gaps = connection.execute(
            select(GAPS.c.id, GAPS.c.feed_id, GAPS.c.day, FEEDS.c.outlet_id)
            .join(FEEDS, FEEDS.c.id == GAPS.c.feed_id)
            .where(GAPS.c.harvested_at.is_(None))
            .order_by(GAPS.c.day)
        ).all()
    by_outlet = {feed.outlet_id: feed for feed in history_feeds(engine)}
    result = GapHarvest(gaps=len(gaps))
    processed = ProcessOutcome()
    for gap_id, _feed_id, day, outlet_id in gaps:
        feed = by_outlet.get(outlet_id)
        if feed is None:
            result.without_history += 1
            continue
        captures, documents = harvest_day(engine, settings, feed, day, run_id)
        processed.add(process_captures(engine, captures, settings))
        result.documents += documents
        result.harvested += 1
        with engine.begin() as connection:
            connection.execute(
                update(GAPS).where(GAPS.c.id == gap_id).values(harvested_at=datetime.now(UTC))
            )
    result.new = processed.counts.new
    return result


def prune_captures(
    engine: Engine, *, older_than: timedelta = DEFAULT_RETENTION, now: datetime | None = None
) -> int:
    """Delete raw captures past retention, and bodies no capture refers to any more."""
    cutoff = (now or datetime.now(UTC)) - older_than
    old = select(CAPTURES.c.id).where(CAPTURES.c.fetched_at < cutoff)
    with engine.begin() as connection:
        connection.execute(
            update(FETCHES).where(FETCHES.c.capture_id.in_(old)).values(capture_id=None)
        )
        connection.execute(
            update(ARTICLES).where(ARTICLES.c.capture_id.in_(old)).values(capture_id=None)
        )
        removed = connection.execute(
            delete(CAPTURES).where(CAPTURES.c.fetched_at < cutoff)
        ).rowcount
        connection.execute(
            delete(BODIES).where(~exists().where(CAPTURES.c.body_sha256 == BODIES.c.sha256))
        )
    return removed


def bound_dedup_index(engine: Engine, *, window: timedelta, now: datetime | None = None) -> int:
    """Drop near-duplicate index rows older than the lookup window (exact copies still match).

    Republication happens within days; bounding the LSH index by a window keeps a lookup's cost
    set by the window, not by the size of the archive.
    """
    from pipeline.dedup.stories import forget_buckets_before

    with engine.begin() as connection:
        return forget_buckets_before(connection, (now or datetime.now(UTC)) - window)


def refresh_recent_coverage(engine: Engine, days: int = 7, now: datetime | None = None) -> int:
    today = (now or datetime.now(UTC)).date()
    return refresh_coverage(engine, [today - timedelta(days=i) for i in range(days)])
