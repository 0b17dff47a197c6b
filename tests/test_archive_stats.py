"""Planner statistics kept true during bulk reprocessing (PostgreSQL; a no-op on SQLite)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.migrate import upgrade
from pipeline.archive.stats import refresh_statistics, stale_tables


@pytest.mark.postgres
def test_a_table_that_grew_is_analysed_and_then_left_alone(pg_url):
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE dedup_lsh")
        connection.exec_driver_sql(
            "INSERT INTO dedup_lsh (bucket, signature_id) "
            "SELECT g, mod(g, 97) FROM generate_series(1, 20000) AS g"
        )
    assert "dedup_lsh" in stale_tables(engine)
    assert "dedup_lsh" in refresh_statistics(engine)
    assert "dedup_lsh" not in stale_tables(engine)
    with engine.connect() as connection:
        estimate = connection.execute(
            sa.text("SELECT reltuples FROM pg_class WHERE relname = 'dedup_lsh'")
        ).scalar_one()
    engine.dispose()
    assert estimate == pytest.approx(20000, rel=0.05)


def test_nothing_to_do_on_sqlite(sqlite_url):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    assert stale_tables(engine) == [] and refresh_statistics(engine) == []
    engine.dispose()
