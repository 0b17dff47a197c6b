"""DAG parse time per file in dags/: a ``DagBag`` load of that file alone, in a fresh interpreter.

Airflow's DAG processor imports Airflow once and then parses each file; so does each run here:
Airflow is imported before the clock starts, and the clock covers ``DagBag(<file>)`` (the file's
top-level imports included). Each figure is the median of ``--runs`` fresh subprocesses with a
throwaway AIRFLOW_HOME. Target: under 0.3 s per file. The baseline, parsed the same way in the
same run, is a minimal DAG file (one task, Airflow's own imports only): what a DAG file costs
before it imports anything of its own.

    .venv/bin/python -m bench.dag_parse [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, median, print_table, spread

TARGET_S = 0.3
MINIMAL_DAG = """
import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False)
def bench_minimal():
    @task
    def nothing() -> None:
        return None

    nothing()


bench_minimal()
"""
_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
t1 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
t2 = time.perf_counter()
print("RESULT " + json.dumps({
    "import_s": t1 - t0, "load_s": t2 - t1, "dags": sorted(bag.dags),
    "errors": {k: str(v)[:300] for k, v in bag.import_errors.items()},
}))
"""


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "PYTHONPATH": str(REPO),
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        }
    )
    env.update(extra)
    return env


def parse_once(path: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"parsing {path} failed:\n{done.stderr[-3000:]}")
    return json.loads(line.removeprefix("RESULT "))


def run(runs: int) -> list[list[object]]:
    """One row per DAG file of dags/, then the minimal DAG's row (the baseline)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-airflow-") as home:
        env = airflow_env(Path(home))
        minimal = Path(home) / "minimal_dag.py"
        minimal.write_text(MINIMAL_DAG)
        for path in [*sorted((REPO / "dags").glob("*.py")), minimal]:
            results = [parse_once(path, env) for _ in range(runs)]
            loads = [r["load_s"] for r in results]
            errors = results[-1]["errors"]
            rows.append(
                [
                    path.name,
                    ", ".join(results[-1]["dags"]) or "-",
                    median(loads),
                    spread(loads),
                    median([r["import_s"] for r in results]),
                    "yes" if median(loads) < TARGET_S else "NO",
                    "; ".join(errors.values())[:80] if errors else "none",
                ]
            )
    return rows


def baseline_ratio(rows: list[list[object]]) -> float:
    """The minimal DAG's parse time over our slowest file's: 1 when a file of ours costs no more
    than a DAG that imports nothing of its own."""
    *ours, minimal = rows
    return float(minimal[2]) / max(float(row[2]) for row in ours)


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): ``baseline_ratio`` of a small run."""
    return baseline_ratio(run(3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rows = run(args.runs)
    print_table(
        "DAG parse time per file (DagBag load, fresh interpreter)",
        ["file", "dags", "parse s", "range", "airflow import s", f"< {TARGET_S} s", "errors"],
        rows,
        [
            f"median of {args.runs} fresh subprocesses per file; Airflow imported before the clock.",
            f"minimal_dag.py is the baseline (one task, no imports of ours); minimal / slowest of "
            f"ours: {baseline_ratio(rows):.2f}",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
