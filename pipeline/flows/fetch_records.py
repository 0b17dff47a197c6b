"""Recording fetch attempts: the fetch row, the raw capture and the feed's health.

Attempts are written by one thread, many per transaction and each kind of row in one statement
(an unchanged poll writes a fetch row and the feed's health, nothing else), so that the event loop
of a fetch cycle never waits on the database. If a batch fails, its attempts are written again one
per transaction, so one bad row never loses the others.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select

from pipeline.archive import store
from pipeline.archive.store import CAPTURES, FEEDS, FETCHES, FeedRef
from pipeline.fetch import FetchResult
from pipeline.fetch.health import record_failure, record_successes

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
class Attempt:
    ref: FeedRef
    result: FetchResult
    started: datetime


@dataclass
class _Judged:
    """An attempt with what the archive makes of it, before anything is written."""

    attempt: Attempt
    error_class: str | None
    error_message: str | None
    body: bytes | None
    digest: str | None
    unchanged: bool
    capture_id: int | None = None

    @property
    def not_modified(self) -> bool:
        return self.attempt.result.not_modified and self.error_class is None


class FetchWriter:
    """Records fetch attempts from one thread, many per transaction (group commit)."""

    # Attempts written per transaction at most.
    BATCH = 100
    # How long the first attempt of a batch waits for others while fetches are still out: they
    # end a few at a time, and a transaction per one or two of them cost more CPU than the
    # fetches themselves. The last attempt of a cycle is written as soon as it comes.
    LINGER_S = 0.25

    def __init__(self, engine: Engine, run_id: str | None, expected: int = 0) -> None:
        self.engine = engine
        self.run_id = run_id
        # Attempts the cycle will submit (0: unknown, so none is waited for).
        self.expected = expected
        self._received = 0
        # Final URL -> feed id that claimed it this cycle (case 28); only the writer touches it.
        self.claimed: dict[str, int] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="fetch-writer", daemon=True)
        self._thread.start()

    def submit(
        self, ref: FeedRef, result: FetchResult, started: datetime
    ) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((future, Attempt(ref, result, started)))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        # One connection for the cycle: a checkout per batch costs a ping to the server.
        connection: Connection | None = None
        try:
            done = False
            while not done:
                batch, done = self._next_batch()
                if not batch:
                    return
                if connection is None or connection.invalidated:
                    connection = self._connect()
                self._write(connection, batch)
        finally:
            if connection is not None:
                connection.close()

    def _next_batch(self) -> tuple[list, bool]:
        """The next attempts to write together, and whether the cycle has ended."""
        item = self._queue.get()
        if item is None:
            return [], True
        batch = [item]
        until = time.monotonic() + self.LINGER_S
        while len(batch) < self.BATCH:
            # Wait for more only while the cycle still has fetches out.
            waiting = self._received + len(batch) < self.expected
            wait = until - time.monotonic() if waiting else 0.0
            try:
                more = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return batch, True
            batch.append(more)
        self._received += len(batch)
        return batch, False

    def _connect(self) -> Connection | None:
        try:
            return self.engine.connect()
        except Exception:  # noqa: BLE001 - each attempt is then tried on its own below
            log.exception("no connection to the archive for fetch records")
            return None

    def _write(self, connection: Connection | None, batch: list) -> None:
        attempts = [attempt for _, attempt in batch]
        try:
            if connection is None:
                raise ConnectionError("no connection to the archive")
            with connection.begin():
                outcomes = record_fetches(connection, attempts, self.run_id, self.claimed)
        except Exception:  # noqa: BLE001 - retried one by one below
            log.warning("batch of %d fetch records failed; writing one by one", len(batch))
            outcomes = [self._write_one(attempt) for attempt in attempts]
        for (future, _), outcome in zip(batch, outcomes, strict=True):
            future.set_result(outcome)

    def _write_one(self, attempt: Attempt) -> FetchOutcome:
        """One attempt in its own transaction; a fault of ours (the database) is logged,
        never held against the feed, and never stops the other feeds."""
        try:
            with self.engine.begin() as connection:
                return record_fetches(connection, [attempt], self.run_id, self.claimed)[0]
        except Exception:  # noqa: BLE001 - our fault, not the feed's: reported, not counted
            log.exception("recording the fetch of feed %s failed", attempt.ref.feed_id)
            return FetchOutcome(
                feed_id=attempt.ref.feed_id,
                label=attempt.ref.label,
                fetch_id=0,
                capture_id=None,
                status=attempt.result.status,
                error_class="internal",
            )


def record_fetches(
    connection: Connection, attempts: list[Attempt], run_id: str | None, claimed: dict[str, int]
) -> list[FetchOutcome]:
    """Record attempts inside the caller's transaction: bodies, captures, fetch rows, health."""
    judged = [_judge(connection, attempt, claimed) for attempt in attempts]
    captured = [j for j in judged if j.body is not None]
    store.store_bodies(connection, [(j.digest, j.body, j.attempt.started) for j in captured])
    capture_ids = store.insert_many(connection, CAPTURES, [_capture_row(j) for j in captured])
    for j, capture_id in zip(captured, capture_ids, strict=True):
        j.capture_id = capture_id
    fetch_ids = store.insert_many(connection, FETCHES, [_fetch_row(j, run_id) for j in judged])
    _record_health(connection, judged)
    return [_outcome(j, fetch_id) for j, fetch_id in zip(judged, fetch_ids, strict=True)]


def _duplicate_of(connection, ref: FeedRef, final_url: str, claimed: dict[str, int]):
    """The id of another feed this one redirects to (docs/hostile-inputs.md case 28), if any."""
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


def _judge(connection: Connection, attempt: Attempt, claimed: dict[str, int]) -> _Judged:
    ref, result = attempt.ref, attempt.result
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
    return _Judged(attempt, error_class, error_message, body, digest, unchanged)


def _capture_row(j: _Judged) -> dict:
    ref, result, started = j.attempt.ref, j.attempt.result, j.attempt.started
    return {
        "feed_id": ref.feed_id,
        "fetched_at": started,
        "url": ref.url,
        "final_url": result.final_url,
        "http_status": result.status,
        "content_type": result.headers.get("content-type"),
        "etag": result.headers.get("etag"),
        "last_modified": result.headers.get("last-modified"),
        "body_sha256": j.digest,
        # An unchanged body was processed when it first came; nothing is left to do.
        "processed_at": started if j.unchanged else None,
    }


def _fetch_row(j: _Judged, run_id: str | None) -> dict:
    ref, result = j.attempt.ref, j.attempt.result
    nothing_new = j.not_modified or j.unchanged
    return {
        "feed_id": ref.feed_id,
        "run_id": run_id,
        "started_at": j.attempt.started,
        "duration_ms": result.elapsed_ms,
        "url": ref.url,
        "final_url": result.final_url,
        "http_status": result.status,
        "bytes": len(j.body or b""),
        "not_modified": j.not_modified,
        "unchanged": j.unchanged,
        "items_seen": 0 if nothing_new else None,
        "items_new": 0 if nothing_new else None,
        "error_class": j.error_class,
        "error_message": j.error_message,
        "capture_id": j.capture_id,
    }


def _record_health(connection: Connection, judged: list[_Judged]) -> None:
    conditional: list[tuple[int, datetime]] = []
    unconditional: list[tuple[int, datetime]] = []
    for j in sorted(judged, key=lambda j: j.attempt.ref.feed_id):
        feed_id, result, started = j.attempt.ref.feed_id, j.attempt.result, j.attempt.started
        if j.error_class:
            record_failure(
                connection, feed_id, j.error_class, j.error_message, started, result.retry_after_s
            )
        elif not result.conditional and result.status == 200:
            unconditional.append((feed_id, started))
        else:
            conditional.append((feed_id, started))
    # Response headers (Cache-Control, Expires) feed each one's next poll (fetch.schedule).
    headers = {j.attempt.ref.feed_id: j.attempt.result.headers for j in judged}
    kept = frozenset(j.attempt.ref.feed_id for j in judged if j.not_modified)
    record_successes(connection, conditional, headers=headers, not_modified=kept)
    record_successes(
        connection, unconditional, unconditional=True, headers=headers, not_modified=kept
    )


def _outcome(j: _Judged, fetch_id: int) -> FetchOutcome:
    ref = j.attempt.ref
    return FetchOutcome(
        feed_id=ref.feed_id,
        label=ref.label,
        fetch_id=fetch_id,
        capture_id=None if j.unchanged else j.capture_id,
        status=j.attempt.result.status,
        error_class=j.error_class,
        not_modified=j.not_modified,
        unchanged=j.unchanged,
        bytes=len(j.body or b""),
    )
