from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from tests.support.httpserver import LoopbackServer

# Loopback servers need no politeness between requests; tests of spacing set their own.
os.environ.setdefault("NEWS_FETCH_HOST_SPACING_S", "0")

# Administrative connection to the local PostgreSQL server; each test gets its own database.
PG_ADMIN_URL = os.environ.get(
    "NEWS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_admin_engine() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database, dropped after the test."""
    name = f"news_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from pipeline.archive.db import engine_for

        engine_for.cache_clear()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def archive_url(request):
    """Run the test once on the embedded default (SQLite) and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def web():
    server = LoopbackServer().start()
    yield server
    server.stop()
