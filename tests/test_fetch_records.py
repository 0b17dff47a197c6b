"""Recording fetch attempts: many per transaction, one statement per kind of row, and a failing
attempt written alone without losing the others."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text

from pipeline.archive import store
from pipeline.config import Settings
from pipeline.fetch import FetchResult
from pipeline.flows.fetch_records import Attempt, FetchWriter, record_fetches
from pipeline.flows.ingest import prepare

BODY = b"<rss><channel><title>Vijesti</title></channel></rss>"


def _feeds(url: str, count: int):
    engine, ids = prepare(
        Settings(archive_url=url), [f"http://feeds.example/{i}.xml" for i in range(count)]
    )
    with engine.connect() as connection:
        return engine, store.feed_refs(connection, ids)


def _result(ref: store.FeedRef, status: int, body: bytes | None = None, **kw) -> FetchResult:
    return FetchResult(url=ref.url, final_url=ref.url, status=status, body=body, **kw)


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def test_each_kind_of_attempt_is_recorded(archive_url):
    engine, refs = _feeds(archive_url, 4)
    not_modified, same, new, gone = refs
    # The second feed's last body is already the one it sends again.
    with engine.begin() as connection:
        store.store_body(connection, BODY, datetime.now(UTC))
        store.set_feed_fields(
            connection, same.feed_id, last_body_sha256=hashlib.sha256(BODY).hexdigest()
        )
        same = store.feed_refs(connection, [same.feed_id])[0]
    started = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    attempts = [
        Attempt(not_modified, _result(not_modified, 304, conditional=True), started),
        Attempt(same, _result(same, 200, BODY), started),
        Attempt(new, _result(new, 200, BODY + b"<!-- new -->"), started),
        Attempt(
            gone, _result(gone, 404, error_class="http_404", error_message="HTTP 404"), started
        ),
    ]
    with engine.begin() as connection:
        outcomes = record_fetches(connection, attempts, "run-1", {})

    assert [(o.not_modified, o.unchanged, o.error_class) for o in outcomes] == [
        (True, False, None), (False, True, None), (False, False, None), (False, False, "http_404"),
    ]  # fmt: skip
    # Only a new body leaves a capture to process; the unchanged one is kept, already processed.
    assert outcomes[0].capture_id is None and outcomes[1].capture_id is None
    assert outcomes[2].capture_id is not None and outcomes[3].capture_id is None
    captures = _rows(engine, "SELECT feed_id, processed_at IS NOT NULL FROM captures ORDER BY id")
    assert captures == [(same.feed_id, True), (new.feed_id, False)]
    fetches = _rows(
        engine,
        "SELECT id, feed_id, run_id, not_modified, unchanged, error_class FROM fetches ORDER BY id",
    )
    assert [f[0] for f in fetches] == [o.fetch_id for o in outcomes]
    assert [f[1:] for f in fetches] == [
        (not_modified.feed_id, "run-1", True, False, None),
        (same.feed_id, "run-1", False, True, None),
        (new.feed_id, "run-1", False, False, None),
        (gone.feed_id, "run-1", False, False, "http_404"),
    ]
    health = _rows(engine, "SELECT id, state, consecutive_failures, last_success_at IS NOT NULL, "
                   "last_unconditional_at IS NOT NULL FROM feeds ORDER BY id")  # fmt: skip
    assert health == [
        (not_modified.feed_id, "ok", 0, True, False),  # a conditional request
        (same.feed_id, "ok", 0, True, True),
        (new.feed_id, "ok", 0, True, True),
        (gone.feed_id, "failing", 1, False, False),
    ]


def test_attempts_of_a_cycle_share_one_transaction(pg_url):
    engine, refs = _feeds(pg_url, 12)
    commits = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    writer = FetchWriter(engine, "run-2", expected=len(refs))
    # A wide linger, so that a busy machine pausing this thread cannot split the batch; the
    # writer still stops waiting as soon as the last expected attempt comes.
    writer.LINGER_S = 30.0
    futures = []

    def fetch_slowly() -> None:
        for ref in refs:
            time.sleep(0.005)  # fetches end a few milliseconds apart
            futures.append(
                writer.submit(ref, _result(ref, 304, conditional=True), datetime.now(UTC))
            )

    started = time.monotonic()
    thread = threading.Thread(target=fetch_slowly)
    thread.start()
    thread.join()
    outcomes = [f.result(timeout=10) for f in futures]
    waited = time.monotonic() - started
    writer.close()
    assert len(commits) == 1
    assert waited < 10  # written when the last attempt came, not after the linger
    assert all(o.not_modified and o.fetch_id > 0 for o in outcomes)
    assert _rows(engine, "SELECT count(*) FROM fetches WHERE not_modified") == [(12,)]


def test_a_failing_attempt_is_written_alone_and_loses_no_other(pg_url):
    engine, refs = _feeds(pg_url, 3)
    # A feed deleted while it was being fetched: its fetch row breaks the batch's foreign key.
    ghost = store.FeedRef(
        10_000, "http://feeds.example/ghost.xml", "adhoc-feeds.example", None, None, None, None
    )
    attempts = [*refs[:2], ghost, refs[2]]
    writer = FetchWriter(engine, "run-3", expected=len(attempts))
    started = datetime.now(UTC) - timedelta(seconds=1)
    futures = [writer.submit(ref, _result(ref, 304, conditional=True), started) for ref in attempts]
    outcomes = [f.result(timeout=10) for f in futures]
    writer.close()
    assert [o.error_class for o in outcomes] == [None, None, "internal", None]
    assert outcomes[2].fetch_id == 0
    recorded = _rows(engine, "SELECT feed_id FROM fetches ORDER BY feed_id")
    assert recorded == [(ref.feed_id,) for ref in refs]
