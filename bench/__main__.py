"""Run the benchmarks: ``python -m bench [--quick] [--only NAME ...] [--evaldata PATH]``.

Prints the machine, then one table per benchmark (each figure a median of several runs).
``--quick`` is the small version for CI. The evaluation scripts other issues added
(fetch_cycle, dedup_scaling, langid_eval, feedparser_corpus_eval) run as subprocesses when they
exist, with their own small options under ``--quick``; a missing one is reported as missing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import DEFAULT_EVALDATA, REPO, machine_lines


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    # argv for the module's main(), quick and full; None = not one of ours (a script).
    quick: list[str] | None = None
    full: list[str] | None = None
    module: str | None = None


def _ours(name: str, module: str, what: str, quick: list[str], full: list[str]) -> Benchmark:
    return Benchmark(name, what, quick, full, module)


OURS = [
    _ours(
        "processing",
        "bench.processing",
        "parse/clean/language/dedup/upsert vs the naive baseline",
        ["--articles", "1000", "--runs", "1"],
        ["--articles", "20000", "--runs", "3", "--profile"],
    ),
    _ours(
        "article_prep",
        "bench.article_prep",
        "per-article cost of cleaning, comparison texts and MinHash",
        ["--articles", "500", "--runs", "3"],
        ["--articles", "2000", "--runs", "7"],
    ),
    _ours(
        "langid_speed",
        "bench.langid_speed",
        "per-article cost of language identification (screened and full)",
        ["--articles", "300", "--passes", "1"],
        ["--articles", "1000", "--passes", "3", "--full"],
    ),
    _ours(
        "unchanged_poll",
        "bench.unchanged_poll",
        "CPU of a poll whose feed did not change",
        ["--polls", "50", "--batches", "5"],
        ["--polls", "200", "--batches", "20", "--profile"],
    ),
    _ours(
        "dag_parse", "bench.dag_parse", "DAG parse time per file", ["--runs", "3"], ["--runs", "5"]
    ),
    _ours(
        "dag_run",
        "bench.dag_run",
        "one news_ingest run over 50 newsroom feeds",
        ["--runs", "1"],
        ["--runs", "3"],
    ),
    _ours(
        "backfill",
        "bench.backfill_reprocess",
        "reprocess 30 days x 100 feeds of captures",
        ["--days", "2", "--feeds", "10"],
        ["--days", "30", "--feeds", "100"],
    ),
    _ours(
        "adaptive_polling",
        "bench.adaptive_polling",
        "requests/day adaptive polling saves vs every 15 min, and the delay it adds",
        ["--feeds", "200", "--days", "7"],
        ["--feeds", "1000", "--days", "14"],
    ),
    _ours(
        "entities",
        "bench.entities_eval",
        "entity stage: mention and name-query precision/recall, CPU per article",
        ["--newsroom", "500"],
        ["--newsroom", "5000"],
    ),
]


@dataclass(frozen=True)
class Script:
    name: str
    path: str
    what: str
    # Options tried under --quick when the script has no --quick of its own; each is passed
    # only if the script's --help lists it.
    quick: tuple[tuple[str, ...], ...] = ()
    evaldata: bool = False


SCRIPTS = [
    Script(
        "fetch_cycle",
        "bench/fetch_cycle.py",
        "one fetch cycle over 1,000 loopback feeds",
        (("--feeds", "200"), ("--hosts", "20"), ("--runs", "1")),
    ),
    Script(
        "dedup_scaling",
        "bench/dedup_scaling.py",
        "near-duplicate lookup cost vs archive size",
        (("--sizes", "10000,50000"), ("--repeats", "5")),
    ),
    Script(
        "langid_eval",
        "bench/langid_eval.py",
        "language identification accuracy and speed",
        (("--no-ablation",),),
        evaldata=True,
    ),
    Script(
        "feedparser_corpus_eval",
        "bench/feedparser_corpus_eval.py",
        "feedparser's own test corpus through our guards",
        evaldata=True,
    ),
]
NAMES = [b.name for b in OURS] + [s.name for s in SCRIPTS]


def _help_text(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=300, cwd=REPO
    )
    return done.stdout + done.stderr


def script_argv(script: Script, quick: bool, evaldata: Path | None) -> list[str]:
    argv = [str(evaldata)] if script.evaldata else []
    if not quick:
        return argv
    help_text = _help_text(REPO / script.path)
    if "--quick" in help_text:
        return [*argv, "--quick"]
    for option in script.quick:
        if option[0] in help_text:
            argv += option
    return argv


def run_script(script: Script, quick: bool, evaldata: Path | None) -> int:
    path = REPO / script.path
    if not path.exists():
        print(f"\n## {script.name}: MISSING ({script.path} does not exist yet)")
        return 0
    if script.evaldata and evaldata is None:
        print(f"\n## {script.name}: not run (needs the evaluation data: --evaldata DIR)")
        return 0
    argv = script_argv(script, quick, evaldata)
    print(f"\n## {script.name}: {script.what}\n$ python {script.path} {' '.join(argv)}", flush=True)
    done = subprocess.run(
        [sys.executable, str(path), *argv], cwd=REPO, capture_output=True, text=True, timeout=7200
    )
    print(done.stdout.rstrip())
    if done.returncode != 0:
        print(f"  (exit status {done.returncode})\n{done.stderr[-2000:].rstrip()}")
    return done.returncode


def run_ours(bench: Benchmark, quick: bool) -> int:
    import importlib

    main: Callable[[list[str]], int] = importlib.import_module(bench.module).main
    argv = bench.quick if quick else bench.full
    print(f"\n# {bench.name}: {bench.what} (python -m {bench.module} {' '.join(argv)})")
    return main(list(argv))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the small CI version")
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    parser.add_argument("--evaldata", type=Path, default=DEFAULT_EVALDATA)
    args = parser.parse_args(argv)
    wanted = set(args.only or NAMES)
    print("# Machine")
    for line in machine_lines():
        print(line)
    print(
        f"Mode: {'quick' if args.quick else 'full'}; evaldata: "
        f"{args.evaldata or 'none (--evaldata DIR or EVALDATA=DIR runs the evaluations on it)'}"
    )
    failures: list[str] = []
    for bench in OURS:
        if bench.name not in wanted:
            continue
        started = time.perf_counter()
        try:
            if run_ours(bench, args.quick) != 0:
                failures.append(bench.name)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            failures.append(bench.name)
            print(f"\n## {bench.name}: FAILED\n{traceback.format_exc()[-3000:]}")
        print(f"  ({bench.name} took {time.perf_counter() - started:.0f} s)", flush=True)
    for script in SCRIPTS:
        if script.name not in wanted:
            continue
        started = time.perf_counter()
        try:
            if run_script(script, args.quick, args.evaldata) != 0:
                failures.append(script.name)
        except subprocess.TimeoutExpired:
            failures.append(script.name)
            print(f"\n## {script.name}: TIMED OUT")
        print(f"  ({script.name} took {time.perf_counter() - started:.0f} s)", flush=True)
    print(f"\nFailed: {', '.join(failures)}" if failures else "\nAll benchmarks ran.")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
