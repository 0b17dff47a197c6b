"""One real Celery deployment for the tests of this package, polling the offline newsroom.

The cluster is started once (about a minute on a 2-core machine) and shared by the tests here,
which run in file order: the fault-free topology test, then the faults. Each test empties the
archive before its run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from newsroom import NewsroomServer
from pipeline.archive.db import engine_for
from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from pipeline.sources.registry import Registry
from tests.celery.archive_state import ArchiveState, archive_state, fresh_database, registry_toml
from tests.support.airflow_cluster import AirflowCluster, ClusterOptions

REDIS_URL = os.environ.get("NEWS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Six of the newsroom's feeds, so that a run is about ten tasks rather than twenty: two outlets
# whose section feed repeats items of the main feed (dedup across captures), Albanian, English
# and Serbian Cyrillic.
OUTLETS = ("tirana-ditore", "kronika", "beogradski-vesnik")


@pytest.fixture(scope="package")
def newsroom():
    with NewsroomServer() as server:
        yield server


@pytest.fixture(scope="package")
def registry_file(newsroom, tmp_path_factory) -> Path:
    full = newsroom.registry()
    subset = Registry(outlets=tuple(o for o in full.outlets if o.slug in OUTLETS))
    assert len(subset.outlets) == len(OUTLETS), [o.slug for o in full.outlets]
    path = tmp_path_factory.mktemp("registry") / "newsroom-subset.toml"
    path.write_text(registry_toml(subset), encoding="utf-8")
    return path


@pytest.fixture(scope="package")
def settings(registry_file) -> Settings:
    """Settings the cluster's tasks get through the environment (see ``cluster``)."""
    return Settings.from_env(
        sources=str(registry_file),
        allow_private_networks=True,
        per_host_spacing_s=0.0,
    )


@pytest.fixture(scope="package")
def reference(settings) -> ArchiveState:
    """The archive after one fault-free ingest of the same feeds, run in this process."""
    with fresh_database("news_ref") as url:
        ingest_once(dataclasses.replace(settings, archive_url=url))
        engine_for(url).dispose()
        state = archive_state(url)
    assert state.rows["articles"], "the fault-free run loaded nothing"
    return state


@pytest.fixture(scope="package")
def archive_url():
    with fresh_database("news_archive") as url:
        yield url


@pytest.fixture(scope="package")
def cluster(request, registry_file, archive_url):
    # Not under pytest's basetemp: parallel pytest sessions on this machine prune old basetemps,
    # and the cluster's home must outlive them. Removed when every test passed, kept otherwise.
    home = Path(tempfile.mkdtemp(prefix="news-celery-"))
    failed_before = request.session.testsfailed
    with fresh_database("news_airflow") as metadata_url:
        cluster = AirflowCluster(
            home,
            metadata_url,
            REDIS_URL,
            ClusterOptions(
                celery_pool=os.environ.get("NEWS_TEST_CELERY_POOL", "prefork"),
                extra_env={
                    "NEWS_ARCHIVE_URL": archive_url,
                    "NEWS_SOURCES": str(registry_file),
                    "NEWS_FETCH_ALLOW_PRIVATE_NETWORKS": "1",
                    "NEWS_FETCH_HOST_SPACING_S": "0",
                    # One capture per load transaction: a worker killed mid-load leaves some
                    # captures committed and one open (test_worker_faults), as in a long run.
                    "NEWS_PROCESS_BATCH": "1",
                },
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
