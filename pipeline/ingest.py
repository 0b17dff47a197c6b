"""The ingestion stages as plain functions: prepare, fetch one feed, process captures
(``pipeline.process``), summarise.

The DAG runs each as a task and the CLI runs them in a row; both call exactly these functions.
What passes between stages is ids and counts, never documents: documents live in the archive.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import queue
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select

from pipeline.archive import store
from pipeline.archive.db import engine_for
from pipeline.archive.migrate import upgrade
from pipeline.config import Settings
from pipeline.fetch import FetchOptions, FetchResult, FetchSession
from pipeline.fetch.client import run_sync
from pipeline.fetch.health import record_failure, record_success
from pipeline.process import CAPTURES, FEEDS, ProcessOutcome, process_captures, utcnow
from pipeline.sources.registry import load_registry

log = logging.getLogger(__name__)


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


def due_feed_ids(engine: Engine) -> list[int]:
    """Active feeds to poll now, in id order."""
    with engine.connect() as connection:
        return [ref.feed_id for ref in store.feed_refs(connection)]


def feed_batches(engine: Engine, feed_ids: list[int], size: int) -> list[dict]:
    """Feed ids in batches for the DAG's mapped fetch, each named for the UI.

    With a batch of one, every feed is its own task instance named ``outlet:path``; a registry of
    thousands of feeds uses larger batches, each fetched concurrently inside one task.
    """
    labels = feed_labels(engine, feed_ids)
    batches = []
    for start in range(0, len(feed_ids), max(1, size)):
        ids = feed_ids[start : start + max(1, size)]
        label = labels[ids[0]] if len(ids) == 1 else f"{labels[ids[0]]} +{len(ids) - 1} feeds"
        batches.append({"feed_ids": ids, "label": label})
    return batches


def feed_labels(engine: Engine, feed_ids: list[int]) -> dict[int, str]:
    with engine.connect() as connection:
        return {ref.feed_id: ref.label for ref in store.feed_refs(connection, feed_ids)}


def fetch_feed(
    engine: Engine, feed_id: int, settings: Settings, *, run_id: str | None = None
) -> FetchOutcome:
    """Fetch one feed, keep the raw capture, record the attempt and the feed's health."""
    return fetch_feeds(engine, [feed_id], settings, run_id=run_id)[0]


def fetch_feeds(
    engine: Engine, feed_ids: list[int], settings: Settings, *, run_id: str | None = None
) -> list[FetchOutcome]:
    """Fetch many feeds at once inside this process: one async client, per-host limits held.

    Each attempt is recorded (fetch row, raw capture, feed health) as soon as it completes, by
    one writer thread, many per transaction, so the event loop never waits on the database.
    Outcomes come back in the order of ``feed_ids``.
    """
    if not feed_ids:
        return []
    with engine.connect() as connection:
        refs = store.feed_refs(connection, feed_ids)
        last_unconditional = dict(
            connection.execute(
                select(FEEDS.c.id, FEEDS.c.last_unconditional_at).where(FEEDS.c.id.in_(feed_ids))
            ).all()
        )
    outcomes = run_sync(_fetch_all(engine, refs, last_unconditional, settings, run_id))
    order = {feed_id: i for i, feed_id in enumerate(feed_ids)}
    return sorted(outcomes, key=lambda o: order.get(o.feed_id, len(order)))


def _unconditional_due(last: datetime | None, settings: Settings, now: datetime) -> bool:
    """Some servers answer 304 although the feed changed: now and then, ask without validators."""
    return last is None or now - last >= timedelta(hours=settings.unconditional_every_h)


async def _fetch_all(
    engine: Engine,
    refs: list[store.FeedRef],
    last_unconditional: dict[int, datetime | None],
    settings: Settings,
    run_id: str | None,
) -> list[FetchOutcome]:
    options = FetchOptions.from_settings(settings)
    writer = _FetchWriter(engine, run_id)
    try:
        async with FetchSession(options, concurrency=settings.fetch_concurrency) as session:

            async def one(ref: store.FeedRef) -> FetchOutcome:
                started = utcnow()
                unconditional = _unconditional_due(
                    last_unconditional.get(ref.feed_id), settings, started
                )
                result = await session.fetch(
                    ref.url,
                    etag=None if unconditional else ref.etag,
                    last_modified=None if unconditional else ref.last_modified,
                )
                return await asyncio.wrap_future(writer.submit(ref, result, started))

            return list(await asyncio.gather(*(one(ref) for ref in refs)))
    finally:
        writer.close()


class _FetchWriter:
    """Records fetch attempts from one thread, many per transaction (group commit).

    Fetches finish faster than SQLite commits one by one; a batch shares one commit. If a batch
    fails, its attempts are retried one per transaction, so one bad row never loses the others.
    """

    # Attempts written per transaction at most.
    BATCH = 100

    def __init__(self, engine: Engine, run_id: str | None) -> None:
        self.engine = engine
        self.run_id = run_id
        # Final URL -> feed id that claimed it this cycle (case 28); only the writer touches it.
        self.claimed: dict[str, int] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="fetch-writer", daemon=True)
        self._thread.start()

    def submit(
        self, ref: store.FeedRef, result: FetchResult, started: datetime
    ) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((future, ref, result, started))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._write(batch)
                    return
                batch.append(more)
            self._write(batch)

    def _write(self, batch: list) -> None:
        try:
            with self.engine.begin() as connection:
                outcomes = [
                    _record_fetch(connection, ref, result, started, self.run_id, self.claimed)
                    for _, ref, result, started in batch
                ]
        except Exception:  # noqa: BLE001 - retried one by one below
            log.warning("batch of %d fetch records failed; writing one by one", len(batch))
            outcomes = [self._write_one(ref, result, started) for _, ref, result, started in batch]
        for (future, *_), outcome in zip(batch, outcomes, strict=True):
            future.set_result(outcome)

    def _write_one(self, ref: store.FeedRef, result: FetchResult, started: datetime):
        """One attempt in its own transaction; a fault of ours (the database) is logged,
        never held against the feed, and never stops the other feeds."""
        try:
            with self.engine.begin() as connection:
                return _record_fetch(connection, ref, result, started, self.run_id, self.claimed)
        except Exception:  # noqa: BLE001 - our fault, not the feed's: reported, not counted
            log.exception("recording the fetch of feed %s failed", ref.feed_id)
            return FetchOutcome(
                feed_id=ref.feed_id,
                label=ref.label,
                fetch_id=0,
                capture_id=None,
                status=result.status,
                error_class="internal",
            )


def _duplicate_of(connection, ref: store.FeedRef, final_url: str, claimed: dict[str, int]):
    """The id of another feed this one redirects to (hostile-inputs.md case 28), if any."""
    if final_url == ref.url:
        claimed.setdefault(final_url, ref.feed_id)
        return None
    other = connection.execute(
        select(FEEDS.c.id).where(FEEDS.c.url == final_url, FEEDS.c.id != ref.feed_id)
    ).scalar()
    if other is not None:
        return other
    owner = claimed.setdefault(final_url, ref.feed_id)
    return owner if owner != ref.feed_id else None


def _record_fetch(
    connection: Connection,
    ref: store.FeedRef,
    result: FetchResult,
    started: datetime,
    run_id: str | None,
    claimed: dict[str, int],
) -> FetchOutcome:
    """Record one attempt: raw capture, fetch row, feed health (inside the caller's transaction)."""
    feed_id = ref.feed_id
    error_class, error_message = result.error_class, result.error_message
    if result.ok and not result.not_modified and not result.body:
        error_class, error_message = "empty_body", f"HTTP {result.status} with an empty body"
    if error_class is None:
        duplicate = _duplicate_of(connection, ref, result.final_url, claimed)
        if duplicate is not None:
            error_class = "duplicate_feed"
            error_message = f"redirects to {result.final_url}, already polled as feed {duplicate}"
    body = result.body if error_class is None else None
    digest = hashlib.sha256(body).hexdigest() if body else None
    unchanged = digest is not None and digest == ref.last_body_sha256
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
    not_modified = result.not_modified and error_class is None
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
        not_modified=not_modified,
        unchanged=unchanged,
        items_seen=0 if (not_modified or unchanged) else None,
        items_new=0 if (not_modified or unchanged) else None,
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
        if not result.conditional and result.status == 200:
            store.set_feed_fields(connection, feed_id, last_unconditional_at=started)
    return FetchOutcome(
        feed_id=feed_id,
        label=ref.label,
        fetch_id=fetch_id,
        capture_id=None if unchanged else capture_id,
        status=result.status,
        error_class=error_class,
        not_modified=not_modified,
        unchanged=unchanged,
        bytes=len(body or b""),
    )


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
    fetches = fetch_feeds(engine, feed_ids, settings, run_id=run_id)
    captures = [f.capture_id for f in fetches if f.capture_id is not None]
    processed = process_captures(engine, captures, settings)
    return summarise(fetches, processed)


def summary_from_xcom(
    fetched: list[dict], processed: dict | None, harvested: dict | None = None
) -> RunSummary:
    """Rebuild the run summary from what the DAG's tasks passed along."""
    fetches = [FetchOutcome(**f) for f in fetched]
    outcome = ProcessOutcome()
    for part in (processed, harvested):
        if part:
            outcome.add(ProcessOutcome.from_dict(part))
    return summarise(fetches, outcome)


def unprocessed_captures(engine: Engine, start: datetime, end: datetime) -> list[int]:
    """Live captures of a window that no run has processed yet (a crashed run's leftovers)."""
    query = select(CAPTURES.c.id).where(
        CAPTURES.c.kind == "feed",
        CAPTURES.c.processed_at.is_(None),
        CAPTURES.c.fetched_at >= start,
        CAPTURES.c.fetched_at < end,
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())
