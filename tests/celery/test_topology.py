"""news_ingest on the Celery executor: scheduler, dag-processor, api-server, two workers."""

from __future__ import annotations

import pytest

from pipeline.sources.registry import load_registry
from tests.celery.archive_state import assert_same_archive, reset_archive

pytestmark = [pytest.mark.celery, pytest.mark.airflow, pytest.mark.slow, pytest.mark.postgres]


def test_run_spreads_over_both_workers_and_loads_the_archive(
    cluster, archive_url, registry_file, reference
):
    reset_archive(archive_url)
    run_id = cluster.trigger()
    state = cluster.wait_run(run_id, timeout=240)
    instances = cluster.task_instances(run_id)
    assert state == "success", cluster.task_states(run_id)
    assert {t["state"] for t in instances} == {"success"}, cluster.task_states(run_id)

    fetches = [t for t in instances if t["task_id"] == "fetch"]
    assert len(fetches) == len(load_registry(str(registry_file)).feeds())
    # Every task ran on one of the two Celery workers, and both workers took a share.
    assert {t["hostname"] for t in instances} == set(cluster.worker_names), cluster.task_states(
        run_id
    )
    # Outbound fetches are held to the shared pool, across all workers.
    assert {t["pool"] for t in fetches} == {"outbound_fetch"}

    assert_same_archive(archive_url, reference)
