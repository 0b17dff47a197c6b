"""Every migration goes up and down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.migrate import downgrade, upgrade

VIEWS = {"v_articles", "v_stories", "v_feed_health", "v_daily_counts", "v_coverage"}


def _views(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_view_names())


def test_upgrade_downgrade_upgrade(archive_url):
    engine = make_engine(archive_url)
    upgrade(engine)
    assert VIEWS <= _views(engine)
    assert {"articles", "harvests", "coverage_daily", "dedup_lsh"} <= set(
        sa.inspect(engine).get_table_names()
    )

    downgrade(engine, "base")
    remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    assert _views(engine) == set()

    upgrade(engine)
    assert VIEWS <= _views(engine)
    with engine.connect() as connection:
        heads = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    assert len(heads) == 1
    engine.dispose()
