"""DAG structure, and one real run of ``news_ingest`` with ``dag.test()``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.support.airflow_env import REPO, airflow_env, migrate_metadata, registry_toml
from tests.support.feeds import ATOM_SR, RSS_SQ


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    import os

    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow-home")))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert {"news_ingest", "maintenance"} <= set(dagbag.dags)


def test_news_ingest_schedule_and_policies(dagbag):
    from airflow.timetables.interval import CronDataIntervalTimetable

    dag = dagbag.dags["news_ingest"]
    # An interval timetable, so each run owns the 15 minutes before it (a cron string would not).
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.summary == "*/15 * * * *"
    assert dag.catchup is False
    assert dag.max_active_runs >= 1
    assert {"news", "ingest"} <= set(dag.tags)
    assert dag.doc_md and "news_ingest" in dag.doc_md
    for task in dag.tasks:
        assert task.retries >= 1, task.task_id
        assert task.retry_exponential_backoff, task.task_id
        assert task.execution_timeout is not None, task.task_id
        assert task.owner == "news-archive"
    assert dag.get_task("fetch").map_index_template == "{{ feed_label }}"
    assert dag.get_task("summary").trigger_rule == "all_done"
    assert dag.get_task("fetch").pool == "outbound_fetch"
    assert dag.get_task("harvest").pool == "backfill"
    # Live work outranks backfill harvesting when slots are scarce.
    assert dag.get_task("fetch").priority_weight > dag.get_task("harvest").priority_weight


@pytest.mark.airflow
@pytest.mark.slow
def test_news_ingest_run_loads_articles(tmp_path, web):
    rss = web.add("/rss.xml", RSS_SQ.format(base=web.base_url))
    atom = web.add("/atom.xml", ATOM_SR.format(base=web.base_url))
    missing = web.url("/gone.xml")
    registry = tmp_path / "registry.toml"
    registry.write_text(
        registry_toml(
            [
                {
                    "slug": "lugina",
                    "language": "sq",
                    "homepage": web.url("/"),
                    "feeds": [rss, missing],
                },
                {
                    "slug": "dolina",
                    "language": "sr-Cyrl",
                    "homepage": web.url("/"),
                    "feeds": [atom],
                },
            ]
        )
    )
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    env = airflow_env(
        tmp_path / "airflow",
        NEWS_SOURCES=str(registry),
        NEWS_ARCHIVE_URL=archive,
        NEWS_FETCH_ALLOW_HOSTS=web.endpoint,
    )
    migrate_metadata(env)
    done = subprocess.run(
        [sys.executable, str(REPO / "tests/support/dag_test_run.py"), str(REPO / "dags")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(line.removeprefix("RESULT "))

    assert result["state"] == "success"
    fetches = {i["name"]: i["state"] for i in result["instances"] if i["task_id"] == "fetch"}
    # One mapped instance per feed, named outlet:path; a 404 feed is recorded, not a task failure.
    assert fetches == {
        "lugina:rss.xml": "success",
        "lugina:gone.xml": "success",
        "dolina:atom.xml": "success",
    }
    engine = sa.create_engine(archive)
    with engine.connect() as connection:
        outlets = connection.exec_driver_sql(
            "SELECT outlet, count(*) FROM v_articles GROUP BY outlet ORDER BY outlet"
        ).all()
        errors = connection.exec_driver_sql(
            "SELECT error_class FROM fetches WHERE error_class IS NOT NULL"
        ).all()
    engine.dispose()
    assert [tuple(r) for r in outlets] == [("dolina", 2), ("lugina", 3)]
    assert [r[0] for r in errors] == ["http_404"]


def test_maintenance_dag_harvests_gaps_daily_in_the_backfill_pool(dagbag):
    dag = dagbag.dags["maintenance"]
    assert dag.catchup is False and dag.max_active_runs == 1
    assert [t.task_id for t in dag.topological_sort()] == [
        "harvest_gaps",
        "refresh_coverage",
        "prune_captures",
        "bound_dedup_index",
    ]
    assert dag.get_task("harvest_gaps").pool == "backfill"
    assert all(t.retries >= 1 and t.execution_timeout for t in dag.tasks)
