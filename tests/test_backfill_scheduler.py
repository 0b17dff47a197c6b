"""A backfill created through Airflow's CLI and run by a real scheduler recovers past days.

The newsroom's live feeds list only their 3 latest items, so the days backfilled here are
reachable only through the outlets' archives (WordPress date archives, news sitemaps).
The poll interval is set to a day (NEWS_POLL_CRON) so that a backfill of two days is two runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from newsroom.catalog import CatalogOptions, build_catalog, expected_articles
from newsroom.server import NewsroomServer
from pipeline.dedup.urls import canonicalize_url
from tests.support.airflow_local import LocalAirflow

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.postgres]

ANCHOR = datetime(2026, 3, 20, tzinfo=UTC)
FROM, TO = "2026-03-10", "2026-03-11"
HISTORY_OUTLETS = {
    "zeri-atlantik", "tirana-ditore", "beogradski-vesnik", "novosadski-dnevnik",
    "jadranski-list", "balkan-wire",
}  # fmt: skip
TABLES = ("articles", "outlets", "feeds", "harvests", "capture_bodies")


def _snapshot(engine: sa.Engine) -> dict[str, dict]:
    """The archive's content, table by table and row by key, without the times of the last look."""
    tables = {}
    with engine.connect() as connection:
        for table in TABLES:
            key = "sha256" if table == "capture_bodies" else "id"
            columns = "sha256, size" if table == "capture_bodies" else "*"
            result = connection.exec_driver_sql(f"SELECT {columns} FROM {table} ORDER BY {key}")
            names, rows = list(result.keys()), result.all()
            if table == "harvests":
                names = names[:-1]  # harvested_at is the time of the last look
            if table == "feeds":
                names = names[:5]  # identity, not the health of the live poll
            tables[table] = {r[0]: dict(zip(names, r, strict=False)) for r in rows}
    return tables


def _differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """What changed, as `table key: column before -> after` (values cut to 60 characters)."""
    found = []
    for table in TABLES:
        old, new = before[table], after[table]
        found += [f"{table} {k}: gone" for k in old.keys() - new.keys()]
        found += [f"{table} {k}: added" for k in new.keys() - old.keys()]
        for key in sorted(old.keys() & new.keys()):
            found += [
                f"{table} {key}: {column} {str(value)[:60]!r} -> {str(new[key][column])[:60]!r}"
                for column, value in old[key].items()
                if new[key][column] != value
            ]
    return found


def _backfills(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r["run_id"].startswith("backfill__")]


def _backfill_done(runs: list[dict], count: int) -> bool:
    """The backfill's runs and the scheduled run that unpausing creates have all ended.

    The scheduled run polls the live feeds too; under load it starts after the backfill, and
    the archive would still be growing when the test reads it.
    """
    backfill = _backfills(runs)
    scheduled = [r for r in runs if r["run_id"].startswith("scheduled__")]
    ended = all(r["state"] in ("success", "failed") for r in runs)
    return len(backfill) >= count and len(scheduled) >= 1 and ended


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
        NEWS_SOURCES=str(server.write_registry(tmp_path / "newsroom.toml")),
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
        before = _snapshot(engine)

        _wait_backfills_completed(pg_url)
        since = datetime.now(UTC)
        again = airflow.cli(
            "backfill", "create", "--dag-id", "news_ingest", "--from-date", FROM, "--to-date", TO,
            "--reprocess-behavior", "completed", "--max-active-runs", "2",
        )  # fmt: skip
        assert again.returncode == 0, again.stdout + again.stderr
        airflow.wait_for_runs("news_ingest", lambda r: _rerun_after(r, since))
        changed = _differences(before, _snapshot(engine))
        assert not changed, "\n".join(changed)
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
