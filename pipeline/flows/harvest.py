"""History for a window: reprocess what was captured then, harvest archives where nothing was.

A history run for [start, end):
(a) reprocesses every live capture fetched in the window with today's code, each distinct body
    once per feed (most polls repeat the previous document);
(b) for each day whose start falls in the window, and each feed of an outlet that offers history,
    with no live capture that day: reprocesses what an earlier harvest of that day captured, or,
    when the ledger has none, harvests the day (WordPress date archives, paged feeds, news
    sitemaps with their article pages) and records it in the ledger.
Each capture and each harvested day belongs to exactly one window, so a backfill over a range
touches every document once, and running it again leaves the archive as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select

from pipeline.archive import store
from pipeline.archive.coverage import day_bounds
from pipeline.archive.models import CaptureRow, FeedRow, HarvestRow, OutletRow
from pipeline.archive.upsert import upsert
from pipeline.config import Settings
from pipeline.fetch import FetchOptions, fetch
from pipeline.flows.progress import Progress, no_progress
from pipeline.flows.window import Window
from pipeline.parse.sitemaps import SitemapEntry, SitemapError, parse_sitemap

log = logging.getLogger(__name__)

CAPTURES = CaptureRow.__table__
FEEDS = FeedRow.__table__
OUTLETS = OutletRow.__table__
HARVESTS = HarvestRow.__table__

# WordPress lists 10 items per feed page by default; a busy outlet's day fits in far fewer pages.
MAX_ARCHIVE_PAGES = 30
# Paged live feeds are walked back until items are older than the day, at most this far.
MAX_PAGED_PAGES = 100
MAX_SITEMAP_CHILDREN = 24


@dataclass
class HarvestOutcome:
    reprocessed: int = 0
    harvested_days: int = 0
    documents: int = 0
    capture_ids: list[int] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryFeed:
    feed_id: int
    outlet_id: int
    url: str
    kind: str
    methods: tuple[str, ...]
    sitemaps: tuple[str, ...]


def days_starting_in(window: Window) -> list[date]:
    return [d for d in window.days if window.start <= day_bounds(d)[0] < window.end]


def site_root(feed_url: str) -> str:
    """WordPress site root of a feed URL (".../feed/" -> ".../")."""
    base = feed_url.split("?", 1)[0]
    return base[: -len("feed/")] if base.endswith("feed/") else base.rstrip("/") + "/"


def live_captures_in(engine: Engine, window: Window) -> list[int]:
    """Captures of live polls fetched in the window, one per distinct body per feed."""
    query = (
        select(CAPTURES.c.id, CAPTURES.c.feed_id, CAPTURES.c.body_sha256)
        .where(
            CAPTURES.c.kind == "feed",
            CAPTURES.c.fetched_at >= window.start,
            CAPTURES.c.fetched_at < window.end,
        )
        .order_by(CAPTURES.c.fetched_at, CAPTURES.c.id)
    )
    seen: set[tuple[int, str]] = set()
    ids: list[int] = []
    with engine.connect() as connection:
        for capture_id, feed_id, body in connection.execute(query):
            if (feed_id, body) not in seen:
                seen.add((feed_id, body))
                ids.append(capture_id)
    return ids


def history_feeds(engine: Engine) -> list[HistoryFeed]:
    """One feed per outlet that offers history: its first feed stands for the whole site.

    Category feeds list the same articles as the main feed, and an outlet's date archives and
    sitemaps cover the whole site, so harvesting per feed would fetch everything several times.
    """
    query = (
        select(
            FEEDS.c.id,
            FEEDS.c.url,
            FEEDS.c.kind,
            FEEDS.c.outlet_id,
            OUTLETS.c.history,
            OUTLETS.c.sitemaps,
        )
        .join(OUTLETS, OUTLETS.c.id == FEEDS.c.outlet_id)
        .where(FEEDS.c.active.is_(True), OUTLETS.c.history != "")
        .order_by(FEEDS.c.outlet_id, FEEDS.c.id)
    )
    feeds: dict[int, HistoryFeed] = {}
    with engine.connect() as connection:
        for feed_id, url, kind, outlet_id, history, sitemaps in connection.execute(query):
            if outlet_id not in feeds:
                methods = tuple(m for m in history.split(",") if m)
                feeds[outlet_id] = HistoryFeed(
                    feed_id, outlet_id, url, kind, methods, tuple(sitemaps.split())
                )
    return list(feeds.values())


def _feeds_polled_on(engine: Engine, day: date) -> set[int]:
    """Feeds with a live capture on ``day``: their polls cover it, nothing is harvested."""
    start, end = day_bounds(day)
    query = select(CAPTURES.c.feed_id).where(
        CAPTURES.c.kind == "feed", CAPTURES.c.fetched_at >= start, CAPTURES.c.fetched_at < end
    )
    with engine.connect() as connection:
        return set(connection.execute(query.distinct()).scalars())


Ledger = dict[tuple[int, str], str]  # (feed id, method) -> status, for one day


def _ledger(engine: Engine, feed_ids: Iterable[int], day: date) -> Ledger:
    ids = sorted(set(feed_ids))
    if not ids:
        return {}
    query = select(HARVESTS.c.feed_id, HARVESTS.c.method, HARVESTS.c.status).where(
        HARVESTS.c.feed_id.in_(ids), HARVESTS.c.day == day
    )
    with engine.connect() as connection:
        return {(f, m): s for f, m, s in connection.execute(query)}


def harvested_captures(engine: Engine, feed_id: int, day: date) -> list[int]:
    query = (
        select(func.min(CAPTURES.c.id))
        .where(
            CAPTURES.c.feed_id == feed_id,
            CAPTURES.c.covers_day == day,
            CAPTURES.c.kind.in_(["archive-feed", "page"]),
        )
        .group_by(CAPTURES.c.kind, CAPTURES.c.final_url, CAPTURES.c.body_sha256)
    )
    with engine.connect() as connection:
        return sorted(connection.execute(query).scalars())


class _Harvester:
    """Fetches history documents for one feed and day, keeping each as a capture."""

    def __init__(
        self, engine: Engine, settings: Settings, feed: HistoryFeed, day: date, run_id: str | None
    ):
        self.engine, self.settings, self.feed, self.day, self.run_id = (
            engine,
            settings,
            feed,
            day,
            run_id,
        )
        self.capture_ids: list[int] = []
        self.documents = 0

    def get(self, url: str, kind: str, *, page: bool = False):
        options = FetchOptions.from_settings(self.settings, page=page)
        started = datetime.now(UTC)
        result = fetch(url, options=options)
        body = result.body if result.ok else None
        with self.engine.begin() as connection:
            capture_id = None
            if body:
                digest = store.store_body(connection, body, started)
                capture_id = store.insert_capture(
                    connection,
                    feed_id=self.feed.feed_id,
                    fetched_at=started,
                    url=url,
                    final_url=result.final_url,
                    http_status=result.status,
                    content_type=result.headers.get("content-type"),
                    etag=None,
                    last_modified=None,
                    body_sha256=digest,
                    kind=kind,
                    covers_day=self.day,
                )
                self.documents += 1
                if kind in ("archive-feed", "page"):
                    self.capture_ids.append(capture_id)
            store.insert_fetch(
                connection,
                feed_id=self.feed.feed_id,
                run_id=self.run_id,
                started_at=started,
                duration_ms=result.elapsed_ms,
                url=url,
                final_url=result.final_url,
                http_status=result.status,
                bytes=len(body or b""),
                error_class=result.error_class,
                error_message=result.error_message,
                capture_id=capture_id,
            )
        return result

    def date_archive(self) -> int:
        """WordPress day archives: the UTC day spans two local days east of Greenwich."""
        root = site_root(self.feed.url)
        pages = 0
        for local_day in (self.day, self.day + timedelta(days=1)):
            for page in range(1, MAX_ARCHIVE_PAGES + 1):
                url = f"{root}{local_day:%Y/%m/%d}/feed/" + (f"?paged={page}" if page > 1 else "")
                result = self.get(url, "archive-feed")
                if not result.ok or not result.body:
                    break
                pages += 1
                if b"<item" not in result.body and b"<entry" not in result.body:
                    break
        return pages

    def paged(self) -> int:
        """A paged live feed, walked back until its items are older than the day."""
        from pipeline.clean.dates import published_day
        from pipeline.parse import ParseError, parse_feed

        base = self.feed.url.split("?", 1)[0]
        for page in range(1, MAX_PAGED_PAGES + 1):
            result = self.get(base + (f"?paged={page}" if page > 1 else ""), "archive-feed")
            if not result.ok or not result.body:
                return page - 1
            try:
                entries = parse_feed(result.body, base_url=result.final_url).entries
            except ParseError:
                return page
            days = [d for d in (published_day(e) for e in entries) if d is not None]
            if not days or min(days) < self.day:
                return page
        return MAX_PAGED_PAGES

    def news_sitemap(self) -> int:
        start, end = day_bounds(self.day)
        pages: list[SitemapEntry] = []
        queue = list(self.feed.sitemaps)
        visited = 0
        while queue and visited < MAX_SITEMAP_CHILDREN:
            url = queue.pop(0)
            visited += 1
            result = self.get(url, "sitemap")
            if not result.ok or not result.body:
                continue
            try:
                sitemap = parse_sitemap(result.body)
            except SitemapError:
                continue
            if sitemap.is_index:
                # Children modified before the day cannot list it.
                queue.extend(
                    e.loc for e in sitemap.entries if e.lastmod is None or e.lastmod >= start
                )
            else:
                pages.extend(
                    e for e in sitemap.entries if e.when is not None and start <= e.when < end
                )
        for entry in pages:
            self.get(entry.loc, "page", page=True)
        return len(pages)


def _methods_to_run(feed: HistoryFeed) -> tuple[str, ...]:
    # Date archives cover a day exactly; paging through the live feed is only the fallback.
    if "wp-date-archive" in feed.methods:
        return tuple(m for m in feed.methods if m != "wp-paged")
    return feed.methods


def _method_done(ledger: Ledger, feed: HistoryFeed, method: str) -> bool:
    return ledger.get((feed.feed_id, method)) in ("done", "empty")


def _harvest_complete(ledger: Ledger, feed: HistoryFeed) -> bool:
    return all(_method_done(ledger, feed, m) for m in _methods_to_run(feed))


def harvest_day(
    engine: Engine,
    settings: Settings,
    feed: HistoryFeed,
    day: date,
    run_id: str | None = None,
    ledger: Ledger | None = None,
) -> tuple[list[int], int]:
    """Harvest one feed's history for one day; returns (captures to process, documents).

    ``ledger`` is the day's ledger when the caller has just read it (one query per day, not
    one per feed).
    """
    harvester = _Harvester(engine, settings, feed, day, run_id)
    done = _ledger(engine, [feed.feed_id], day) if ledger is None else ledger
    for method in _methods_to_run(feed):
        if _method_done(done, feed, method):
            continue
        error = None
        try:
            items = {
                "wp-date-archive": harvester.date_archive,
                "wp-paged": harvester.paged,
                "news-sitemap": harvester.news_sitemap,
            }[method]()
        except KeyError:
            continue
        except Exception as exc:  # noqa: BLE001 - one outlet's archive must not stop the others
            items, error = 0, repr(exc)[:1000]
        with engine.begin() as connection:
            upsert(
                connection,
                HARVESTS,
                [
                    {
                        "feed_id": feed.feed_id,
                        "day": day,
                        "method": method,
                        "status": "failed" if error else ("done" if items else "empty"),
                        "documents": harvester.documents,
                        "items": items,
                        "error": error,
                        "harvested_at": datetime.now(UTC),
                    }
                ],
                ["feed_id", "day", "method"],
                ["status", "documents", "items", "error", "harvested_at"],
            )
    return harvester.capture_ids, harvester.documents


def history_captures(
    engine: Engine,
    window: Window,
    settings: Settings,
    run_id: str | None = None,
    progress: Progress = no_progress,
) -> HarvestOutcome:
    """Captures a history run must process: (a) live ones of the window, (b) harvested days.

    ``process_captures``, which follows, brings the planner's statistics up to date before it
    plans its lookups (``pipeline.archive.stats``).
    """
    outcome = HarvestOutcome()
    live = live_captures_in(engine, window)
    outcome.capture_ids.extend(live)
    outcome.reprocessed = len(live)
    feeds = history_feeds(engine)
    # Without outlets that offer history there is nothing to harvest: no per-day queries.
    days = days_starting_in(window) if feeds else []
    for n, day in enumerate(days):
        progress("harvest", n, len(days))
        before = (len(outcome.capture_ids), outcome.documents, outcome.harvested_days)
        polled = _feeds_polled_on(engine, day)
        unpolled = [feed for feed in feeds if feed.feed_id not in polled]
        ledger = _ledger(engine, (feed.feed_id for feed in unpolled), day)
        for feed in unpolled:
            if _harvest_complete(ledger, feed):
                previous = harvested_captures(engine, feed.feed_id, day)
                outcome.capture_ids.extend(previous)
                outcome.reprocessed += len(previous)
                continue
            captured, documents = harvest_day(engine, settings, feed, day, run_id, ledger)
            outcome.capture_ids.extend(captured)
            outcome.documents += documents
            outcome.harvested_days += 1
        log.info(
            "harvested day %s: %d feeds harvested, %d documents fetched, %d captures to process",
            day,
            outcome.harvested_days - before[2],
            outcome.documents - before[1],
            len(outcome.capture_ids) - before[0],
        )
    progress("harvest", len(days), len(days))
    log.info(
        "history window %s: %d live captures reprocessed, %d feed-days harvested, %d documents",
        window.days[0] if window.days else "-",
        len(live),
        outcome.harvested_days,
        outcome.documents,
    )
    return outcome


__all__ = ["HarvestOutcome", "harvest_day", "history_captures", "live_captures_in"]
