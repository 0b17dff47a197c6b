"""The ingestion stages as plain functions: prepare, fetch one feed, process captures, summarise.

The DAG runs each as a task and the CLI runs them in a row; both call exactly these functions.
What passes between stages is ids and counts, never documents: documents live in the archive.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update

from pipeline.archive import store
from pipeline.archive.articles import LoadCounts, load_articles, quarantine
from pipeline.archive.db import engine_for
from pipeline.archive.migrate import upgrade
from pipeline.archive.models import CaptureBodyRow, CaptureRow, FeedRow, FetchRow
from pipeline.articles import FeedContext, Rejected, build_article
from pipeline.config import Settings
from pipeline.fetch import FetchOptions, fetch
from pipeline.fetch.health import record_failure, record_success
from pipeline.parse import ParseError, parse_feed
from pipeline.sources.registry import load_registry

log = logging.getLogger(__name__)

CAPTURES = CaptureRow.__table__
BODIES = CaptureBodyRow.__table__
FEEDS = FeedRow.__table__
FETCHES = FetchRow.__table__


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class FetchOutcome:
    feed_id: int
    label: str
    fetch_id: int
    capture_id: int | None
    status: int | None
    error_class: str | None
    not_modified: bool = False
    unchanged: bool = False
    bytes: int = 0


@dataclass
class ProcessOutcome:
    captures: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    quarantined: int = 0
    errors: Counter = field(default_factory=Counter)


@dataclass
class RunSummary:
    feeds: int = 0
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    failed: int = 0
    errors_by_class: dict[str, int] = field(default_factory=dict)
    items_seen: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        errors = ", ".join(f"{k}={v}" for k, v in sorted(self.errors_by_class.items())) or "none"
        return [
            f"feeds {self.feeds}: fetched {self.fetched}, not modified {self.not_modified}, "
            f"unchanged {self.unchanged}, failed {self.failed}",
            f"items seen {self.items_seen}: new {self.new}, updated {self.updated}, "
            f"duplicates {self.duplicates}, quarantined {self.quarantined}",
            f"errors by class: {errors}",
        ]


def prepare(settings: Settings, feed_urls: list[str] | None = None) -> tuple[Engine, list[int]]:
    """Migrate the archive, sync the registry, and list the feed ids to poll."""
    engine = engine_for(settings.archive_url)
    upgrade(engine)
    with engine.begin() as connection:
        if feed_urls:
            ids = [store.ensure_adhoc_feed(connection, url) for url in feed_urls]
        else:
            store.sync_registry(connection, load_registry(settings.sources))
            ids = [ref.feed_id for ref in store.feed_refs(connection)]
    return engine, ids


def feed_labels(engine: Engine, feed_ids: list[int]) -> dict[int, str]:
    with engine.connect() as connection:
        return {ref.feed_id: ref.label for ref in store.feed_refs(connection, feed_ids)}


def fetch_feed(
    engine: Engine, feed_id: int, settings: Settings, *, run_id: str | None = None
) -> FetchOutcome:
    """Fetch one feed, keep the raw capture, record the attempt and the feed's health."""
    with engine.connect() as connection:
        (ref,) = store.feed_refs(connection, [feed_id])
    started = utcnow()
    result = fetch(
        ref.url,
        options=FetchOptions.from_settings(settings),
        etag=ref.etag,
        last_modified=ref.last_modified,
    )
    error_class, error_message = result.error_class, result.error_message
    if result.ok and not result.not_modified and not result.body:
        error_class, error_message = "empty_body", "HTTP 200 with an empty body"
    body = result.body if error_class is None else None
    digest = hashlib.sha256(body).hexdigest() if body else None
    unchanged = digest is not None and digest == ref.last_body_sha256
    with engine.begin() as connection:
        capture_id = None
        if body is not None:
            store.store_body(connection, body, started)
            capture_id = store.insert_capture(
                connection,
                feed_id=feed_id,
                fetched_at=started,
                url=ref.url,
                final_url=result.final_url,
                http_status=result.status,
                content_type=result.headers.get("content-type"),
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
                body_sha256=digest,
                # An unchanged body was processed when it first came; nothing is left to do.
                processed_at=started if unchanged else None,
            )
        fetch_id = store.insert_fetch(
            connection,
            feed_id=feed_id,
            run_id=run_id,
            started_at=started,
            duration_ms=result.elapsed_ms,
            url=ref.url,
            final_url=result.final_url,
            http_status=result.status,
            bytes=len(body or b""),
            not_modified=result.not_modified,
            unchanged=unchanged,
            items_seen=0 if (result.not_modified or unchanged) else None,
            items_new=0 if (result.not_modified or unchanged) else None,
            error_class=error_class,
            error_message=error_message,
            capture_id=capture_id,
        )
        if error_class:
            record_failure(
                connection, feed_id, error_class, error_message, started, result.retry_after_s
            )
        else:
            record_success(connection, feed_id, started)
    return FetchOutcome(
        feed_id=feed_id,
        label=ref.label,
        fetch_id=fetch_id,
        capture_id=None if unchanged else capture_id,
        status=result.status,
        error_class=error_class,
        not_modified=result.not_modified,
        unchanged=unchanged,
        bytes=len(body or b""),
    )


def _capture_context(engine: Engine, capture_id: int):
    query = (
        select(
            CAPTURES,
            BODIES.c.body,
            FEEDS.c.outlet_id,
            FEEDS.c.language,
            FEEDS.c.url.label("feed_url"),
        )
        .join(BODIES, BODIES.c.sha256 == CAPTURES.c.body_sha256)
        .join(FEEDS, FEEDS.c.id == CAPTURES.c.feed_id)
        .where(CAPTURES.c.id == capture_id)
    )
    with engine.connect() as connection:
        return connection.execute(query).one()


def _with_language(rows: list[dict], prior: str | None) -> None:
    from pipeline.language import identify_article

    for row in rows:
        result = identify_article(row["title"], row["body_text"] or "", prior=prior)
        row["language"], row["script"] = result.tag, result.script
        row["language_confidence"] = round(result.confidence, 4)


def process_capture(engine: Engine, capture_id: int, settings: Settings) -> ProcessOutcome:
    """Parse one raw capture and load its entries; validators are stored in the same transaction."""
    capture = _capture_context(engine, capture_id)
    outcome = ProcessOutcome(captures=1)
    now = utcnow()
    try:
        parsed = parse_feed(
            capture.body,
            base_url=capture.final_url,
            content_type=capture.content_type,
            max_items=settings.max_items_per_fetch,
        )
    except ParseError as exc:
        with engine.begin() as connection:
            connection.execute(
                update(FETCHES)
                .where(FETCHES.c.capture_id == capture_id)
                .values(
                    error_class=exc.error_class,
                    error_message=exc.message,
                    items_seen=0,
                    items_new=0,
                )
            )
            connection.execute(
                update(CAPTURES).where(CAPTURES.c.id == capture_id).values(processed_at=now)
            )
            record_failure(connection, capture.feed_id, exc.error_class, exc.message, now, None)
        outcome.errors[exc.error_class] += 1
        return outcome
    ctx = FeedContext(
        feed_id=capture.feed_id,
        outlet_id=capture.outlet_id,
        feed_url=capture.feed_url,
        language=capture.language or parsed.language,
        capture_id=capture_id,
        seen_at=capture.fetched_at,
    )
    rows: list[dict] = []
    rejected: list[dict] = []
    for entry in parsed.entries:
        try:
            built = build_article(entry, ctx)
        except Exception as exc:  # noqa: BLE001 - one bad item is quarantined, the rest load
            built = Rejected(
                hashlib.sha256(repr(entry).encode()).hexdigest()[:32],
                "item_error",
                repr(exc)[:1000],
                (entry.title or "")[:500],
            )
        if isinstance(built, Rejected):
            rejected.append(
                {
                    "feed_id": ctx.feed_id,
                    "capture_id": capture_id,
                    "item_key": built.item_key,
                    "reason": built.reason,
                    "detail": built.detail,
                    "excerpt": built.excerpt,
                    "first_seen_at": ctx.seen_at,
                }
            )
        else:
            rows.append(built)
    _with_language(rows, ctx.language)
    with engine.begin() as connection:
        counts = load_articles(connection, rows)
        outcome.quarantined = quarantine(connection, rejected)
        connection.execute(
            update(FETCHES)
            .where(FETCHES.c.capture_id == capture_id)
            .values(items_seen=len(parsed.entries), items_new=counts.new)
        )
        connection.execute(
            update(FEEDS)
            .where(FEEDS.c.id == ctx.feed_id)
            .values(
                etag=capture.etag,
                last_modified=capture.last_modified,
                last_body_sha256=capture.body_sha256,
            )
        )
        connection.execute(
            update(CAPTURES).where(CAPTURES.c.id == capture_id).values(processed_at=now)
        )
    outcome.counts = counts
    return outcome


def process_captures(engine: Engine, capture_ids: list[int], settings: Settings) -> ProcessOutcome:
    total = ProcessOutcome()
    for capture_id in sorted(set(capture_ids)):
        one = process_capture(engine, capture_id, settings)
        total.captures += one.captures
        total.counts.add(one.counts)
        total.quarantined += one.quarantined
        total.errors.update(one.errors)
    return total


def summarise(fetches: list[FetchOutcome], processed: ProcessOutcome) -> RunSummary:
    errors = Counter(f.error_class for f in fetches if f.error_class)
    errors.update(processed.errors)
    return RunSummary(
        feeds=len(fetches),
        fetched=sum(1 for f in fetches if f.error_class is None and not f.not_modified),
        not_modified=sum(1 for f in fetches if f.not_modified),
        unchanged=sum(1 for f in fetches if f.unchanged),
        failed=sum(1 for f in fetches if f.error_class) + sum(processed.errors.values()),
        errors_by_class=dict(errors),
        items_seen=processed.counts.seen,
        new=processed.counts.new,
        updated=processed.counts.updated,
        duplicates=processed.counts.duplicates,
        quarantined=processed.quarantined,
    )


def ingest_once(
    settings: Settings, feed_urls: list[str] | None = None, *, run_id: str | None = None
) -> RunSummary:
    """Fetch, process and load once: the CLI's ``ingest``."""
    engine, feed_ids = prepare(settings, feed_urls)
    workers = max(1, min(settings.fetch_concurrency, len(feed_ids)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        fetches = list(
            pool.map(lambda fid: fetch_feed(engine, fid, settings, run_id=run_id), feed_ids)
        )
    captures = [f.capture_id for f in fetches if f.capture_id is not None]
    processed = process_captures(engine, captures, settings)
    return summarise(fetches, processed)


def summary_from_xcom(fetched: list[dict], processed: dict | None) -> RunSummary:
    """Rebuild the run summary from what the DAG's tasks passed along."""
    fetches = [FetchOutcome(**f) for f in fetched]
    outcome = ProcessOutcome()
    if processed:
        outcome.captures = processed["captures"]
        outcome.counts = LoadCounts(**processed["counts"])
        outcome.quarantined = processed["quarantined"]
        outcome.errors = Counter(processed["errors"])
    return summarise(fetches, outcome)
