"""Faults that must lose or duplicate nothing, each compared with a fault-free run.

Each test drives the pipeline's stages (the functions the DAG's tasks call) against PostgreSQL
and the offline newsroom, injects one fault, and ends by comparing the archive with a fault-free
ingest of the same newsroom: zero duplicates, zero lost articles, equal checksums of articles,
outlets and stories. The Celery worker fault is in tests/celery/test_worker_faults.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsroom import NewsroomServer
from pipeline.archive.db import engine_for, make_engine
from pipeline.config import Settings
from pipeline.fetch.errors import SEVERITY
from pipeline.flows.ingest import fetch_feeds, ingest_once, prepare, process_captures
from tests.celery.archive_state import (
    ArchiveState,
    archive_state,
    assert_same_archive,
    fresh_database,
)
from tests.support.airflow_cluster import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    with NewsroomServer() as server:
        server.write_registry(tmp_path_factory.mktemp("newsroom") / "newsroom.toml")
        yield server


def _settings(newsroom: NewsroomServer, archive_url: str) -> Settings:
    return Settings.from_env(
        archive_url=archive_url,
        sources=str(newsroom.registry_file),
        allow_private_networks=True,
        per_host_spacing_s=0.0,
    )


@pytest.fixture(scope="module")
def reference(newsroom) -> ArchiveState:
    with fresh_database("news_ref") as url:
        ingest_once(_settings(newsroom, url))
        engine_for(url).dispose()
        state = archive_state(url)
    assert state.rows["articles"]
    return state


def _fetch_all(settings: Settings) -> tuple[sa.Engine, list[int]]:
    """The DAG's first stages: prepare, then every feed's fetch. Returns the captures."""
    engine, feed_ids = prepare(settings)
    outcomes = fetch_feeds(engine, feed_ids, settings)
    assert all(o.error_class is None for o in outcomes), outcomes
    return engine, [o.capture_id for o in outcomes if o.capture_id is not None]


def _scalar(url: str, sql: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


# --- the same load task twice at the same time ------------------------------------------------


def test_same_load_twice_at_once_stores_everything_once(newsroom, reference, pg_url):
    settings = _settings(newsroom, pg_url)
    engine, captures = _fetch_all(settings)
    engine.dispose()
    # Two copies of the load task, each with its own engine (connections, transactions), let go
    # at the same instant: what a lost heartbeat does to a task on the executor.
    barrier = threading.Barrier(2)
    seen: list[int] = []
    errors: list[BaseException] = []

    def task() -> None:
        own = make_engine(pg_url)
        try:
            barrier.wait(timeout=60)
            seen.append(process_captures(own, captures, settings).counts.seen)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            errors.append(exc)
        finally:
            own.dispose()

    copies = [threading.Thread(target=task) for _ in range(2)]
    for copy in copies:
        copy.start()
    for copy in copies:
        copy.join(timeout=180)
    # Both copies succeeded (neither was refused by the other's rows) ...
    assert not errors and len(seen) == 2 and seen[0] == seen[1] > 0, (errors, seen)
    # ... and the archive holds each article once, exactly as after one run.
    assert_same_archive(pg_url, reference)


# --- PostgreSQL restarted in the middle of a run ---------------------------------------------


@dataclasses.dataclass
class PrivatePostgres:
    """A PostgreSQL server of this test's own: the machine's shared server is never restarted."""

    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data),
             "-o", options, "-l", str(self.root / "server.log"), "-w", "-t", "60", *args],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (PG_BIN / "initdb").exists() or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL 15 binaries and root (to run them as the postgres user)")
    root = Path(tempfile.mkdtemp(prefix="news-pg-"))
    shutil.chown(root, "postgres", "postgres")
    server = PrivatePostgres(root, free_port())
    try:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(server.data),
             "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server.pg_ctl("start")
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            server.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


class LoadBlocker:
    """Holds a load transaction open: an uncommitted article row with the id the load will
    upsert makes the load wait on it (the way a concurrent writer would)."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        self.connection = self.engine.connect()

    def block(self, article_id: str) -> None:
        self.connection.exec_driver_sql(
            "INSERT INTO articles (id, outlet_id, feed_id, title, first_seen_at, content_hash) "
            "SELECT %(id)s, outlet_id, id, 'blocker', now(), 'blocker' FROM feeds "
            "ORDER BY id LIMIT 1",
            {"id": article_id},
        )

    def waiting(self) -> int:
        with self.engine.connect() as c:
            return c.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).scalar()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()
        self.engine.dispose()


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _reset(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as c:
        tables = [
            r[0]
            for r in c.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        c.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    engine.dispose()


def test_postgres_restart_mid_run_completes_or_fails_loudly_then_completes(newsroom, reference):
    with private_postgres() as pg:
        admin = sa.create_engine(pg.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql("CREATE DATABASE archive")
        admin.dispose()
        url = pg.url("archive")
        settings = _settings(newsroom, url)

        # 1. Restarted between the fetches and the load: the pool's connections are dead, the
        # pre-ping notices and reconnects, the load completes.
        engine, captures = _fetch_all(settings)
        pg.restart()
        process_captures(engine, captures, settings)
        assert_same_archive(url, reference)

        # 2. Restarted while a load transaction is open: the task fails loudly, its retry
        # completes the archive.
        _reset(url)
        engine, captures = _fetch_all(settings)
        blocker = LoadBlocker(url)
        errors: list[BaseException] = []
        try:
            blocker.block(sorted(reference.article_ids)[len(reference.article_ids) // 2])

            def task() -> None:
                try:
                    process_captures(engine, captures, settings)
                except BaseException as exc:  # noqa: BLE001 - the test inspects it
                    errors.append(exc)

            load = threading.Thread(target=task)
            load.start()
            _wait_for(blocker.waiting, 60, "the load to wait on the blocked row")
            pg.restart()
            load.join(timeout=60)
        finally:
            blocker.close()
        assert not load.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], sa.exc.OperationalError), errors
        assert "terminat" in str(errors[0]) or "closed" in str(errors[0])
        process_captures(engine, captures, settings)  # the retry
        assert_same_archive(url, reference)
        engine.dispose()


# --- the newsroom down for part of a run ----------------------------------------------------


def test_newsroom_down_part_of_a_run_recovers_on_the_next_run(pg_url, tmp_path):
    port = free_port()
    server = NewsroomServer(port=port).start()
    server.write_registry(tmp_path / "newsroom.toml")
    settings = _settings(server, pg_url)
    try:
        engine, feed_ids = prepare(settings)
        half = len(feed_ids) // 2
        first = fetch_feeds(engine, feed_ids[:half], settings)
        server.stop()  # the outlets' host goes away mid-run
        second = fetch_feeds(engine, feed_ids[half:], settings)
        captures = [o.capture_id for o in first + second if o.capture_id is not None]
        process_captures(engine, captures, settings)

        assert all(o.error_class is None for o in first)
        assert {o.error_class for o in second} == {"connect"}
        assert SEVERITY["connect"] == "temporary"
        with engine.connect() as c:
            health = c.exec_driver_sql(
                "SELECT state, failure_score, consecutive_failures FROM feeds WHERE id = ANY(%(ids)s)",
                {"ids": feed_ids[half:]},
            ).all()
        # Failing, lightly weighted, nowhere near disabled.
        assert {tuple(h) for h in health} == {("failing", 0.5, 1)}

        with engine.connect() as c:
            backoff = c.exec_driver_sql(
                "SELECT max(next_poll_at - last_fetch_at) FROM feeds WHERE state = 'failing'"
            ).scalar()
        # A temporary failure pushes the next poll of the feed back by one step (15 minutes).
        assert timedelta(0) < backoff <= timedelta(minutes=20)

        server = NewsroomServer(catalog=server.catalog, port=port).start()  # back again
        server.write_registry(tmp_path / "newsroom.toml")  # the same outlets on the same port
        # The next runs: those inside the back-off leave the failed feeds alone; the first after
        # it (the clock moved past next_poll_at) polls them again.
        with engine.begin() as c:
            c.exec_driver_sql(
                "UPDATE feeds SET next_poll_at = now() - interval '1 second' "
                "WHERE next_poll_at IS NOT NULL"
            )
        summary = ingest_once(settings)
        assert summary.errors_by_class == {}, summary
        assert summary.feeds == len(feed_ids)
        with engine.connect() as c:
            states = c.exec_driver_sql("SELECT url, state FROM feeds").all()
        assert {s[1] for s in states} == {"ok"}, [s for s in states if s[1] != "ok"]
        # Compared with a fault-free run of this newsroom (its port is part of every URL).
        with fresh_database("news_ref") as url:
            ingest_once(_settings(server, url))
            engine_for(url).dispose()
            reference = archive_state(url)
        assert_same_archive(pg_url, reference)
        engine.dispose()
    finally:
        server.stop()


# --- a write refused by the database -----------------------------------------------------------


@contextlib.contextmanager
def archive_role(pg_url: str) -> Iterator[tuple[str, sa.Engine]]:
    """A login role with the rights an archive writer has; yields its URL and an admin engine."""
    role = f"news_writer_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        c.exec_driver_sql(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        c.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    try:
        yield sa.make_url(pg_url).set(username=role).render_as_string(hide_password=False), admin
    finally:
        engine_for.cache_clear()
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP OWNED BY {role}")
        # The role goes with its grants; the database itself is dropped by pg_url.
        with contextlib.suppress(sa.exc.DBAPIError), admin.connect() as c:
            c.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def _nothing_claims_processed(url: str) -> None:
    """No capture, fetch or feed says its articles are stored while they are not."""
    assert _scalar(url, "SELECT count(*) FROM articles") == 0
    assert _scalar(url, "SELECT count(*) FROM captures WHERE processed_at IS NOT NULL") == 0
    assert _scalar(url, "SELECT count(*) FROM fetches WHERE items_seen IS NOT NULL") == 0
    assert _scalar(url, "SELECT count(*) FROM feeds WHERE last_body_sha256 IS NOT NULL") == 0


def test_refused_insert_fails_the_load_loudly_and_writes_nothing(newsroom, reference, pg_url):
    prepare(_settings(newsroom, pg_url))  # the schema, created by its owner
    with archive_role(pg_url) as (writer_url, admin):
        settings = _settings(newsroom, writer_url)
        engine, captures = _fetch_all(settings)
        with admin.connect() as c:
            c.exec_driver_sql(f"REVOKE INSERT ON articles FROM {sa.make_url(writer_url).username}")
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied for table articles"):
            process_captures(engine, captures, settings)
        _nothing_claims_processed(pg_url)

        with admin.connect() as c:
            c.exec_driver_sql(f"GRANT INSERT ON articles TO {sa.make_url(writer_url).username}")
        process_captures(engine, captures, settings)  # the retry
        engine.dispose()
    assert_same_archive(pg_url, reference)


def test_read_only_archive_fails_the_load_loudly_and_writes_nothing(newsroom, reference, pg_url):
    settings = _settings(newsroom, pg_url)
    engine, captures = _fetch_all(settings)
    database = sa.make_url(pg_url).database
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    engine.dispose()  # new sessions pick up the setting
    try:
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
            process_captures(engine, captures, settings)
        _nothing_claims_processed(pg_url)

        # The fetch stage, as it stands, does not fail: it reports its own fault as class
        # "internal" per feed (never against the feed's health) and stores nothing half-way.
        # See the report: the fetch task should fail when every record is refused.
        outcomes = fetch_feeds(engine, _feed_ids(engine), settings)
        assert {o.error_class for o in outcomes} == {"internal"}
        assert {o.capture_id for o in outcomes} == {None}
        assert _scalar(pg_url, "SELECT count(*) FROM captures") == len(captures)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'ALTER DATABASE "{database}" RESET default_transaction_read_only')
        admin.dispose()
    engine.dispose()
    process_captures(engine, captures, settings)  # the retry, once writes are allowed again
    assert _scalar(pg_url, "SELECT count(*) FROM captures") == len(captures)
    assert _scalar(pg_url, "SELECT count(*) FROM captures WHERE processed_at IS NULL") == 0
    assert_same_archive(pg_url, reference)


def _feed_ids(engine: sa.Engine) -> list[int]:
    with engine.connect() as c:
        return c.exec_driver_sql("SELECT id FROM feeds ORDER BY id").scalars().all()


# --- The archive's disk full, and an analyst's lock (SQLite: tests/hostile/test_storage_faults.py)


def _fill_disk(path: Path) -> None:
    """Write ``path`` until the disk it is on has no byte left."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while os.write(descriptor, b"\0" * size):
                    pass
    finally:
        os.close(descriptor)


def test_a_full_disk_fails_the_load_cleanly_and_the_next_run_catches_up(newsroom, reference):
    """The archive database lives in a tablespace on a 64 MiB tmpfs of a private server (its
    WAL stays on the server's own disk); the disk fills between the fetches and the load."""
    with private_postgres() as pg:
        disk = pg.root / "disk"
        disk.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], check=True)
        admin = sa.create_engine(pg.url(), isolation_level="AUTOCOMMIT")
        filler = disk / "filler"
        try:
            shutil.chown(disk, "postgres", "postgres")
            with admin.connect() as c:
                c.exec_driver_sql(f"CREATE TABLESPACE small LOCATION '{disk}'")
                c.exec_driver_sql("CREATE DATABASE archive TABLESPACE small")
            url = pg.url("archive")
            settings = _settings(newsroom, url)
            engine, captures = _fetch_all(settings)
            try:
                _fill_disk(filler)
                with pytest.raises(sa.exc.OperationalError, match="No space left on device"):
                    process_captures(engine, captures, settings)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    filler.unlink()
            engine.dispose()
            _nothing_claims_processed(url)
            process_captures(engine, captures, settings)  # space is back: the retry
            engine.dispose()
            assert_same_archive(url, reference)
        finally:
            with contextlib.suppress(sa.exc.DBAPIError), admin.connect() as c:
                c.exec_driver_sql("DROP DATABASE IF EXISTS archive WITH (FORCE)")
                c.exec_driver_sql("DROP TABLESPACE IF EXISTS small")
            admin.dispose()
            subprocess.run(["umount", "-l", str(disk)], check=False)
