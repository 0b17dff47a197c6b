"""Processing throughput: parse, clean, language, dedup and upsert of newsroom-generated
articles into PostgreSQL, side by side with the naive baseline (bench/naive.py) in the same run.

The newsroom's synthetic articles (1,500-4,000 characters, seven languages) are rendered as RSS
documents of ``--items`` items with the whole text, and stored as raw captures in a template
database. Each run clones the template (PostgreSQL ``CREATE DATABASE ... TEMPLATE``) and times, in
a fresh interpreter, either ``pipeline.flows.ingest.process_captures`` over every capture or the naive
baseline over the same captures; the variants alternate, so both see the same machine load.
Articles per second count the feed items that went through; peak memory is the peak resident set
of the worker (and, for the pipeline, of its parse worker process).

    .venv/bin/python -m bench.processing [--articles 20000] [--items 50] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, update

from bench.common import (
    create_database,
    current_rss_mb,
    database_url,
    drop_database,
    emit_result,
    median,
    print_table,
    profile_text,
    run_worker,
    spread,
    timed,
    trim_profile,
)
from newsroom import CatalogOptions, build_catalog, newsroom_registry
from newsroom.catalog import Article, Catalog
from newsroom.outlets import FeedDef, OutletDef
from newsroom.render import render_rss
from pipeline.archive import store
from pipeline.archive.migrate import upgrade
from pipeline.archive.models import CaptureRow, FeedRow, OutletRow

# Invented host (never fetched): the benchmarks load captures, they do not poll.
BASE_URL = "https://newsroom.bench.invalid"
RSS = "application/rss+xml; charset=utf-8"
FEEDS = FeedRow.__table__
OUTLETS = OutletRow.__table__


@dataclass(frozen=True)
class Document:
    outlet: str
    body: bytes
    items: int


def full_text_feed(outlet: OutletDef) -> FeedDef:
    """The outlet's first feed as plain RSS with the whole text (content:encoded)."""
    return replace(outlet.feeds[0], kind="rss", full_content=True, tracking="")


def render_items(catalog: Catalog, outlet: OutletDef, items: list[Article]) -> bytes:
    feed = full_text_feed(outlet)
    return render_rss(catalog, outlet, feed, items, BASE_URL, f"{BASE_URL}/{outlet.slug}/bench.xml")


def synthetic_catalog(articles: int, seed: int = 1) -> Catalog:
    anchor = datetime(2026, 3, 1, tzinfo=UTC)  # fixed, so every run renders the same bytes
    return build_catalog(CatalogOptions(anchor=anchor, synthetic=articles, seed=seed))


def synthetic_documents(catalog: Catalog, items_per_feed: int) -> list[Document]:
    """The catalog's synthetic articles, outlet by outlet, in documents of ``items_per_feed``."""
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for article in catalog.articles:
        if article.synthetic:
            by_outlet[article.outlet].append(article)
    docs: list[Document] = []
    for slug, articles in by_outlet.items():
        outlet = catalog.outlet(slug)
        assert outlet is not None
        for start in range(0, len(articles), items_per_feed):
            chunk = articles[start : start + items_per_feed]
            docs.append(Document(slug, render_items(catalog, outlet, chunk), len(chunk)))
    return docs


def prepare_archive(engine: Engine, catalog: Catalog) -> dict[str, int]:
    """Migrate, register the newsroom's outlets (no full-text fetching, no history harvesting:
    the benchmarks never touch the network), and return one feed id per outlet slug."""
    upgrade(engine)
    with engine.begin() as connection:
        store.sync_registry(connection, newsroom_registry(BASE_URL, catalog))
        connection.execute(update(OUTLETS).values(fulltext=False, history=""))
        rows = connection.execute(
            select(OUTLETS.c.slug, FEEDS.c.id)
            .join(FEEDS, FEEDS.c.outlet_id == OUTLETS.c.id)
            .order_by(FEEDS.c.id)
        ).all()
    feeds: dict[str, int] = {}
    for slug, feed_id in rows:
        feeds.setdefault(slug, feed_id)
    return feeds


def store_captures(
    engine: Engine, feeds: dict[str, int], docs: list[Document], fetched_at: datetime
) -> list[int]:
    """Keep each document as an unprocessed raw capture of its outlet's feed."""
    ids: list[int] = []
    with engine.begin() as connection:
        for doc in docs:
            feed_url = f"{BASE_URL}/{doc.outlet}/bench.xml"
            digest = store.store_body(connection, doc.body, fetched_at)
            ids.append(
                store.insert_capture(
                    connection,
                    feed_id=feeds[doc.outlet],
                    fetched_at=fetched_at,
                    url=feed_url,
                    final_url=feed_url,
                    http_status=200,
                    content_type=RSS,
                    etag=None,
                    last_modified=None,
                    body_sha256=digest,
                    kind="feed",
                )
            )
    return ids


# --- the timed variants (each in its own interpreter) ---------------------------------------------

CAPTURES = CaptureRow.__table__
VARIANTS = ("pipeline", "naive")
# The profile covers the first captures only (40 documents of 50 items: 2,000 articles).
PROFILE_CAPTURES = 40
# A tiny feed turned into rows before the clock starts: the parse worker is running and has
# loaded its language models.
_WARM_TEXT = (
    "Ovo je kratak tekst za zagrevanje detektora jezika.\n\n"
    "Drugi pasus ovog teksta pokreće i proveru pasusa, koja se učitava pri prvoj upotrebi."
)
_WARM_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>w</title>'
    f"<item><title>Zagrevanje</title><link>https://w.invalid/1</link><description>{_WARM_TEXT}"
    "</description></item></channel></rss>"
).encode()


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(p) for p in children.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def _peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident set (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _capture_ids(url: str, limit: int | None = None) -> list[int]:
    from pipeline.archive.db import engine_for

    with engine_for(url).connect() as connection:
        query = select(CAPTURES.c.id).order_by(CAPTURES.c.id).limit(limit)
        return list(connection.execute(query).scalars())


def warm_pipeline(settings) -> None:
    """Load every language model here and in the parse workers, and start them (a task pays
    this once)."""
    from pipeline.flows.article_row import FeedContext
    from pipeline.flows.capture_rows import feed_rows
    from pipeline.language import backends, identify_article
    from pipeline.parse import ParseBudget
    from pipeline.parse.budget import submit_within_budget

    for loader in ("_fasttext_model", "_langdetect_factory", "_langid_model"):
        if hasattr(backends, loader):
            getattr(backends, loader)()
    identify_article("Zagrevanje", _WARM_TEXT)

    context = FeedContext(1, 1, "https://w.invalid/", None, None, datetime.now(UTC))
    budget = ParseBudget.from_settings(settings)
    args = (_WARM_FEED, "https://w.invalid/", None, 10, None, context)
    warming = [
        submit_within_budget(budget, feed_rows, *args, lane=lane)
        for lane in range(settings.parse_workers)
    ]
    for pending in warming:
        pending.result()


def _pipeline_variant(url: str, isolated: bool, limit: int | None) -> tuple[object, dict]:
    from pipeline.archive.db import engine_for
    from pipeline.config import Settings
    from pipeline.flows.ingest import process_captures

    settings = Settings(archive_url=url, parse_isolated=isolated)
    engine = engine_for(url)
    ids = _capture_ids(url, limit)
    # Warm-up outside the clock: language models loaded, parse worker started, pool connected.
    warm_up, _ = timed(lambda: warm_pipeline(settings))
    baseline = current_rss_mb()

    def run():
        # The parse worker is stopped after it has been measured (see worker()).
        return process_captures(engine, ids, settings, shutdown=False)

    return run, {
        "captures": len(ids),
        "rss_before_mb": round(baseline, 1),
        "warm_up_s": round(warm_up.wall_s, 2),
    }


def _naive_variant(url: str) -> tuple[object, dict]:
    from bench import naive

    naive.warm_up()
    ids = _capture_ids(url)
    baseline = current_rss_mb()
    return (lambda: naive.process_naively(url, ids)), {
        "captures": len(ids),
        "rss_before_mb": round(baseline, 1),
    }


def worker(variant: str, url: str, profile: bool = False, limit: int | None = None) -> dict:
    """Time one variant over every capture of the archive at ``url``; runs in a subprocess."""
    if variant == "naive":
        run, info = _naive_variant(url)
    else:
        run, info = _pipeline_variant(url, variant != "pipeline-inprocess", limit)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    children_cpu = _children_cpu_s()
    sample, outcome = timed(run)
    children_cpu = _children_cpu_s() - children_cpu
    if profiler:
        profiler.disable()
    counts = getattr(outcome, "counts", outcome)
    result = {
        "variant": variant,
        **info,
        "articles": counts.seen,
        "new": counts.new,
        "duplicates": counts.duplicates,
        "errors": dict(getattr(outcome, "errors", {})),
        "wall_s": sample.wall_s,
        "cpu_s": sample.cpu_s,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "children_peak_rss_mb": round(
            max((_peak_rss_mb(p) for p in _descendants(_own_pid())), default=0.0), 1
        ),
        "children_cpu_s": round(children_cpu, 3),
    }
    from pipeline.parse import budget

    budget.shutdown()
    if profiler:
        result["profile"] = profile_text(profiler, "cumulative")
        result["profile_own"] = profile_text(profiler, "tottime")
    return result


def _children_cpu_s() -> float:
    """CPU seconds used so far by the live descendants (the parse worker) of this process."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _descendants(_own_pid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _own_pid() -> int:
    import os

    return os.getpid()


# --- the benchmark --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessingOptions:
    articles: int = 20_000
    items_per_feed: int = 50
    runs: int = 3
    seed: int = 1
    profile: bool = False
    variants: tuple[str, ...] = VARIANTS


@dataclass
class ProcessingResult:
    options: ProcessingOptions
    documents: int
    runs: dict[str, list[dict]]
    profile: str | None = None

    def rate(self, variant: str) -> float:
        return median([r["articles"] / r["wall_s"] for r in self.runs[variant]])

    def cpu_rate(self, variant: str) -> float:
        """Articles per CPU second of the task's processes (itself and its parse worker): what
        one core does when the work is laid end to end. PostgreSQL's own CPU is not in it."""
        return median(
            [
                r["articles"] / (r["cpu_s"] + r.get("children_cpu_s", 0.0))
                for r in self.runs[variant]
            ]
        )

    @property
    def ratio(self) -> float:
        """Median over runs of (pipeline articles/s) / (naive articles/s) of the same round."""
        rounds = zip(self.runs["pipeline"], self.runs["naive"], strict=False)
        return median(
            [(n["wall_s"] / n["articles"]) / (p["wall_s"] / p["articles"]) for p, n in rounds]
        )


def build_template(options: ProcessingOptions) -> tuple[str, int]:
    """A database holding the schema, the outlets and the rendered documents as captures."""
    from bench import naive
    from pipeline.archive.db import make_engine

    catalog = synthetic_catalog(options.articles, options.seed)
    docs = synthetic_documents(catalog, options.items_per_feed)
    name = create_database("bench_proc_tpl")
    url = database_url(name)
    engine = make_engine(url)
    try:
        feeds = prepare_archive(engine, catalog)
        store_captures(engine, feeds, docs, datetime.now(UTC))
    finally:
        engine.dispose()
    naive.create_table(url)
    return name, len(docs)


def run(options: ProcessingOptions) -> ProcessingResult:
    template, documents = build_template(options)
    runs: dict[str, list[dict]] = {v: [] for v in options.variants}
    profile = None
    try:
        for round_ in range(options.runs):
            for variant in options.variants:
                name = create_database("bench_proc", template=template)
                try:
                    args = ["bench.processing", "--worker", variant, "--db", database_url(name)]
                    runs[variant].append(run_worker(args))
                finally:
                    drop_database(name)
            print(f"  processing round {round_ + 1}/{options.runs} done", file=sys.stderr)
        if options.profile:
            # Parse in this process, so that feedparser shows in the profile (a worker process
            # otherwise hides it behind the wait for its result).
            name = create_database("bench_proc", template=template)
            try:
                args = ["bench.processing", "--worker", "pipeline-inprocess", "--profile"]
                args += ["--limit", str(PROFILE_CAPTURES)]
                done = run_worker([*args, "--db", database_url(name)])
                profile = done["profile"] + "\n" + done["profile_own"]
            finally:
                drop_database(name)
    finally:
        drop_database(template)
    return ProcessingResult(options, documents, runs, profile)


def report(result: ProcessingResult) -> None:
    o = result.options
    rows = []
    for variant in o.variants:
        rs = result.runs[variant]
        rates = [r["articles"] / r["wall_s"] for r in rs]
        rows.append(
            [
                variant,
                rs[0]["articles"],
                median(rates),
                spread(rates),
                result.cpu_rate(variant),
                median([r["wall_s"] for r in rs]),
                median([r["peak_rss_mb"] for r in rs]),
                median([r["children_peak_rss_mb"] for r in rs]),
                median([r["rss_before_mb"] for r in rs]),
            ]
        )
    notes = [
        f"{o.articles:,} newsroom articles in {result.documents} RSS documents of {o.items_per_feed} "
        f"items (whole text), median of {o.runs} runs, variants alternating; fresh database per run.",
        "articles/s = feed items through the whole path / wall time; CPU art/s = items / CPU "
        "seconds of the task's processes (itself and its parse worker; PostgreSQL's not counted).",
        "errors (captures not loaded): "
        + ", ".join(
            f"{v}: {dict(r['errors']) or 'none'}" for v, rs in result.runs.items() for r in rs
        ),
        f"pipeline / naive ratio (median of per-round ratios): {result.ratio:.2f}x "
        "(targets: >= 2,000 articles/s on one core, >= 10x the naive baseline).",
        "peak RSS = VmHWM of the worker process; parse worker = its largest child "
        "(the pipeline's parse worker); RSS before = resident set after warm-up, before the clock.",
    ]
    print_table(
        "Processing throughput (parse, clean, language, dedup, upsert into PostgreSQL)",
        [
            "variant",
            "articles",
            "articles/s",
            "range",
            "CPU art/s",
            "wall s",
            "peak RSS MB",
            "parse worker MB",
            "RSS before MB",
        ],
        rows,
        notes,
    )
    if result.profile:
        print(
            f"\nProfile of the pipeline variant over the first {PROFILE_CAPTURES} documents, parse "
            "in-process: top 15 by cumulative time, then by own time"
        )
        print(trim_profile(result.profile))


def options_for(quick: bool) -> ProcessingOptions:
    return ProcessingOptions(articles=1_000, runs=1) if quick else ProcessingOptions()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=50, help="items per feed document")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="add a cProfile of the pipeline")
    parser.add_argument(
        "--worker", choices=(*VARIANTS, "pipeline-inprocess"), help=argparse.SUPPRESS
    )
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        emit_result(worker(args.worker, args.db, args.profile, args.limit))
        return 0
    options = ProcessingOptions(args.articles, args.items, args.runs, args.seed, args.profile)
    report(run(options))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
