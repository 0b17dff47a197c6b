"""
### maintenance

Daily upkeep of the archive:
1. **harvest_gaps**: a poll in which every item was new may have missed items between polls;
   such days are recorded in `coverage_gaps`, and this task harvests them through the outlets'
   archives (WordPress date archives, paged feeds, news sitemaps). Runs in the `backfill` pool.
2. **refresh_coverage**: rebuilds the per-feed, per-day coverage (`coverage_daily`,
   `v_coverage`) of the last week.
3. **prune_captures**: deletes raw captures older than `NEWS_CAPTURE_RETENTION_DAYS` (default 90)
   and the document bodies nothing refers to any more.
4. **bound_dedup_index**: drops near-duplicate index rows of articles older than
   `NEWS_DEDUP_WINDOW_DAYS` (default 30), so a lookup costs the same whatever the archive's size;
   exact copies are still found across the whole archive.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task

from pipeline.flows.alerts import on_failure

DEFAULT_ARGS = {
    "owner": "news-archive",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=2),
    "on_failure_callback": on_failure,
}


@dag(
    dag_id="maintenance",
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["news", "maintenance"],
    doc_md=__doc__,
)
def maintenance():
    @task(pool="backfill", priority_weight=1)
    def harvest_gaps() -> dict:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.ingest import prepare
        from pipeline.flows.maintenance import harvest_gaps as harvest

        settings = Settings.from_env()
        prepare(settings)
        result = harvest(
            engine_for(settings.archive_url), settings, get_current_context()["run_id"]
        )
        return result.as_dict()

    @task
    def refresh_coverage() -> int:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.maintenance import refresh_recent_coverage

        return refresh_recent_coverage(engine_for(Settings.from_env().archive_url))

    @task
    def prune_captures() -> int:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.maintenance import prune_captures as prune

        settings = Settings.from_env()
        retention = timedelta(days=settings.capture_retention_days)
        return prune(engine_for(settings.archive_url), older_than=retention)

    @task
    def bound_dedup_index() -> int:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.maintenance import bound_dedup_index as bound

        settings = Settings.from_env()
        window = timedelta(days=settings.dedup_window_days)
        return bound(engine_for(settings.archive_url), window=window)

    harvest_gaps() >> refresh_coverage() >> prune_captures() >> bound_dedup_index()


maintenance()
