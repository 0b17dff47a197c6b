"""Engines for the archive database."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the UI and analysts read while a task writes; the busy timeout makes two writers
    # (a task running twice at once) wait for each other instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite gets its directory created and its pragmas set."""
    if url.startswith("sqlite"):
        _prepare_sqlite_path(url)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        # JIT compilation pays off for long analytic scans, not for the loader's statements: a
        # dedup lookup of 40,000 LSH buckets is planned at a cost that triggers it, and spent
        # 180 ms compiling to run a 50 ms query. Analysts' sessions keep the server's setting.
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL and process (tasks and the CLI share it)."""
    return make_engine(url)


class ArchiveMissing(FileNotFoundError):
    """A read-only command was pointed at an SQLite file that does not exist."""


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    # Refuses every write. Not mode=ro: a read-only connection cannot remove the -wal and -shm
    # files it makes beside a WAL archive, so a query would leave two new files behind.
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def make_read_only_engine(url: str) -> Engine:
    """An engine that can only read ``url``, for query commands (search, export): it creates no
    file or folder (SQLite ``mode=rw`` opens only a file that exists), and the database refuses
    writes (SQLite ``query_only``, PostgreSQL ``default_transaction_read_only``). Raises
    ArchiveMissing for an SQLite file that is absent."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            return make_engine(url)
        path = Path(database).resolve()
        if not path.is_file():
            raise ArchiveMissing(str(path))
        read_only = parsed.set(
            database=f"file:{quote(str(path))}", query={"mode": "rw", "uri": "true"}
        )
        engine = create_engine(read_only)
        event.listen(engine, "connect", _sqlite_read_only_pragmas)
        return engine
    options = "-c default_transaction_read_only=on"
    if parsed.get_backend_name() == "postgresql":
        options += " -c jit=off"
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    return create_engine(url, pool_pre_ping=True)
