"""Backfill reprocessing: 30 days of captures of 100 feeds polled every 15 minutes.

The captures and fetches tables are built directly (binary-safe COPY, then one INSERT), as 30
days of live polls would have left them: 100 feeds x 96 polls a day x 30 days = 288,000 captures
and as many fetch rows, most of them repeating the previous body. Each feed's document changes
every ``--change-every-h`` hours: two new articles on top, the oldest two fall off (``--items``
items per document, summaries only, rendered by the newsroom from synthetic articles in the
feed's language). The timed part runs in a fresh interpreter and does what the DAG's harvest
task does for each daily window: ``pipeline.flows.harvest.history_captures`` (one capture per
distinct body per feed), ``pipeline.flows.ingest.process_captures`` and
``pipeline.archive.coverage.refresh_coverage``, on PostgreSQL. Nothing is fetched: every day was
polled, so no archive is harvested. Target: under 10 minutes for the full size.

The naive baseline (``bench.naive``: feedparser, bs4, langdetect, one ORM insert per item, on
every capture of the window, as a backfill that reprocesses each stored poll) is timed in the same
run on ``--naive-sample`` captures spread over the window and extrapolated to all of them.

    .venv/bin/python -m bench.backfill_reprocess [--days 30] [--feeds 100] [--change-every-h 4]
                                                 [--naive-sample 200]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bench.common import (
    create_database,
    database_url,
    drop_database,
    emit_result,
    median,
    print_table,
    run_worker,
    timed,
)

POLL = timedelta(minutes=15)
START = datetime(2026, 2, 1, tzinfo=UTC)
TARGET_S = 600


@dataclass(frozen=True)
class BackfillOptions:
    days: int = 30
    feeds: int = 100
    change_every_h: int = 4
    items: int = 10
    new_per_change: int = 2
    seed: int = 7

    @property
    def polls_per_day(self) -> int:
        return int(timedelta(days=1) / POLL)

    @property
    def changes(self) -> int:
        return self.days * 24 // self.change_every_h

    @property
    def captures(self) -> int:
        return self.feeds * self.days * self.polls_per_day


# --- building the captures ----------------------------------------------------------------------


def _feed_articles(outlet, feed, count: int, options: BackfillOptions, feed_no: int):
    """``count`` generated articles of one feed, oldest first, one batch per body change."""
    from newsroom.catalog import Article
    from newsroom.synthetic import synthetic_story
    from newsroom.translit import slugify

    section = feed.sections[0] if feed.sections else outlet.sections[0]
    rng = random.Random(f"bench-backfill/{options.seed}/{feed_no}")
    articles = []
    for i in range(count):
        story = synthetic_story(rng, outlet.language, f"bf-{feed_no}-{i}")
        change = max(0, (i - options.items) // options.new_per_change + 1)
        published = START + timedelta(hours=change * options.change_every_h, minutes=i % 7)
        number = 100_000 + feed_no * 10_000 + i
        articles.append(
            Article(
                key=story.key,
                outlet=outlet.slug,
                number=number,
                path=f"/{outlet.slug}/{slugify(section, 3)}/{number}/{slugify(story.title)}",
                title=story.title,
                paragraphs=story.paragraphs,
                language=outlet.language,
                section=section,
                author=None,
                published_at=published,
                story_key=story.key,
                synthetic=True,
            )
        )
    return articles


# The fetch row of every poll, as live runs record them: a body equal to the feed's previous one
# was "unchanged" (nothing to process), the others were processed then and are reprocessed now.
FETCH_ROWS = """
INSERT INTO fetches (feed_id, run_id, started_at, duration_ms, url, final_url, http_status,
                     bytes, not_modified, unchanged, items_seen, items_new, capture_id)
SELECT c.feed_id, 'bench-live', c.fetched_at, 50, c.url, c.final_url, c.http_status, b.size,
       false, u.unchanged, CASE WHEN u.unchanged THEN 0 END, CASE WHEN u.unchanged THEN 0 END,
       c.id
FROM captures c
JOIN capture_bodies b ON b.sha256 = c.body_sha256
JOIN (SELECT id, COALESCE(body_sha256 = lag(body_sha256) OVER (
                 PARTITION BY feed_id ORDER BY fetched_at, id), false) AS unchanged
      FROM captures) u ON u.id = c.id
ORDER BY c.id
"""


def build_archive(url: str, options: BackfillOptions) -> dict:
    """Schema, registry, the captures and fetch rows of every poll of the period; returns their
    counts."""
    import hashlib

    from bench.processing import BASE_URL, RSS
    from newsroom import CatalogOptions, build_catalog, newsroom_registry
    from newsroom.catalog import feed_path
    from newsroom.render import render_rss
    from pipeline.archive import store
    from pipeline.archive.db import make_engine
    from pipeline.archive.migrate import upgrade
    from pipeline.archive.models import FeedRow, OutletRow

    catalog = build_catalog(
        CatalogOptions(anchor=START, extra_feeds=options.feeds, extra_feed_items=0)
    )
    engine = make_engine(url)
    upgrade(engine)
    feeds_t, outlets_t = FeedRow.__table__, OutletRow.__table__
    with engine.begin() as connection:
        store.sync_registry(connection, newsroom_registry(BASE_URL, catalog))
        connection.execute(update(outlets_t).values(fulltext=False, history=""))
        ids = dict(connection.execute(select(feeds_t.c.url, feeds_t.c.id)).all())
    polls = options.polls_per_day * options.days
    per_change = options.change_every_h * 4
    bodies = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        feed_no = 0
        for outlet in catalog.outlets:
            if not outlet.slug.startswith("extra-"):
                continue
            for feed in outlet.feeds:
                url_ = BASE_URL + feed_path(outlet, feed)
                plain = replace(feed, kind="rss", full_content=False, tracking="")
                count = options.items + options.changes * options.new_per_change
                articles = _feed_articles(outlet, feed, count, options, feed_no)
                digests = []
                with cursor.copy(
                    "COPY capture_bodies (sha256, size, body, first_seen_at) FROM STDIN"
                ) as copy:
                    for change in range(options.changes):
                        top = options.items + change * options.new_per_change
                        items = list(reversed(articles[top - options.items : top]))
                        body = render_rss(catalog, outlet, plain, items, BASE_URL, url_)
                        digest = hashlib.sha256(body).hexdigest()
                        seen = START + timedelta(hours=change * options.change_every_h)
                        copy.write_row((digest, len(body), body, seen))
                        digests.append(digest)
                bodies += len(digests)
                with cursor.copy(
                    "COPY captures (feed_id, fetched_at, url, final_url, http_status, "
                    "content_type, body_sha256, kind, processed_at) FROM STDIN"
                ) as copy:
                    for poll in range(polls):
                        at = START + poll * POLL + timedelta(seconds=feed_no)
                        digest = digests[min(poll // per_change, len(digests) - 1)]
                        copy.write_row((ids[url_], at, url_, url_, 200, RSS, digest, "feed", at))
                raw.commit()
                feed_no += 1
                if feed_no >= options.feeds:
                    break
            if feed_no >= options.feeds:
                break
        cursor.execute(FETCH_ROWS)
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return {"feeds": feed_no, "bodies": bodies, "captures": feed_no * polls}


# --- the timed part (fresh interpreter) ---------------------------------------------------------


def worker(url: str, days: int) -> dict:
    from bench.processing import _peak_rss_mb, warm_pipeline
    from pipeline.archive.coverage import refresh_coverage
    from pipeline.archive.db import engine_for
    from pipeline.config import Settings
    from pipeline.flows.harvest import history_captures
    from pipeline.flows.ingest import ProcessOutcome, process_captures
    from pipeline.flows.window import Window

    settings = Settings(archive_url=url)
    engine = engine_for(url)
    warm_up, _ = timed(lambda: warm_pipeline(settings))
    total = ProcessOutcome()
    per_day: list[float] = []
    selected = 0

    def backfill() -> None:
        nonlocal selected
        for day in range(days):
            window = Window(START + timedelta(days=day), START + timedelta(days=day + 1), "history")
            sample, _ = timed(lambda w=window: _one_window(engine, w, settings, total))
            per_day.append(sample.wall_s)

    def _one_window(engine, window, settings, total) -> None:
        nonlocal selected
        found = history_captures(engine, window, settings)
        selected += len(found.capture_ids)
        total.add(process_captures(engine, found.capture_ids, settings))
        refresh_coverage(engine, window.days)

    sample, _ = timed(backfill)
    return {
        "wall_s": sample.wall_s,
        "cpu_s": sample.cpu_s,
        "per_day_s": per_day,
        "selected": selected,
        "items": total.counts.seen,
        "new": total.counts.new,
        "updated": total.counts.updated,
        "errors": dict(total.errors),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "warm_up_s": round(warm_up.wall_s, 2),
    }


def naive_worker(url: str, sample: int) -> dict:
    """The naive baseline over ``sample`` captures spread evenly over the window: what a backfill
    costs when every stored poll goes through feedparser, bs4, langdetect and one ORM insert per
    item again (``bench.naive``)."""
    from bench import naive
    from bench.processing import _capture_ids

    naive.create_table(url)
    naive.warm_up()
    ids = _capture_ids(url)
    chosen = ids[:: max(1, len(ids) // sample)][:sample]
    elapsed, counts = timed(lambda: naive.process_naively(url, chosen))
    return {"captures": len(chosen), "wall_s": elapsed.wall_s, "items": counts.seen}


# --- the benchmark ------------------------------------------------------------------------------


def run(options: BackfillOptions, naive_sample: int = 200) -> tuple[dict, dict]:
    """The archive built, then the timed backfill, then the naive baseline on a sample of the same
    captures (a fresh interpreter each); the result's ``naive_ratio`` compares the two."""
    name = create_database("bench_backfill")
    try:
        built = build_archive(database_url(name), options)
        print(f"  backfill archive built: {built}", file=sys.stderr)
        timed_run = run_worker(
            ["bench.backfill_reprocess", "--worker", "--db", database_url(name),
             "--days", str(options.days)],
            timeout=6 * 3600,
        )  # fmt: skip
        naive_run = run_worker(
            ["bench.backfill_reprocess", "--naive-worker", str(naive_sample),
             "--db", database_url(name)],
            timeout=3600,
        )  # fmt: skip
    finally:
        drop_database(name)
    per_capture = naive_run["wall_s"] / naive_run["captures"]
    timed_run["naive_s_per_capture"] = per_capture
    timed_run["naive_sample"] = naive_run["captures"]
    # The naive path reprocesses every capture of the window; ours selects distinct bodies.
    timed_run["naive_ratio"] = per_capture * built["captures"] / timed_run["wall_s"]
    return built, timed_run


def report(options: BackfillOptions, built: dict, result: dict) -> None:
    full = BackfillOptions()
    scale = full.captures / built["captures"]
    print_table(
        f"Backfill reprocessing: {options.days} days x {built['feeds']} feeds polled every 15 min "
        "(PostgreSQL)",
        [
            "captures",
            "distinct bodies",
            "processed",
            "items",
            "new",
            "wall s",
            "CPU s",
            "s/day (median)",
            "peak RSS MB",
        ],
        [
            [
                built["captures"],
                built["bodies"],
                result["selected"],
                result["items"],
                result["new"],
                result["wall_s"],
                result["cpu_s"],
                median(result["per_day_s"]),
                result["peak_rss_mb"],
            ]
        ],
        [
            f"body changes every {options.change_every_h} h ({options.new_per_change} new of "
            f"{options.items} items); processed = captures selected by history_captures "
            "(one per distinct body per feed and day); one run.",
            f"errors: {result['errors'] or 'none'}; warm-up before the clock (models, parse "
            f"worker): {result['warm_up_s']:.1f} s; target: {full.captures:,} captures in "
            f"< {TARGET_S} s; linear extrapolation of this run to the full size: "
            f"{result['wall_s'] * scale:,.0f} s.",
            # A cost that grows with the archive shows as a rising sequence here.
            "s per day, in order: " + " ".join(f"{s:.1f}" for s in result["per_day_s"]),
            f"naive baseline (bench.naive: every capture through feedparser, bs4, langdetect, one "
            f"ORM insert per item), timed on {result['naive_sample']} captures spread over the "
            f"window: {result['naive_s_per_capture'] * 1000:.0f} ms per capture, "
            f"{result['naive_s_per_capture'] * built['captures']:,.0f} s for all "
            f"{built['captures']:,}; the backfill is {result['naive_ratio']:.1f}x faster.",
        ],
    )


def options_for(quick: bool) -> BackfillOptions:
    return BackfillOptions(days=2, feeds=10) if quick else BackfillOptions()


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): ``naive_ratio`` of the quick size,
    the baseline timed on 100 captures."""
    return run(options_for(quick=True), naive_sample=100)[1]["naive_ratio"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--change-every-h", type=int, default=4)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument(
        "--naive-sample", type=int, default=200, help="captures the naive baseline is timed on"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--naive-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        emit_result(worker(args.db, args.days))
        return 0
    if args.naive_worker:
        emit_result(naive_worker(args.db, args.naive_worker))
        return 0
    options = BackfillOptions(args.days, args.feeds, args.change_every_h, args.items)
    built, result = run(options, args.naive_sample)
    report(options, built, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
