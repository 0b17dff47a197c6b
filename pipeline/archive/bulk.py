"""Statements for a batch of a thousand articles: COPY instead of long VALUES lists on
PostgreSQL, and one array parameter instead of long IN lists.

A multi-row INSERT of 1,000 articles of full text spends more time binding, sending and parsing
its parameters than the server spends storing the rows. COPY streams the rows, formatted by
psycopg's C extension; an upsert goes through a temporary staging table made for the batch (and
dropped at commit), so it always has the columns of the archive's current schema, and their
compression method.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import ARRAY


@contextmanager
def driver_cursor(connection: Connection):
    """psycopg's own cursor on the connection's transaction (PostgreSQL), for statements whose
    hundreds of thousands of rows or binary parameters SQLAlchemy's row objects and type
    processing would cost more than the statement itself."""
    with connection.connection.driver_connection.cursor() as cursor:
        yield cursor


@contextmanager
def _copy(connection: Connection, table: str, columns: Sequence[str]):
    """A COPY ... FROM STDIN on the connection's own transaction."""
    with driver_cursor(connection) as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            yield copy


def copy_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table`` inside the current transaction."""
    with _copy(connection, table, columns) as copy:
        for row in rows:
            copy.write_row(row)


def copy_integers(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[int]]
) -> None:
    """COPY rows of integers, formatted here in one pass: for 40,000 narrow rows (an LSH index
    batch) ``write_row`` spends most of the time in per-row Python calls."""
    with _copy(connection, table, columns) as copy:
        copy.write("".join("\t".join(map(str, row)) + "\n" for row in rows))


def staged_upsert(
    connection: Connection,
    table: str,
    rows: Sequence[dict],
    columns: Sequence[str],
    key: Sequence[str],
    update: Sequence[str],
    returning: Sequence[str],
    extra: dict[str, str] | None = None,
) -> list[tuple]:
    """Upsert ``rows`` into ``table`` through a staging table filled by COPY.

    ``extra`` maps a target column to an SQL expression over the staging table's extra text
    column of the same name (e.g. the search words, sent as one string per row). On a key
    conflict the ``update`` columns change only where they differ, as in ``upsert``.
    """
    extra = extra or {}
    stage = create_stage(connection, table, columns, extra)
    targets = [*columns, *extra]
    copy_rows(connection, stage, targets, ([row.get(c) for c in targets] for row in rows))
    sources = [*columns, *(extra[name] for name in extra)]
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM excluded.{c}" for c in update)
    sql = (
        f"INSERT INTO {table} ({', '.join(targets)}) "
        f"SELECT {', '.join(sources)} FROM {stage} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in update)
        + f" WHERE {changed}"
        + (f" RETURNING {', '.join(returning)}" if returning else "")
    )
    result = connection.exec_driver_sql(sql)
    found = [tuple(r) for r in result] if returning else []
    connection.exec_driver_sql(f"DROP TABLE {stage}")
    return found


def create_stage(
    connection: Connection, table: str, columns: Sequence[str], extra: Iterable[str] = ()
) -> str:
    """A temporary staging table for ``table`` (dropped at commit): its ``columns`` as they are
    there, then an ``extra`` text column per name; returns its name."""
    stage = f"_stage_{table}"
    extra = list(extra)
    extra_columns = "".join(f", NULL::text AS {name}" for name in extra)
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "
        f"SELECT {', '.join(columns)}{extra_columns} FROM {table} WITH NO DATA"
    )
    _compress_like(connection, stage, table, [*columns, *extra])
    return stage


_METHODS = {"l": "lz4", "p": "pglz"}


def _compress_like(connection: Connection, stage: str, table: str, columns: Sequence[str]) -> None:
    """Give the staging columns the compression method of the target's column of the same name
    (migration 0007): a value compressed in the staging table is copied as it is, never
    compressed twice, and an extra column (the search words, read into the target's search
    vector) is not left to the server's slower default (pglz)."""
    found = connection.execute(
        sa.text(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped "
            "AND attcompression IN ('l', 'p')"
        ),
        {"table": table},
    ).all()
    changes = [
        f"ALTER COLUMN {name} SET COMPRESSION {_METHODS[method]}"
        for name, method in found
        if name in columns
    ]
    if changes:
        connection.exec_driver_sql(f"ALTER TABLE {stage} {', '.join(changes)}")


def in_values(connection: Connection, column, values: list, item_type) -> list:
    """``column IN values`` as conditions of at most a few thousand values each.

    PostgreSQL gets one array parameter (``= ANY(:values)``): a 4,000-value IN list costs more
    to render and parse than to run. SQLite gets IN lists under its parameter limit.
    """
    if not values:
        return []
    if connection.dialect.name == "postgresql":
        return [column == sa.any_(sa.bindparam(None, values, type_=ARRAY(item_type)))]
    return [
        column.in_(chunk) for chunk in (values[i : i + 5000] for i in range(0, len(values), 5000))
    ]
