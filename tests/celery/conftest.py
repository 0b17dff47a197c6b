"""One real Celery deployment per test module, polling the offline newsroom."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.archive.db import engine_for
from pipeline.config import Settings
from pipeline.ingest import ingest_once
from pipeline.newsroom import NewsroomServer
from tests.celery.archive_state import ArchiveState, archive_state, fresh_database
from tests.support.airflow_cluster import AirflowCluster, ClusterOptions

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def newsroom():
    with NewsroomServer() as server:
        yield server


@pytest.fixture(scope="module")
def reference(newsroom) -> ArchiveState:
    """The archive after one fault-free ingest of the newsroom, run in this process."""
    with fresh_database("news_ref") as url:
        settings = Settings.from_env(
            archive_url=url,
            sources=f"newsroom:{newsroom.base_url}",
            allow_private_networks=True,
            per_host_spacing_s=0.0,
        )
        ingest_once(settings)
        engine_for(url).dispose()
        state = archive_state(url)
    assert state.rows["articles"], "the fault-free run loaded nothing"
    return state


@pytest.fixture(scope="module")
def archive_url():
    with fresh_database("news_archive") as url:
        yield url


@pytest.fixture(scope="module")
def cluster(request, newsroom, archive_url):
    # Not under pytest's basetemp: parallel pytest sessions on this machine prune old basetemps,
    # and the cluster's home must outlive them. Removed after a passing module, kept otherwise.
    home = Path(tempfile.mkdtemp(prefix="news-celery-"))
    failed_before = request.session.testsfailed
    with fresh_database("news_airflow") as metadata_url:
        cluster = AirflowCluster(
            home,
            metadata_url,
            REDIS_URL,
            ClusterOptions(
                celery_pool=os.environ.get("NEWS_TEST_CELERY_POOL", "prefork"),
                module_launcher=os.environ.get("NEWS_TEST_AIRFLOW_MODULE") == "1",
                extra_env={
                    "NEWS_ARCHIVE_URL": archive_url,
                    "NEWS_SOURCES": f"newsroom:{newsroom.base_url}",
                    "NEWS_FETCH_ALLOW_PRIVATE_NETWORKS": "1",
                    "NEWS_FETCH_HOST_SPACING_S": "0",
                }
            ),
        )
        try:
            yield cluster.start()
        finally:
            cluster.stop()
            cluster.dispose()
    if request.session.testsfailed == failed_before:
        shutil.rmtree(home, ignore_errors=True)
    else:
        print(f"\nAirflow home kept for inspection: {home}")
