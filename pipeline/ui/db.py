"""A read-only engine on the archive for the UI."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event

from pipeline.archive.db import make_engine


def _sqlite_query_only(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


@lru_cache(maxsize=4)
def read_only_engine(url: str) -> Engine:
    """An engine whose sessions cannot write, whatever a query tries."""
    if url.startswith("sqlite"):
        engine = make_engine(url)
        event.listen(engine, "connect", _sqlite_query_only)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=2,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )
