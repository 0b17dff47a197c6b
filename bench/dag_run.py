"""Wall time of one ``news_ingest`` run over 50 newsroom feeds.

The offline newsroom runs in its own process with enough ``--extra-feeds`` to list 50 feeds; the
registry (the newsroom's registry file for that catalog, ``newsroom.registry_toml``) points at
it, and the archive is a scratch PostgreSQL database. Each run is ``dag.test()`` in a fresh interpreter with a fresh AIRFLOW_HOME (metadata
migrated and pools created as ``make run`` does, not timed) and a fresh archive, so every run is a
first poll: every feed fetched, every article new. ``dag.test()`` runs the tasks one after another
in its own process (the executor setting is LocalExecutor, but dag.test does not hand tasks to it).
The naive baseline (``bench.naive.poll_naively``) then polls and loads the same feeds in the same
run, into a scratch database of its own.

    .venv/bin/python -m bench.dag_run [--feeds 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, median, print_table, scratch_database, spread
from bench.dag_parse import airflow_env
from bench.unchanged_poll import free_port, wait_for

_CHILD = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags["news_ingest"]
t0 = time.perf_counter()
run = dag.test()
wall = time.perf_counter() - t0
states = {}
for ti in run.get_task_instances():
    key = f"{ti.task_id}:{ti.state}"
    states[key] = states.get(key, 0) + 1
print("RESULT " + json.dumps({"wall_s": wall, "state": str(run.state), "tasks": states}))
"""


def registry_toml(base_url: str, extra_feeds: int) -> str:
    """The newsroom's registry (with its extra feeds) as a registry file."""
    from newsroom import CatalogOptions, build_catalog
    from newsroom.registry_file import registry_toml as newsroom_registry_toml

    catalog = build_catalog(CatalogOptions(extra_feeds=extra_feeds))
    return newsroom_registry_toml(base_url, catalog)


def base_feed_count() -> int:
    from newsroom.outlets import OUTLETS

    return sum(len(o.feeds) for o in OUTLETS)


def migrate_metadata(env: dict[str, str]) -> None:
    airflow = str(Path(sys.executable).parent / "airflow")
    for args in (
        ["db", "migrate"],
        ["pools", "set", "outbound_fetch", "8", "Outbound HTTP fetches"],
        ["pools", "set", "backfill", "2", "Backfill harvesting"],
    ):
        subprocess.run([airflow, *args], env=env, check=True, capture_output=True, timeout=600)


def run_once(base_url: str, registry: Path, workdir: Path) -> dict:
    with scratch_database("bench_dagrun") as archive:
        env = airflow_env(
            workdir / "airflow",
            NEWS_SOURCES=str(registry),
            NEWS_ARCHIVE_URL=archive,
            NEWS_FETCH_ALLOW_PRIVATE_NETWORKS="1",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        )
        migrate_metadata(env)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(REPO / "dags")],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            cwd=REPO,
        )
        process_s = time.perf_counter() - started
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"dag.test failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        result = json.loads(line.removeprefix("RESULT "))
        result["process_s"] = process_s
        import sqlalchemy as sa

        engine = sa.create_engine(archive)
        with engine.connect() as connection:
            result["articles"] = connection.exec_driver_sql(
                "SELECT count(*) FROM articles"
            ).scalar()
            result["fetches"] = connection.exec_driver_sql("SELECT count(*) FROM fetches").scalar()
        engine.dispose()
        return result


def naive_once(base_url: str, extra: int) -> dict:
    """The naive baseline over the same feeds (``bench.naive.poll_naively``: feedparser fetching
    each feed in turn, bs4, langdetect, one ORM insert per article) into a scratch database."""
    from bench import naive
    from newsroom import CatalogOptions, build_catalog, newsroom_registry

    registry = newsroom_registry(base_url, build_catalog(CatalogOptions(extra_feeds=extra)))
    urls = [f.url for o in registry.outlets for f in o.feeds]
    naive.warm_up()
    with scratch_database("bench_dagrun_naive") as archive:
        naive.create_table(archive)
        started = time.perf_counter()
        counts = naive.poll_naively(archive, urls)
        wall = time.perf_counter() - started
    return {"wall_s": wall, "feeds": len(urls), "articles": counts.new}


def run(feeds: int, runs: int) -> tuple[list[dict], dict]:
    """Each run of the DAG, then the naive baseline over the same newsroom feeds."""
    extra = max(0, feeds - base_feed_count())
    port = free_port()
    newsroom = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsroom",
            "--port",
            str(port),
            "--extra-feeds",
            str(extra),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    results = []
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for(base_url + "/robots.txt")
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="bench-dagrun-") as tmp:
                registry = Path(tmp) / "registry.toml"
                registry.write_text(registry_toml(base_url, extra), encoding="utf-8")
                results.append(run_once(base_url, registry, Path(tmp)))
        naive = naive_once(base_url, extra)
    finally:
        newsroom.terminate()
        newsroom.wait(timeout=10)
    return results, naive


def naive_ratio(results: list[dict], naive: dict) -> float:
    """The naive baseline's wall time over the DAG run's (median): below 1 while politeness,
    which the naive path ignores, sets most of the run. Not guarded in CI: the run waits on the
    per-host spacing while the baseline computes, so their ratio follows the machine's speed."""
    return naive["wall_s"] / median([r["wall_s"] for r in results])


def report(results: list[dict], naive: dict, feeds: int) -> None:
    walls = [r["wall_s"] for r in results]
    last = results[-1]
    fetch_states = {k: v for k, v in last["tasks"].items() if k.startswith("fetch:")}
    print_table(
        f"news_ingest: one run over {feeds} newsroom feeds (dag.test, fresh archive on PostgreSQL)",
        ["state", "feeds fetched", "articles", "dag.test s", "range", "subprocess s"],
        [
            [
                last["state"],
                last["fetches"],
                last["articles"],
                median(walls),
                spread(walls),
                median([r["process_s"] for r in results]),
            ]
        ],
        [
            f"median of {len(results)} runs; fetch task states: {fetch_states}; "
            "subprocess s adds Airflow's import and DAG parse.",
            "Politeness as configured (all feeds on one loopback host: 2 in flight, 0.5 s spacing).",
            f"naive baseline in the same run (bench.naive.poll_naively: feedparser fetching each "
            f"of the {naive['feeds']} feeds in turn, bs4, langdetect, one ORM insert per article, "
            f"no politeness): {naive['wall_s']:.1f} s for {naive['articles']} articles; naive / "
            f"dag.test: {naive_ratio(results, naive):.2f}",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    results, naive = run(args.feeds, args.runs)
    report(results, naive, args.feeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
