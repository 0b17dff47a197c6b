"""Faults of the archive's own storage (docs/hostile-inputs.md cases 55-56): an analyst's long
write transaction on the SQLite archive, and the archive's disk full mid-run. Each: a bounded
wait or none, a clear error class, nothing half-written, and the next run catches up."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.archive.db import engine_for
from pipeline.flows.ingest import fetch_feeds, prepare, process_captures
from tests.hostile.support import item, query, rss, settings


def _feed(base: str, n: int, words: int = 40) -> str:
    text = " ".join(f"rečenica{k}" for k in range(words))
    return rss(
        [
            item(f"Vijest broj {i}", f"{base}/vijesti/{i}", guid=f"v{i}",
                 description=f"Vijest {i}: {text}.")
            for i in range(n)
        ]
    )  # fmt: skip


def _fetched(db_url: str, hostile, urls: list[str]) -> tuple[sa.Engine, list[int], object]:
    """The run's fetch stage alone: the captures it stored."""
    run_settings = settings(db_url, hostile)
    engine, _ids = prepare(run_settings, urls)
    outcomes = fetch_feeds(engine, _ids, run_settings)
    assert {o.error_class for o in outcomes} == {None}
    return engine, [o.capture_id for o in outcomes], run_settings


def _nothing_half_written(db_url: str) -> None:
    assert query(db_url, "SELECT count(*) FROM articles") == [(0,)]
    assert query(db_url, "SELECT count(*) FROM captures WHERE processed_at IS NOT NULL") == [(0,)]
    assert query(db_url, "SELECT count(*) FROM fetches WHERE items_seen IS NOT NULL") == [(0,)]
    assert query(db_url, "SELECT count(*) FROM feeds WHERE last_body_sha256 IS NOT NULL") == [(0,)]


@pytest.mark.slow
def test_an_analysts_long_write_transaction_fails_the_load_after_a_bounded_wait(
    sqlite_url, hostile
):
    url = hostile.serve("/feed.xml", _feed(hostile.base_url, 12))
    engine, captures, run_settings = _fetched(sqlite_url, hostile, [url])
    analyst = sqlite3.connect(sa.make_url(sqlite_url).database, isolation_level=None)
    try:
        analyst.execute("BEGIN IMMEDIATE")  # the write lock, held as an open transaction does
        analyst.execute("CREATE TABLE analyst_notes (note TEXT)")
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            process_captures(engine, captures, run_settings)
        waited = time.monotonic() - started
    finally:
        analyst.execute("ROLLBACK")
        analyst.close()
    # SQLite's busy timeout (30 s, pipeline.archive.db) bounds the wait.
    assert 25 < waited < 90, waited
    _nothing_half_written(sqlite_url)
    outcome = process_captures(engine, captures, run_settings)  # the next run catches up
    assert outcome.counts.new == 12 and not outcome.errors
    assert query(sqlite_url, "SELECT count(*) FROM captures WHERE processed_at IS NULL") == [(0,)]
    engine.dispose()


@contextlib.contextmanager
def small_disk(directory: Path, size: str = "2m"):
    directory.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                   check=True)  # fmt: skip
    try:
        yield directory
    finally:
        engine_for.cache_clear()
        subprocess.run(["umount", "-l", str(directory)], check=False)


def _fill(path: Path) -> None:
    """Write ``path`` until the disk it is on has no byte left."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while os.write(descriptor, b"\0" * size):
                    pass
    finally:
        os.close(descriptor)


def test_a_full_disk_fails_the_load_cleanly_and_the_next_run_catches_up(tmp_path, hostile):
    with small_disk(tmp_path / "disk") as disk:
        db_url = f"sqlite:///{disk / 'archive.sqlite'}"
        url = hostile.serve("/feed.xml", _feed(hostile.base_url, 40, words=120))
        engine, captures, run_settings = _fetched(db_url, hostile, [url])
        filler = disk / "filler"
        try:
            _fill(filler)
            with pytest.raises(sa.exc.OperationalError, match="database or disk is full"):
                process_captures(engine, captures, run_settings)
        finally:
            with contextlib.suppress(FileNotFoundError):
                filler.unlink()
        engine.dispose()
        _nothing_half_written(db_url)
        # Space is back: the same captures load whole.
        outcome = process_captures(engine, captures, run_settings)
        assert outcome.counts.new == 40 and not outcome.errors
        assert query(db_url, "SELECT count(*) FROM articles") == [(40,)]
        assert query(db_url, "PRAGMA integrity_check") == [("ok",)]
        engine.dispose()
