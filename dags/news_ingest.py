"""
### news_ingest

Polls every feed of the outlet registry every 15 minutes and loads new articles into the archive
(`NEWS_ARCHIVE_URL`).

Tasks:
1. **list_feeds**: migrates the archive, syncs the registry (`NEWS_SOURCES`), lists the active feeds.
2. **fetch** (one mapped instance per feed, named `outlet:path`): conditional GET through the
   hardened fetcher; keeps the raw capture; records the attempt and the feed's health. A failing
   feed is recorded, never raised: the task fails only when the archive itself is unreachable.
3. **process**: parses the captures of this run, cleans, identifies language, deduplicates and
   upserts. Re-running it changes nothing.
4. **summary**: logs and returns the run's counts (fetched, unchanged, new, duplicates,
   quarantined, errors by class).

All logic lives in the `pipeline` package; this file only wires it.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

DEFAULT_ARGS = {
    "owner": "news-archive",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=10),
}


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable("*/15 * * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=2,
    dagrun_timeout=timedelta(minutes=45),
    default_args=DEFAULT_ARGS,
    tags=["news", "ingest"],
    doc_md=__doc__,
)
def news_ingest():
    @task
    def list_feeds() -> list[dict]:
        from pipeline.config import Settings
        from pipeline.ingest import feed_labels, prepare

        engine, feed_ids = prepare(Settings.from_env())
        labels = feed_labels(engine, feed_ids)
        return [{"feed_id": fid, "label": labels[fid]} for fid in feed_ids]

    @task(map_index_template="{{ feed_label }}")
    def fetch(feed: dict) -> dict:
        from dataclasses import asdict

        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.ingest import fetch_feed

        context = get_current_context()
        context["feed_label"] = feed["label"]
        settings = Settings.from_env()
        outcome = fetch_feed(
            engine_for(settings.archive_url), feed["feed_id"], settings, run_id=context["run_id"]
        )
        return asdict(outcome)

    @task(trigger_rule="all_done")
    def process(fetched: list[dict]) -> dict:
        from dataclasses import asdict

        from pipeline.archive.db import engine_for
        from pipeline.config import Settings
        from pipeline.ingest import process_captures

        settings = Settings.from_env()
        captures = [f["capture_id"] for f in fetched if f and f.get("capture_id")]
        outcome = process_captures(engine_for(settings.archive_url), captures, settings)
        return {
            "captures": outcome.captures,
            "counts": asdict(outcome.counts),
            "quarantined": outcome.quarantined,
            "errors": dict(outcome.errors),
        }

    @task(trigger_rule="all_done")
    def summary(fetched: list[dict], processed: dict | None) -> dict:
        import logging

        from pipeline.ingest import summary_from_xcom

        result = summary_from_xcom([f for f in fetched if f], processed)
        for line in result.lines():
            logging.getLogger("airflow.task").info(line)
        return result.as_dict()

    fetched = fetch.expand(feed=list_feeds())
    summary(fetched, process(fetched))


news_ingest()
