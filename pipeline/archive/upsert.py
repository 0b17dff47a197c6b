"""Multi-row upserts that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Table, or_
from sqlalchemy.dialects import postgresql, sqlite


def dedupe_batch(rows: Iterable[dict], key: Sequence[str]) -> list[dict]:
    """Keep one row per key (the last), so a batch never conflicts with itself."""
    by_key: dict[tuple, dict] = {}
    for row in rows:
        by_key[tuple(row[k] for k in key)] = row
    return list(by_key.values())


def _insert_for(connection: Connection, table: Table):
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {connection.dialect.name}")


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict],
    key: Sequence[str],
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert ``rows``; on a key conflict update ``update`` columns only where they differ.

    Rows whose values are unchanged are left alone, so re-running a load writes nothing.
    With ``returning``, the named columns of the inserted or changed rows come back.
    """
    rows = dedupe_batch(rows, key)
    if not rows:
        return []
    # One statement, compiled once and cached, run with executemany: SQLAlchemy sends it as
    # batched multi-row INSERTs ("insertmanyvalues") without compiling a statement per batch.
    stmt = _insert_for(connection, table)
    if update:
        changed = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in update))
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in key],
            set_={c: stmt.excluded[c] for c in update},
            where=changed,
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=[table.c[k] for k in key])
    if not returning:
        connection.execute(stmt, list(rows))
        return []
    stmt = stmt.returning(*(table.c[c] for c in returning))
    return [tuple(r) for r in connection.execute(stmt, list(rows))]


__all__ = ["dedupe_batch", "upsert"]
