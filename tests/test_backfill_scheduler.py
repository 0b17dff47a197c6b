"""A backfill created through Airflow's CLI and run by a real scheduler recovers past days.

The newsroom's live feeds list only their 3 latest items, so the days backfilled here are
reachable only through the outlets' archives (WordPress date archives, news sitemaps).
The poll interval is set to a day (NEWS_POLL_CRON) so that a backfill of two days is two runs.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pipeline.dedup.urls import canonicalize_url
from pipeline.newsroom.catalog import CatalogOptions, build_catalog, expected_articles
from pipeline.newsroom.server import NewsroomServer
from tests.support.airflow_local import LocalAirflow

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.postgres]

ANCHOR = datetime(2026, 3, 20, tzinfo=UTC)
FROM, TO = "2026-03-10", "2026-03-11"
HISTORY_OUTLETS = {
    "zeri-atlantik", "tirana-ditore", "beogradski-vesnik", "novosadski-dnevnik",
    "jadranski-list", "balkan-wire",
}  # fmt: skip
TABLES = ("articles", "outlets", "feeds", "harvests", "capture_bodies")


def _checksum(engine: sa.Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in TABLES:
            key = "sha256" if table == "capture_bodies" else "id"
            columns = "sha256, size" if table == "capture_bodies" else "*"
            rows = connection.exec_driver_sql(f"SELECT {columns} FROM {table} ORDER BY {key}").all()
            if table == "harvests":
                rows = [r[:-1] for r in rows]  # harvested_at is the time of the last look
            if table == "feeds":
                rows = [r[:5] for r in rows]  # identity, not the health of the live poll
            digest.update(repr(rows).encode())
    return digest.hexdigest()


def _backfills(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r["run_id"].startswith("backfill__")]


def _backfill_done(runs: list[dict], count: int) -> bool:
    backfill = _backfills(runs)
    return len(backfill) >= count and all(r["state"] in ("success", "failed") for r in backfill)


@pytest.fixture
def newsroom():
    catalog = build_catalog(CatalogOptions(anchor=ANCHOR, live_items=3))
    server = NewsroomServer(catalog=catalog, clock=lambda: ANCHOR).start()
    yield server, catalog
    server.stop()


def test_backfill_through_the_scheduler_recovers_days_once(tmp_path, newsroom, pg_url):
    server, catalog = newsroom
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    # Airflow's metadata on PostgreSQL: SQLite locks under a scheduler and the CLI writing at once.
    airflow = LocalAirflow(
        tmp_path / "airflow",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=pg_url,
        NEWS_POLL_CRON="0 0 * * *",
        NEWS_SOURCES=f"newsroom:{server.base_url}",
        NEWS_ARCHIVE_URL=archive,
        NEWS_FETCH_ALLOW_HOSTS=server.base_url.removeprefix("http://"),
    ).start()
    try:
        airflow.wait_for_dag("news_ingest")
        assert airflow.cli("dags", "unpause", "news_ingest").returncode == 0
        created = airflow.cli(
            "backfill", "create", "--dag-id", "news_ingest", "--from-date", FROM, "--to-date", TO,
            "--max-active-runs", "2",
        )  # fmt: skip
        assert created.returncode == 0, created.stdout + created.stderr
        runs = airflow.wait_for_runs("news_ingest", lambda r: _backfill_done(r, 2))
        backfill = _backfills(runs)
        assert {r["state"] for r in backfill} == {"success"}, airflow.logs()

        # A daily interval timetable: each run owns [logical date, logical date + 1 day).
        starts = [datetime.fromisoformat(r["logical_date"]) for r in backfill]
        windows = [(s, s + timedelta(days=1)) for s in starts]
        assert sorted(s.date().isoformat() for s in starts) == [FROM, TO]
        in_days = [
            e for e in expected_articles(catalog, server.base_url)
            if any(s <= e.published_at < t for s, t in windows)
        ]  # fmt: skip
        harvestable = {canonicalize_url(e.url) for e in in_days if e.outlet in HISTORY_OUTLETS}
        assert len(harvestable) >= 3
        engine = sa.create_engine(archive)
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT url, published_at FROM v_articles").all()
        in_windows = [
            url
            for url, published in rows
            if any(
                s <= datetime.fromisoformat(str(published)).replace(tzinfo=UTC) < t
                for s, t in windows
            )
        ]
        # Every article the outlets' archives hold for those days, each once. Outlets without
        # archives may add what their live feeds still list; nothing else is there.
        assert len(in_windows) == len(set(in_windows))
        assert harvestable <= set(in_windows)
        assert set(in_windows) <= {canonicalize_url(e.url) for e in in_days}
        before = _checksum(engine)

        _wait_backfills_completed(pg_url)
        since = datetime.now(UTC)
        again = airflow.cli(
            "backfill", "create", "--dag-id", "news_ingest", "--from-date", FROM, "--to-date", TO,
            "--reprocess-behavior", "completed", "--max-active-runs", "2",
        )  # fmt: skip
        assert again.returncode == 0, again.stdout + again.stderr
        airflow.wait_for_runs("news_ingest", lambda r: _rerun_after(r, since))
        assert _checksum(engine) == before
        engine.dispose()
    finally:
        airflow.stop()


def _rerun_after(runs: list[dict], since: datetime) -> bool:
    backfill = _backfills(runs)
    return bool(backfill) and all(
        r["state"] in ("success", "failed")
        and r.get("end_date")
        and datetime.fromisoformat(r["end_date"]) > since
        for r in backfill
    )


def _wait_backfills_completed(metadata_url: str, timeout: float = 120) -> None:
    """The scheduler marks a backfill complete shortly after its last run; only one may run."""
    import time

    engine = sa.create_engine(metadata_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                open_ = connection.exec_driver_sql(
                    "SELECT count(*) FROM backfill WHERE completed_at IS NULL"
                ).scalar()
            if open_ == 0:
                return
            time.sleep(2)
        raise TimeoutError("the first backfill was never marked complete")
    finally:
        engine.dispose()
