"""What every benchmark shares: timing and medians, peak memory, tables, scratch databases,
worker subprocesses and a description of the machine."""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
# Third-party evaluation data (language test sets, feedparser's corpus) is never in the
# repository: its folder is given with --evaldata, or EVALDATA in the environment.
DEFAULT_EVALDATA = Path(os.environ["EVALDATA"]) if os.environ.get("EVALDATA") else None
# Administrative connection to the local PostgreSQL server; benchmarks create their own databases.
PG_ADMIN_URL = os.environ.get(
    "NEWS_BENCH_PG_ADMIN_URL",
    os.environ.get(
        "NEWS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    ),
)
RESULT_PREFIX = "RESULT "


# --- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float


def timed(fn: Callable[[], object]) -> tuple[Sample, object]:
    """Wall and CPU time (this process) of one call, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu), value


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> str:
    """ "min–max" of several runs, to show how noisy a median is on a shared machine."""
    return f"{min(values):.3g}–{max(values):.3g}" if values else "-"


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(own, 1), "children_mb": round(children, 1)}


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def profile_text(profiler: cProfile.Profile, sort: str, top: int = 15) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()


def trim_profile(text: str) -> str:
    """pstats output without its preamble, paths shortened to the repository or site-packages."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(("Ordered by", "List reduced")):
            continue
        if "function calls" in line:
            out.append("")
        out.append(re.sub(r"\S*/(site-packages|lib/python3\.\d+|main)/", "", line))
    return "\n".join(out).rstrip()


# --- tables -------------------------------------------------------------------------------------


def fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], notes: Sequence[str] = ()
) -> None:
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print(f"\n## {title}")
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for note in notes:
        print(f"  {note}")
    sys.stdout.flush()


# --- scratch databases --------------------------------------------------------------------------


def admin_engine() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def database_url(name: str) -> str:
    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create_database(prefix: str, template: str | None = None) -> str:
    """Create an empty database (or a copy of ``template``); returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = admin_engine()
    with admin.connect() as connection:
        clause = f' TEMPLATE "{template}"' if template else ""
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    admin.dispose()
    return name


def drop_database(name: str) -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@contextlib.contextmanager
def scratch_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A fresh database on the local server, dropped afterwards; yields its SQLAlchemy URL."""
    name = create_database(prefix, template)
    try:
        yield database_url(name)
    finally:
        drop_database(name)


def database_name(url: str) -> str:
    return sa.make_url(url).database or ""


# --- worker subprocesses ------------------------------------------------------------------------


def run_worker(args: Sequence[str], timeout: float = 3600, env: dict | None = None) -> dict:
    """Run ``python -m <args>`` in a fresh interpreter; it prints ``RESULT {json}`` last."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    line = next(
        (x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_PREFIX)), None
    )
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"worker {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        )
    return json.loads(line.removeprefix(RESULT_PREFIX))


def emit_result(result: dict) -> None:
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# --- the machine --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def postgres_version() -> str:
    try:
        engine = admin_engine()
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        return str(version)
    except Exception as exc:  # noqa: BLE001 - the report says what is missing
        return f"unavailable ({type(exc).__name__})"


def machine_lines() -> list[str]:
    load = os.getloadavg()
    return [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores "
        f"(shared with other work: load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})",
        f"Memory: {memory_gb():.1f} GiB",
        f"Python: {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.system()} {platform.release()}",
        f"PostgreSQL: {postgres_version()} at {sa.make_url(PG_ADMIN_URL).host}",
    ]
