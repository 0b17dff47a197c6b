"""Per-article preparation: ``build_article`` (cleaning the content and summary HTML), the
comparison texts of the dedup stage and the MinHash signature, timed on the newsroom's synthetic
articles (full text, 1,500-4,000 characters, seven languages), beside the naive baseline's
cleaning (BeautifulSoup ``get_text`` of the content and the summary, ``bench.naive``).

Feeds are rendered and parsed before the clock starts; each stage is then run over every entry
``--runs`` times and the median per-article CPU time of this process is reported (CPU rather than
wall time: the machine is shared; the spread of the runs is shown too).

    .venv/bin/python -m bench.article_prep [--articles 2000] [--items 50] [--runs 7]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench import naive
from bench.common import emit_result, median, print_table, spread
from bench.processing import BASE_URL, synthetic_catalog, synthetic_documents
from pipeline.dedup.compare import comparison as _comparison
from pipeline.dedup.near import signature
from pipeline.flows.article_row import FeedContext, build_article
from pipeline.parse import parse_feed
from pipeline.parse.feeds import Entry
from pipeline.types import Article

SEEN_AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def newsroom_entries(articles: int, items: int) -> list[Entry]:
    catalog = synthetic_catalog(articles)
    entries: list[Entry] = []
    for doc in synthetic_documents(catalog, items):
        feed_url = f"{BASE_URL}/{doc.outlet}/bench.xml"
        entries += parse_feed(doc.body, base_url=feed_url).entries
    return entries


def _context() -> FeedContext:
    return FeedContext(
        feed_id=1,
        outlet_id=1,
        feed_url=f"{BASE_URL}/bench.xml",
        language=None,
        capture_id=None,
        seen_at=SEEN_AT,
    )


def _per_article_us(fn: Callable[[], object], count: int, runs: int) -> list[float]:
    fn()  # warm caches (translation tables, compiled patterns) before timing
    samples = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        samples.append((time.process_time() - started) / count * 1e6)
    return samples


def run(articles: int, items: int, runs: int) -> dict[str, list[float]]:
    entries = newsroom_entries(articles, items)
    ctx = _context()
    rows = [row for e in entries if isinstance(row := build_article(e, ctx), Article)]
    compared = [_comparison(row) for row in rows]

    def build_all() -> None:
        for entry in entries:
            build_article(entry, ctx)

    def compare_all() -> None:
        for row in rows:
            _comparison(row)

    def sign_all() -> None:
        # As the dedup stage does: the body alone, or the title with it when the body is short.
        for title, body, _, _ in compared:
            signature(body) or signature(f"{title} {body}")

    def naive_all() -> None:
        for entry in entries:
            naive.clean_text(entry.content_html or entry.summary_html)
            naive.clean_text(entry.summary_html)

    return {
        "naive get_text": _per_article_us(naive_all, len(entries), runs),
        "build_article": _per_article_us(build_all, len(entries), runs),
        "comparison": _per_article_us(compare_all, len(rows), runs),
        "signature": _per_article_us(sign_all, len(rows), runs),
        "articles": [float(len(entries))],
    }


def naive_ratio(samples: dict[str, list[float]]) -> float:
    """How many times the naive baseline's cleaning costs our whole ``build_article`` (which also
    sanitises the HTML, removes furniture and repeats, and reads dates and identities)."""
    return median(samples["naive get_text"]) / median(samples["build_article"])


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): ``naive_ratio`` of a small run."""
    return naive_ratio(run(500, 50, 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    samples = run(args.articles, args.items, args.runs)
    count = int(samples.pop("articles")[0])
    print_table(
        f"Article preparation: {count} newsroom articles, {args.runs} runs (CPU time)",
        ["stage", "median µs/article", "spread µs"],
        [[name, f"{median(values):.1f}", spread(values)] for name, values in samples.items()],
        [f"naive get_text / build_article: {naive_ratio(samples):.2f}x (same run)"],
    )
    emit_result(
        {
            "benchmark": "article_prep",
            "articles": count,
            "median_us": {name: round(median(values), 2) for name, values in samples.items()},
            "naive_over_build": round(naive_ratio(samples), 3),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
