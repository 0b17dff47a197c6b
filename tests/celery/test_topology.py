"""news_ingest on the Celery executor: scheduler, dag-processor, api-server, two workers."""

from __future__ import annotations

import pytest

from tests.celery.archive_state import assert_same_archive

pytestmark = [pytest.mark.celery, pytest.mark.airflow, pytest.mark.slow, pytest.mark.postgres]


def test_run_spreads_over_both_workers_and_loads_the_archive(
    cluster, archive_url, newsroom, reference
):
    run_id = cluster.trigger()
    state = cluster.wait_run(run_id, timeout=240)
    instances = cluster.task_instances(run_id)
    assert state == "success", cluster.task_states(run_id)

    fetches = [t for t in instances if t["task_id"] == "fetch"]
    assert len(fetches) == len(list(newsroom.registry().feeds()))
    assert {t["state"] for t in instances} == {"success"}
    # Every task ran on one of the two Celery workers, and both workers took a share.
    hosts = {t["hostname"] for t in instances}
    assert hosts == set(cluster.worker_names), cluster.task_states(run_id)

    assert_same_archive(archive_url, reference)
