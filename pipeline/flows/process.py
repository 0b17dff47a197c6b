"""Processing stored captures: documents into rows, rows into the archive, in batches.

Feed captures and harvested article pages become rows in the parse workers
(``pipeline.flows.capture_rows``; for feeds with languages identified and dedup signatures
computed), which take captures in turn, each a capture ahead of this process; here article pages
are fetched for summary-only items (``pipeline.flows.fulltext``, their rows labelled again),
and batches of about ``Settings.process_batch`` articles loaded by a thread of their own, one
transaction each, in capture order. Items a run already stored from an earlier poll are
recognised by their content and not loaded again.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy import exc as sa_exc

from pipeline.archive.gaps import note_possible_gap
from pipeline.archive.models import CaptureBodyRow, CaptureRow, FeedRow, FetchRow
from pipeline.archive.stats import refresh_statistics
from pipeline.config import Settings
from pipeline.fetch.health import record_failure
from pipeline.flows.article_row import FeedContext
from pipeline.flows.capture_rows import (
    CaptureRows,
    content_key,
    feed_rows,
    label_languages,
    page_rows,
)
from pipeline.flows.load import LoadCounts, load_batch, quarantine
from pipeline.flows.progress import Progress, no_progress
from pipeline.parse import ParseError, budget
from pipeline.parse.budget import ParseBudget
from pipeline.parse.feeds import PendingParse, start_in_budget
from pipeline.types import Article

log = logging.getLogger(__name__)

CAPTURES = CaptureRow.__table__
BODIES = CaptureBodyRow.__table__
FEEDS = FeedRow.__table__
FETCHES = FetchRow.__table__


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ProcessOutcome:
    captures: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    quarantined: int = 0
    errors: Counter = field(default_factory=Counter)

    def add(self, other: ProcessOutcome) -> None:
        self.captures += other.captures
        self.counts.add(other.counts)
        self.quarantined += other.quarantined
        self.errors.update(other.errors)

    def as_dict(self) -> dict:
        return {
            "captures": self.captures,
            "counts": asdict(self.counts),
            "quarantined": self.quarantined,
            "errors": dict(self.errors),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ProcessOutcome:
        return cls(
            captures=data["captures"],
            counts=LoadCounts(**data["counts"]),
            quarantined=data["quarantined"],
            errors=Counter(data["errors"]),
        )


# Captures whose context (body included) is read in one query.
CONTEXT_CHUNK = 20
# Captures between two checks of the planner's statistics (pipeline.archive.stats): about
# 15,000 articles, a tenth of a 30-day, 100-feed archive; a check costs ~15 ms.
STATISTICS_EVERY = 3000


def _capture_contexts(engine: Engine, capture_ids: list[int]) -> list:
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
        .where(CAPTURES.c.id.in_(capture_ids))
        .order_by(CAPTURES.c.id)
    )
    with engine.connect() as connection:
        return connection.execute(query).all()


def _context(capture) -> FeedContext:
    return FeedContext(
        feed_id=capture.feed_id,
        outlet_id=capture.outlet_id,
        feed_url=capture.feed_url,
        language=capture.language,
        capture_id=capture.id,
        seen_at=capture.fetched_at,
    )


def _start_rows(
    capture, settings: Settings, run: str | None = None, lane: int = 0
) -> PendingParse | None:
    """Start turning a capture into rows in the parse worker of ``lane`` (sitemaps are
    navigation only: they are handled here); ``run`` names the processing run (see
    ``label_languages``)."""
    if capture.kind == "sitemap":
        return None
    if capture.kind == "page":
        return start_in_budget(
            ParseBudget.from_settings(settings),
            page_rows,
            capture.body,
            capture.final_url,
            capture.content_type,
            _context(capture),
            lane=lane,
        )
    covers_day = capture.covers_day if capture.kind == "archive-feed" else None
    return start_in_budget(
        ParseBudget.from_settings(settings),
        feed_rows,
        capture.body,
        capture.final_url,
        capture.content_type,
        settings.max_items_per_fetch,
        covers_day,
        _context(capture),
        run,
        lane=lane,
    )


def _rows_here(capture) -> CaptureRows:
    return CaptureRows(0, None, [], [], [])  # a sitemap: navigation only, its articles are pages


@dataclass
class _Prepared:
    """One capture parsed and turned into rows, waiting to be loaded with others."""

    capture: object
    entries: int
    rows: list[Article]
    rejected: list[dict]
    notes: list[str]
    missing_fulltext: int
    # Rows left out because an identical row was loaded earlier in the same run, and the keys
    # of the rows kept (remembered once they are stored).
    repeated: int = 0
    keys: list[int] = field(default_factory=list)
    # The feed document's rhythm (CaptureRows.poll), stored on the feed row for the schedule.
    poll: dict | None = None


class _Loaded:
    """Rows already stored by this run, by content: a reprocessed window repeats most items of
    one poll in the next (a feed lists its latest ten, two of them new), and a repeat would only
    cost language identification and a load that changes nothing. Bounded: forgotten when full.
    """

    LIMIT = 200_000

    def __init__(self) -> None:
        self._keys: set[int] = set()
        # Names this run to the parse worker, which labels each distinct row once per run; the
        # labels it gave are kept here for the repeats it left unlabelled.
        self.run = uuid.uuid4().hex
        self._labels: dict[int, tuple] = {}

    def split(self, rows: list[Article]) -> tuple[list[Article], list[int], int]:
        """(rows to load, their keys, how many were repeats); labels repeats the parse worker
        left unlabelled with the language of their first sighting."""
        if len(self._labels) > self.LIMIT:
            self._labels.clear()
        kept, keys = [], []
        for row in rows:
            key = content_key(row)
            if key in self._keys:
                continue
            if row.labelled:
                self._labels[key] = (row.language, row.script, row.language_confidence)
            elif key in self._labels:
                row.language, row.script, row.language_confidence = self._labels[key]
            kept.append(row)
            keys.append(key)
        return kept, keys, len(rows) - len(kept)

    def remember(self, batch: list[_Prepared]) -> None:
        if len(self._keys) > self.LIMIT:
            self._keys.clear()
        for prepared in batch:
            # An item still waiting for its article page must be loaded again next time.
            if not prepared.missing_fulltext:
                self._keys.update(prepared.keys)


def _record_parse_error(engine: Engine, capture, exc: ParseError, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(FETCHES)
            .where(FETCHES.c.capture_id == capture.id)
            .values(
                error_class=exc.error_class, error_message=exc.message, items_seen=0, items_new=0
            )
        )
        connection.execute(
            update(CAPTURES).where(CAPTURES.c.id == capture.id).values(processed_at=now)
        )
        if capture.kind == "feed":
            # Archive pages that fail to parse say nothing about the live feed's health.
            record_failure(connection, capture.feed_id, exc.error_class, exc.message, now, None)


def _archive_failure(exc: BaseException) -> bool:
    """The archive itself failing (connection, server, disk, locks, permissions, a read-only
    database), not one capture: these stop the task. A value the database refuses (DataError,
    IntegrityError) is the capture's fault."""
    if isinstance(exc, sa_exc.DBAPIError):
        return not isinstance(exc, (sa_exc.DataError, sa_exc.IntegrityError))
    return isinstance(exc, (sa_exc.SQLAlchemyError, OSError))


# The error class of a capture quarantined for an unexpected exception (its message names the
# exception's own class).
CAPTURE_ERROR = "capture_error"


def _quarantine_capture(engine: Engine, capture, exc: BaseException, now: datetime):
    """Set a capture aside after an unexpected exception: its fetch row carries the error, a
    quarantine row the exception's class and message, and the capture counts as processed (it
    is not retried every run; reprocessing a window retries it with the code of that day)."""
    message = f"{type(exc).__name__}: {exc}"[:1000]
    with engine.begin() as connection:
        connection.execute(
            update(FETCHES)
            .where(FETCHES.c.capture_id == capture.id)
            .values(error_class=CAPTURE_ERROR, error_message=message, items_seen=0, items_new=0)
        )
        quarantined = quarantine(
            connection,
            [
                {
                    "feed_id": capture.feed_id,
                    "capture_id": capture.id,
                    "item_key": f"capture:{capture.id}",
                    "reason": CAPTURE_ERROR,
                    "detail": message,
                    "excerpt": None,
                    "first_seen_at": now,
                }
            ],
        )
        connection.execute(
            update(CAPTURES).where(CAPTURES.c.id == capture.id).values(processed_at=now)
        )
    return ProcessOutcome(captures=1, quarantined=quarantined, errors=Counter({CAPTURE_ERROR: 1}))


def _prepare(
    engine: Engine,
    capture,
    settings: Settings,
    building: PendingParse | None = None,
    loaded: _Loaded | None = None,
) -> _Prepared:
    """A capture's rows with article pages fetched and languages identified; raises ParseError."""
    from pipeline.flows.fulltext import enrich_fulltext

    loaded = loaded or _Loaded()
    if building is None:
        building = _start_rows(capture, settings, loaded.run)
    built = building.result() if building is not None else _rows_here(capture)
    rows, keys, repeated = loaded.split(built.rows)
    # Summary-only items of outlets with full text on get their article page's main text.
    texts = [row.body_text for row in rows]
    missing = enrich_fulltext(engine, rows, settings)
    # Rows the parse worker did not label (repeats, pages), or whose text is now the page's.
    unlabelled = [
        row for row, text in zip(rows, texts, strict=True)
        if not row.labelled or row.body_text != text
    ]  # fmt: skip
    label_languages(unlabelled, built.language)
    return _Prepared(
        capture, built.entries, rows, built.rejected, built.notes, missing, repeated, keys,
        built.poll,
    )  # fmt: skip


def _record_rhythm(connection: Connection, batch: list[_Prepared]) -> None:
    """What each live feed document said of its rhythm, for pipeline.fetch.schedule (0011)."""
    rows = [
        {"b_feed": p.capture.feed_id, **{f"b_{k}": v for k, v in p.poll.items()}}
        for p in batch
        if p.poll is not None and p.capture.kind == "feed"
    ]
    if rows:
        connection.execute(
            update(FEEDS)
            .where(FEEDS.c.id == bindparam("b_feed"))
            .values({k.removeprefix("b_"): bindparam(k) for k in rows[0] if k != "b_feed"}),
            rows,
        )


def _load(connection: Connection, batch: list[_Prepared], now: datetime) -> ProcessOutcome:
    """Load the rows of several captures at once, then account for each capture."""
    loaded = load_batch(connection, [row for p in batch for row in p.rows])
    # Items seen per capture, as if each had been loaded alone (repeats included).
    loaded.counts.seen = sum(len({r.id for r in p.rows}) + p.repeated for p in batch)
    outcome = ProcessOutcome(captures=len(batch), counts=loaded.counts)
    outcome.quarantined = quarantine(connection, [r for p in batch for r in p.rejected])
    fetch_rows, validators = [], []
    credited: set[str] = set()
    for prepared in batch:
        capture = prepared.capture
        # An article new to the archive counts as new for the first capture that listed it.
        ids = {row.id for row in prepared.rows}
        new_here = (ids & loaded.new_ids) - credited
        credited |= new_here
        fetch_rows.append(
            {
                "b_capture": capture.id,
                "b_seen": prepared.entries,
                "b_new": len(new_here),
                "b_notes": "; ".join(prepared.notes)[:2000] or None,
            }
        )
        if capture.kind == "feed" and not prepared.missing_fulltext:
            # Validators describe entries that are now complete; with article pages still
            # missing, the next poll must process this document again.
            validators.append(
                {
                    "b_feed": capture.feed_id,
                    "b_etag": capture.etag,
                    "b_modified": capture.last_modified,
                    "b_sha": capture.body_sha256,
                }
            )
        if capture.kind == "feed" and prepared.entries and len(new_here) == prepared.entries:
            note_possible_gap(connection, capture, now)
    connection.execute(
        update(FETCHES)
        .where(FETCHES.c.capture_id == bindparam("b_capture"))
        .values(
            items_seen=bindparam("b_seen"),
            items_new=bindparam("b_new"),
            error_message=bindparam("b_notes"),
        ),
        fetch_rows,
    )
    _record_rhythm(connection, batch)
    if validators:
        # In capture order: of two polls of one feed, the later one's validators stay.
        connection.execute(
            update(FEEDS)
            .where(FEEDS.c.id == bindparam("b_feed"))
            .values(
                etag=bindparam("b_etag"),
                last_modified=bindparam("b_modified"),
                last_body_sha256=bindparam("b_sha"),
            ),
            validators,
        )
    connection.execute(
        update(CAPTURES)
        .where(CAPTURES.c.id.in_([p.capture.id for p in batch]))
        .values(processed_at=now)
    )
    return outcome


def _load_batch(engine: Engine, batch: list[_Prepared]) -> ProcessOutcome:
    """One transaction for the batch; if it fails, each capture on its own, so that one capture
    the database refuses loses nothing else (and the first failure is raised after the rest)."""
    try:
        with engine.begin() as connection:
            return _load(connection, batch, utcnow())
    except Exception as exc:
        if _archive_failure(exc):
            raise  # the server or the connection, not a capture: the task fails loudly
        log.warning("loading a batch of %d captures failed; loading one by one", len(batch))
    total = ProcessOutcome()
    for prepared in batch:
        try:
            with engine.begin() as connection:
                total.add(_load(connection, [prepared], utcnow()))
        except Exception as exc:  # noqa: BLE001 - the capture the database refused is set aside
            if _archive_failure(exc):
                raise
            log.exception("loading capture %s failed; quarantined", prepared.capture.id)
            total.add(_quarantine_capture(engine, prepared.capture, exc, utcnow()))
    return total


class _Loader:
    """Loads prepared batches in order on a thread of its own, while the next batch is parsed.

    The database's share of a batch (PostgreSQL storing rows, updating indexes, answering the
    dedup lookups) runs on the server's core while this process parses; psycopg releases the GIL
    while it waits. One batch waits in the queue at most, so memory stays bounded by the batch.
    """

    def __init__(self, engine: Engine, loaded: _Loaded) -> None:
        self.engine = engine
        self.loaded = loaded
        self.total = ProcessOutcome()
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="archive-loader", daemon=True)
        self._thread.start()

    def submit(self, batch: list[_Prepared]) -> None:
        self._raise_if_failed()
        self._queue.put(batch)

    def finish(self) -> ProcessOutcome:
        self.stop()
        self._raise_if_failed()
        return self.total

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise_if_failed(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self.error is not None:
                continue  # a batch failed: the rest stay unprocessed for the next run
            try:
                self.total.add(_load_batch(self.engine, batch))
                self.loaded.remember(batch)
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                self.error = exc


# Captures a run must have for each parse worker after the first: a worker's start (loading the
# language models) costs about a second of CPU, the parse of 50 captures of 50 items about two.
CAPTURES_PER_EXTRA_WORKER = 50


def _workers_for(captures: int, settings: Settings) -> int:
    return max(1, min(settings.parse_workers, 1 + captures // CAPTURES_PER_EXTRA_WORKER))


def _parsed_ahead(engine: Engine, ids: list[int], settings: Settings, run: str):
    """(capture, its parse under way) in id order, the parses of the next captures started
    before the current one is handed out, one per parse worker (the workers take captures in
    turn): the workers parse while this process builds rows and loads."""
    workers = _workers_for(len(ids), settings)
    ahead: deque = deque()
    started = 0
    for start in range(0, len(ids), CONTEXT_CHUNK):
        for capture in _capture_contexts(engine, ids[start : start + CONTEXT_CHUNK]):
            ahead.append((capture, _start_rows(capture, settings, run, started % workers)))
            started += 1
            if len(ahead) > workers:
                yield ahead.popleft()
    yield from ahead


class _DayLog:
    """One log line per day of captures processed (captures come in id order, so by fetch
    time): a long backfill shows in the task log as it goes, not at its end."""

    def __init__(self) -> None:
        self.day: str | None = None
        self.captures = 0
        self.errors = 0

    def capture(self, capture, total: ProcessOutcome) -> None:
        day = f"{capture.fetched_at:%Y-%m-%d}"
        if day != self.day:
            self.close(total)
            self.day, self.captures, self.errors = day, 0, sum(total.errors.values())
        self.captures += 1

    def close(self, total: ProcessOutcome) -> None:
        if self.day is not None and self.captures:
            errors = sum(total.errors.values()) - self.errors
            log.info("processed day %s: %d captures, %d errors", self.day, self.captures, errors)
        self.day = None


def _log_processed(total: ProcessOutcome) -> None:
    counts = total.counts
    log.info(
        "processed %d captures: %d items seen, %d new, %d updated, %d duplicates, "
        "%d quarantined, %d errors",
        total.captures,
        counts.seen,
        counts.new,
        counts.updated,
        counts.duplicates,
        total.quarantined,
        sum(total.errors.values()),
    )


def process_captures(
    engine: Engine,
    capture_ids: list[int],
    settings: Settings,
    *,
    shutdown: bool = True,
    progress: Progress = no_progress,
) -> ProcessOutcome:
    """Parse captures in id order and load them in batches of about ``settings.process_batch``
    articles, one transaction each, in order: memory is bounded by the batch, not by the run."""
    total = ProcessOutcome()
    loaded = _Loaded()
    loader = _Loader(engine, loaded)
    pending: list[_Prepared] = []
    size = 0
    ids = sorted(set(capture_ids))
    days = _DayLog()
    try:
        for n, (capture, parsing) in enumerate(_parsed_ahead(engine, ids, settings, loaded.run)):
            days.capture(capture, total)
            progress("process", n, len(ids))
            if n % STATISTICS_EVERY == 0:
                # A long window grows the archive many times over within one call.
                refresh_statistics(engine)
            try:
                prepared = _prepare(engine, capture, settings, parsing, loaded)
            except ParseError as exc:
                _record_parse_error(engine, capture, exc, utcnow())
                total.add(ProcessOutcome(captures=1, errors=Counter({exc.error_class: 1})))
                continue
            except Exception as exc:  # noqa: BLE001 - one poisoned capture never stops a run
                if _archive_failure(exc):
                    raise  # the archive itself cannot be read or written: the task fails
                log.exception("processing capture %s failed; quarantined", capture.id)
                total.add(_quarantine_capture(engine, capture, exc, utcnow()))
                continue
            pending.append(prepared)
            size += len(prepared.rows) + len(prepared.rejected) + 1
            if size >= settings.process_batch:
                loader.submit(pending)
                pending, size = [], 0
        if pending:
            loader.submit(pending)
        total.add(loader.finish())
        days.close(total)
        progress("process", len(ids), len(ids))
        _log_processed(total)
    finally:
        loader.stop()
        if shutdown:
            # The parse worker would outlive an Airflow task process, which skips exit handlers.
            budget.shutdown()
    return total
