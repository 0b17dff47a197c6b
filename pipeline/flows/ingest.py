"""One ingestion run as plain functions: plan the window (migrate, sync the registry), list the
feed batches due, fetch a batch, process the window's captures, harvest a history window,
summarise.

The DAG runs each as a task and the CLI's ``ingest`` runs them in a row (``ingest_once``): both
call exactly these functions. What passes between them is ids, counts and the window, never
documents: documents live in the archive.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select

from pipeline.archive import store
from pipeline.archive.coverage import refresh_coverage
from pipeline.archive.db import engine_for
from pipeline.archive.migrate import upgrade
from pipeline.config import Settings
from pipeline.fetch import FetchOptions, FetchSession
from pipeline.fetch.client import run_sync
from pipeline.fetch.health import due_feed_filter
from pipeline.fetch.politeness import ROBOTS_TTL_S, PolitenessMemory, robots_origin
from pipeline.flows.feed_states import refresh_feed_states
from pipeline.flows.fetch_records import FetchOutcome, FetchWriter
from pipeline.flows.harvest import history_captures
from pipeline.flows.process import CAPTURES, ProcessOutcome, process_captures, utcnow
from pipeline.flows.progress import Progress, no_progress
from pipeline.flows.window import Window, resolve_window
from pipeline.sources.registry import load_registry

log = logging.getLogger(__name__)


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
            ids = [ref.feed_id for ref in _due_refs(connection)]
    return engine, ids


def _due_refs(connection: Connection) -> list[store.FeedRef]:
    """Active feeds past their back-off after failures, and disabled ones due a weekly re-probe."""
    return store.feed_refs(connection, due=due_feed_filter(utcnow()))


def due_feed_ids(engine: Engine) -> list[int]:
    """Active feeds to poll now, in id order."""
    with engine.connect() as connection:
        return [ref.feed_id for ref in _due_refs(connection)]


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
    engine: Engine,
    feed_ids: list[int],
    settings: Settings,
    *,
    run_id: str | None = None,
    progress: Progress = no_progress,
) -> list[FetchOutcome]:
    """Fetch many feeds at once inside this process: one async client, per-host limits held.

    Each attempt is recorded (fetch row, raw capture, feed health) by one writer thread, many per
    transaction (``pipeline.flows.fetch_records``), so the event loop never waits on the database.
    robots.txt files kept by earlier cycles are read instead of asked for again, and the ones
    this cycle fetched are kept. Outcomes come back in the order of ``feed_ids``.
    """
    if not feed_ids:
        return []
    memory = PolitenessMemory(fetched_robots={})
    with engine.connect() as connection:
        refs = store.feed_refs(connection, feed_ids)
        if settings.respect_robots:
            since = utcnow() - timedelta(seconds=ROBOTS_TTL_S)
            origins = (robots_origin(ref.url) for ref in refs)
            memory.stored_robots.update(store.robots_files(connection, origins, since))
    outcomes = run_sync(_fetch_all(engine, refs, settings, run_id, memory, progress))
    _keep_robots(engine, memory)
    order = {feed_id: i for i, feed_id in enumerate(feed_ids)}
    outcomes = sorted(outcomes, key=lambda o: order.get(o.feed_id, len(order)))
    _log_fetched(outcomes)
    return outcomes


def _log_fetched(outcomes: list[FetchOutcome]) -> None:
    """One line per batch fetched, for the task log."""
    if not outcomes:
        return
    label = outcomes[0].label if len(outcomes) == 1 else f"{len(outcomes)} feeds"
    errors = Counter(o.error_class for o in outcomes if o.error_class)
    log.info(
        "fetched %s: %d new bodies, %d not modified, %d unchanged, %d failed%s",
        label,
        sum(1 for o in outcomes if o.capture_id is not None),
        sum(1 for o in outcomes if o.not_modified),
        sum(1 for o in outcomes if o.unchanged),
        sum(errors.values()),
        f" ({', '.join(f'{k}={v}' for k, v in sorted(errors.items()))})" if errors else "",
    )


def _keep_robots(engine: Engine, memory: PolitenessMemory) -> None:
    """Keep the robots.txt files this cycle fetched for the next cycles (migration 0008)."""
    if not memory.fetched_robots:
        return
    try:
        with engine.begin() as connection:
            store.keep_robots_files(connection, memory.fetched_robots, utcnow())
    except Exception:  # noqa: BLE001 - our fault; the next cycle asks the origins again
        log.exception("keeping %d robots.txt files failed", len(memory.fetched_robots))


def _unconditional_due(last: datetime | None, settings: Settings, now: datetime) -> bool:
    """Some servers answer 304 although the feed changed: now and then, ask without validators."""
    return last is None or now - last >= timedelta(hours=settings.unconditional_every_h)


async def _fetch_all(
    engine: Engine,
    refs: list[store.FeedRef],
    settings: Settings,
    run_id: str | None,
    memory: PolitenessMemory,
    progress: Progress = no_progress,
) -> list[FetchOutcome]:
    options = FetchOptions.from_settings(settings)
    writer = FetchWriter(engine, run_id, expected=len(refs))
    done = 0
    try:
        async with FetchSession(
            options, concurrency=settings.fetch_concurrency, memory=memory
        ) as session:

            async def one(ref: store.FeedRef) -> FetchOutcome:
                started = utcnow()
                unconditional = _unconditional_due(ref.last_unconditional_at, settings, started)
                result = await session.fetch(
                    ref.url,
                    etag=None if unconditional else ref.etag,
                    last_modified=None if unconditional else ref.last_modified,
                )
                outcome = await asyncio.wrap_future(writer.submit(ref, result, started))
                nonlocal done
                done += 1
                progress("fetch", done, len(refs))
                return outcome

            return list(await asyncio.gather(*(one(ref) for ref in refs)))
    finally:
        writer.close()


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


def plan(settings: Settings, window: Window) -> Window:
    """The run's first step, whatever its window: migrate the archive and sync the registry."""
    prepare(settings)
    return window


def list_batches(settings: Settings, window: Window) -> list[dict]:
    """The feed batches a live ``window`` polls (``feed_batches``); none in a history window."""
    if window.mode != "live":
        return []
    engine = engine_for(settings.archive_url)
    return feed_batches(engine, due_feed_ids(engine), settings.fetch_batch_size)


def fetch_batch(
    engine: Engine, feed_ids: list[int], settings: Settings, *, run_id: str | None = None
) -> list[FetchOutcome]:
    """``fetch_feeds``, failing when the archive refused to record an attempt: a failing feed is
    recorded, never raised, but a green run with nothing stored would hide our own fault."""
    outcomes = fetch_feeds(engine, feed_ids, settings, run_id=run_id)
    refused = [o.label for o in outcomes if o.error_class == "internal"]
    if refused:
        raise RuntimeError(f"the archive refused to record fetches of {', '.join(refused)}")
    return outcomes


def process_window(
    engine: Engine,
    capture_ids: list[int],
    window: Window,
    settings: Settings,
    progress: Progress = no_progress,
) -> ProcessOutcome:
    """Process the captures a run fetched; in a live window also the ones its earlier attempts
    left unprocessed, and then the window's days of coverage and the feeds' operator states
    (``flows.feed_states``: "silent" needs the items just parsed)."""
    if window.mode == "live":
        capture_ids = [*capture_ids, *unprocessed_captures(engine, window.start, window.end)]
    outcome = process_captures(engine, capture_ids, settings, progress=progress)
    if window.mode == "live":
        refresh_coverage(engine, window.days)
        refresh_feed_states(engine, settings, utcnow())
    return outcome


def harvest_window(
    engine: Engine,
    window: Window,
    settings: Settings,
    *,
    run_id: str | None = None,
    progress: Progress = no_progress,
) -> ProcessOutcome:
    """A history window: reprocess what was captured then and harvest the outlets' archives
    (``pipeline.flows.harvest``); nothing for a live window."""
    if window.mode != "history":
        return ProcessOutcome()
    found = history_captures(engine, window, settings, run_id=run_id, progress=progress)
    outcome = process_captures(engine, found.capture_ids, settings, progress=progress)
    refresh_coverage(engine, window.days)
    return outcome


def manual_window() -> Window:
    """The poll interval that ends now: what a manual run without a logical date owns."""
    return resolve_window(
        data_interval_start=None,
        data_interval_end=None,
        run_type="manual",
        run_after=None,
        now=utcnow(),
    )


def ingest_once(
    settings: Settings,
    feed_urls: list[str] | None = None,
    *,
    run_id: str | None = None,
    progress: Progress = no_progress,
) -> RunSummary:
    """The DAG's live run in one process, step by step: the CLI's ``ingest``."""
    window = manual_window()
    engine, feed_ids = prepare(settings, feed_urls)
    fetches = fetch_feeds(engine, feed_ids, settings, run_id=run_id, progress=progress)
    captures = [f.capture_id for f in fetches if f.capture_id is not None]
    processed = process_window(engine, captures, window, settings, progress)
    processed.add(harvest_window(engine, window, settings, run_id=run_id, progress=progress))
    summary = summarise(fetches, processed)
    log.info("run summary: %s", "; ".join(summary.lines()))
    return summary


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
