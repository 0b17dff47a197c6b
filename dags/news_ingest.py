"""
### news_ingest

Polls every feed of the outlet registry every 15 minutes (`NEWS_POLL_CRON`) and loads new
articles into the archive (`NEWS_ARCHIVE_URL`). Each run owns its data interval
[start, end).

**Live runs** (the scheduled run of a recent interval):
1. **plan**: resolves the run's window, migrates the archive, syncs the registry (`NEWS_SOURCES`);
   **list_feeds** lists the active feeds that are due (none in a history run).
2. **fetch** (one mapped instance per feed, named `outlet:path`, pool `outbound_fetch`; with
   `NEWS_FETCH_BATCH` > 1, one instance per batch of feeds fetched concurrently):
   conditional GET through the hardened fetcher; keeps the raw capture; records the attempt and
   the feed's health. A failing feed is recorded, never raised: the task fails only when the
   archive itself cannot be written.
3. **process**: parses this run's captures (and any the window's earlier attempts left),
   cleans, identifies language, deduplicates and upserts. Re-running it changes nothing.

**History runs** (backfills, or a manual run of a past interval): nothing is polled.
4. **harvest** (pool `backfill`, low priority): reprocesses every capture fetched in the window
   with today's code, and for days nobody polled, harvests the outlets' archives (WordPress date
   archives, paged feeds, news sitemaps and their article pages), recording each day in a ledger.

5. **summary**: logs and returns the counts (fetched, unchanged, new, duplicates, quarantined,
   errors by class).

Backfill: `airflow backfill create --dag-id news_ingest --from-date 2026-03-01 --to-date
2026-03-31 --max-active-runs 2 --reprocess-behavior completed`, or Trigger → Backfill in the UI.
All logic lives in the `pipeline` package; this file only wires it.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from pipeline.config import Settings
from pipeline.flows.alerts import on_failure

POLL_CRON = Settings.from_env().poll_cron

DEFAULT_ARGS = {
    "owner": "news-archive",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=10),
    # Logs the failure and, with NEWS_ALERT_WEBHOOK set, posts it there (pipeline/flows/alerts.py).
    "on_failure_callback": on_failure,
}


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable(POLL_CRON, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=2,
    dagrun_timeout=timedelta(minutes=45),
    default_args=DEFAULT_ARGS,
    tags=["news", "ingest"],
    doc_md=__doc__,
)
def news_ingest():
    @task(priority_weight=10)
    def plan() -> dict:
        from datetime import UTC, datetime

        from pipeline.config import Settings
        from pipeline.flows.ingest import plan
        from pipeline.flows.window import resolve_window

        context = get_current_context()
        run = context["dag_run"]
        window = resolve_window(
            data_interval_start=context.get("data_interval_start"),
            data_interval_end=context.get("data_interval_end"),
            run_type=str(getattr(run.run_type, "value", run.run_type)),
            run_after=getattr(run, "run_after", None),
            now=datetime.now(UTC),
        )
        plan(Settings.from_env(), window)
        return window.as_dict()

    @task(priority_weight=10)
    def list_feeds(window: dict) -> list[dict]:
        from pipeline.config import Settings
        from pipeline.flows.ingest import list_batches
        from pipeline.flows.window import Window

        return list_batches(Settings.from_env(), Window.from_dict(window))

    @task(map_index_template="{{ feed_label }}", pool="outbound_fetch", priority_weight=10)
    def fetch(batch: dict) -> list[dict]:
        from dataclasses import asdict

        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.ingest import fetch_batch

        context = get_current_context()
        context["feed_label"] = batch["label"]
        settings = Settings.from_env()
        engine = engine_for(settings.archive_url)
        outcomes = fetch_batch(engine, batch["feed_ids"], settings, run_id=context["run_id"])
        return [asdict(o) for o in outcomes]

    @task(trigger_rule="all_done", priority_weight=10)
    def process(fetched: list[list[dict]], window: dict) -> dict:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.ingest import process_window
        from pipeline.flows.window import Window

        settings = Settings.from_env()
        outcomes = [f for batch in fetched if batch for f in batch]
        captures = [f["capture_id"] for f in outcomes if f.get("capture_id")]
        engine = engine_for(settings.archive_url)
        return process_window(engine, captures, Window.from_dict(window), settings).as_dict()

    @task(trigger_rule="all_done", pool="backfill", priority_weight=1)
    def harvest(window: dict) -> dict:
        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.flows.ingest import harvest_window
        from pipeline.flows.window import Window

        settings = Settings.from_env()
        engine = engine_for(settings.archive_url)
        run_id = get_current_context()["run_id"]
        outcome = harvest_window(engine, Window.from_dict(window), settings, run_id=run_id)
        return outcome.as_dict()

    @task(trigger_rule="all_done")
    def summary(fetched: list[list[dict]], processed: dict | None, harvested: dict | None) -> dict:
        import logging

        from pipeline.flows.ingest import summary_from_xcom

        outcomes = [f for batch in fetched if batch for f in batch]
        result = summary_from_xcom(outcomes, processed, harvested)
        for line in result.lines():
            logging.getLogger("airflow.task").info(line)
        return result.as_dict()

    window = plan()
    fetched = fetch.expand(batch=list_feeds(window))
    processed = process(fetched, window)
    harvested = harvest(window)
    processed >> harvested
    summary(fetched, processed, harvested)


news_ingest()
