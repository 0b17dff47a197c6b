"""CPU cost of polling a feed that did not change: a 304, or the same body without validators.

Two loopback servers run in their own processes (so that serving is not counted): the offline
newsroom, which answers conditional requests with 304, and a plain server that sends the same
feed body every time with neither ETag nor Last-Modified (the pipeline then recognises the body by
its SHA-256). Each feed is polled once and processed, so that its validators and body hash are
stored; then ``pipeline.flows.ingest.fetch_feed`` is timed with ``time.process_time`` on every poll
(robots.txt, the network guard, the fetch row and the feed's health on PostgreSQL included).
A second measure polls 50 unchanged feeds in one ``fetch_feeds`` call and divides by 50. The
naive baseline, timed the same way on the same feed, is what GitHub news pipelines do on every
poll: ``feedparser.parse(url)`` (no validators, the whole document parsed), before any database
work. Target: under 1 ms of CPU per unchanged poll.

    .venv/bin/python -m bench.unchanged_poll [--polls 200] [--batches 20] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.common import (
    REPO,
    median,
    print_table,
    profile_text,
    scratch_database,
    spread,
    trim_profile,
)

BATCH_FEEDS = 50
ROBOTS = b"User-agent: *\nAllow: /\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 120) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return response.read()
        except urllib.error.HTTPError:
            raise
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _serve_static(port: int, body: bytes) -> None:
    """The same body on every path but robots.txt, without validators."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
            payload = ROBOTS if self.path == "/robots.txt" else body
            ctype = "text/plain" if self.path == "/robots.txt" else "application/rss+xml"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def live_feed_path() -> str:
    """The first live feed of the first newsroom outlet."""
    from newsroom.catalog import feed_path
    from newsroom.outlets import OUTLETS

    return feed_path(OUTLETS[0], OUTLETS[0].feeds[0])


class Servers:
    """The newsroom (304s) and the static server (same body, no validators), each a process."""

    def __init__(self) -> None:
        self.newsroom_port = free_port()
        self.static_port = free_port()
        self._newsroom: subprocess.Popen | None = None
        self._static: multiprocessing.Process | None = None

    def __enter__(self) -> Servers:
        self._newsroom = subprocess.Popen(
            [
                sys.executable, "-m", "newsroom", "--port", str(self.newsroom_port),
                "--extra-feeds", str(BATCH_FEEDS),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,  # the newsroom is a folder of the repository, not an installed package
        )  # fmt: skip
        body = wait_for(self.newsroom_url(live_feed_path()))
        self._static = multiprocessing.get_context("spawn").Process(
            target=_serve_static, args=(self.static_port, body), daemon=True
        )
        self._static.start()
        wait_for(self.static_url("/robots.txt"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._newsroom is not None:
            self._newsroom.terminate()
            self._newsroom.wait(timeout=10)
        if self._static is not None:
            self._static.terminate()
            self._static.join(timeout=10)

    def newsroom_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.newsroom_port}{path}"

    def static_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.static_port}{path}"

    def newsroom_feeds(self) -> list[str]:
        from newsroom import CatalogOptions, build_catalog
        from newsroom.catalog import feed_path

        catalog = build_catalog(CatalogOptions(extra_feeds=BATCH_FEEDS))
        paths = [feed_path(o, f) for o in catalog.outlets for f in o.feeds]
        return [self.newsroom_url(p) for p in paths if p.startswith("/extra-")][:BATCH_FEEDS]


@dataclass
class PollResult:
    case: str
    single_ms: list[float]
    batch_ms_per_feed: list[float]
    outcome: str
    naive_ms: list[float]

    @property
    def naive_ratio(self) -> float:
        """How many times the naive poll's CPU is ours (one feed alone, ``fetch_feed``)."""
        return median(self.naive_ms) / median(self.single_ms)

    @property
    def batch_ratio(self) -> float:
        """How many times the naive poll's CPU is ours per feed of a batch (``fetch_feeds``, as
        the DAG's fetch tasks poll)."""
        return median(self.naive_ms) / median(self.batch_ms_per_feed)


def _settings(url: str):
    from pipeline.config import Settings

    # No spacing between two requests to one host: every feed here is on one loopback host, and
    # the spacing only adds waiting, not CPU.
    return Settings(archive_url=url, allow_private_networks=True, per_host_spacing_s=0.0)


def _first_polls(engine, feed_ids: list[int], settings) -> None:
    """Poll and process once, so that validators and body hashes are stored."""
    from pipeline.flows.ingest import fetch_feeds, process_captures

    fetched = fetch_feeds(engine, feed_ids, settings)
    process_captures(engine, [f.capture_id for f in fetched if f.capture_id], settings)


def _describe(outcome) -> str:
    if outcome.error_class:
        return f"error {outcome.error_class}"
    if outcome.not_modified:
        return "304 not modified"
    if outcome.unchanged:
        return "200, unchanged body"
    return f"{outcome.status}, processed as new"


def measure(
    db_url: str,
    case: str,
    single: str,
    batch: list[str],
    polls: int,
    batches: int,
    profiler: cProfile.Profile | None = None,
):
    from pipeline.flows.ingest import fetch_feed, fetch_feeds, prepare

    settings = _settings(db_url)
    engine, ids = prepare(settings, [single, *batch])
    _first_polls(engine, ids, settings)
    single_ms: list[float] = []
    outcome = None
    for _ in range(polls):
        cpu = time.process_time()
        outcome = fetch_feed(engine, ids[0], settings)
        single_ms.append((time.process_time() - cpu) * 1000)
    if profiler is not None:
        profiler.enable()
        for _ in range(min(polls, 50)):
            fetch_feed(engine, ids[0], settings)
        profiler.disable()
    naive_ms = _naive_polls(single, polls)
    batch_ms: list[float] = []
    for _ in range(batches):
        cpu = time.process_time()
        outcomes = fetch_feeds(engine, ids[1:], settings)
        batch_ms.append((time.process_time() - cpu) * 1000 / len(outcomes))
    engine.dispose()
    return PollResult(case, single_ms, batch_ms, _describe(outcome), naive_ms)


def _naive_polls(url: str, polls: int) -> list[float]:
    """CPU ms of each naive poll of ``url``: feedparser fetching and parsing the whole feed."""
    import feedparser

    out = []
    for _ in range(polls):
        cpu = time.process_time()
        parsed = feedparser.parse(url)
        out.append((time.process_time() - cpu) * 1000)
        if not parsed.entries:
            raise RuntimeError(
                f"the naive poll of {url} found no entries: {parsed.get('bozo_exception')}"
            )
    return out


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): the smaller ``batch_ratio`` of the
    two cases, in a small run."""
    results, _ = run(polls=30, batches=3)
    return min(r.batch_ratio for r in results)


def run(polls: int, batches: int, profile: bool = False) -> tuple[list[PollResult], str | None]:
    from pipeline.archive.db import engine_for

    results = []
    # CPU time, like the measure: a wall-clock profile is mostly the wait for the server.
    profiler = cProfile.Profile(time.process_time) if profile else None
    with Servers() as servers:
        feeds = servers.newsroom_feeds()
        cases = [
            ("304 (ETag / Last-Modified)", servers.newsroom_url(live_feed_path()), feeds),
            (
                "200, identical body, no validators",
                servers.static_url("/kronika/rss.xml"),
                [servers.static_url(f"/feed-{i}.xml") for i in range(BATCH_FEEDS)],
            ),
        ]
        for case, single, batch in cases:
            with scratch_database("bench_poll") as url:
                try:
                    # The profile (untimed) covers the 304 case only.
                    who = profiler if case.startswith("304") else None
                    results.append(measure(url, case, single, batch, polls, batches, who))
                finally:
                    engine_for.cache_clear()
    if profiler is None:
        return results, None
    text = profile_text(profiler, "cumulative") + profile_text(profiler, "tottime")
    return results, text


def report(results: list[PollResult], polls: int, batches: int, profile: str | None = None) -> None:
    rows = [
        [
            r.case,
            r.outcome,
            median(r.single_ms),
            spread(r.single_ms),
            median(r.batch_ms_per_feed),
            spread(r.batch_ms_per_feed),
            median(r.naive_ms),
            r.naive_ratio,
            r.batch_ratio,
        ]
        for r in results
    ]
    print_table(
        "Unchanged poll: CPU per poll (this process: fetch, guard, robots, DB writes)",
        [
            "case",
            "outcome",
            "fetch_feed ms",
            "range",
            f"fetch_feeds/{BATCH_FEEDS} ms",
            "range",
            "naive ms",
            "naive / fetch_feed",
            "naive / batched",
        ],
        rows,
        [
            f"fetch_feed: median of {polls} polls of one feed; fetch_feeds: median of {batches} "
            f"polls of {BATCH_FEEDS} feeds in one call, divided by {BATCH_FEEDS}.",
            "Loopback servers in other processes; archive on PostgreSQL; target < 1 ms CPU per poll.",
            f"naive: median of {polls} feedparser.parse(url) of the same feed (fetch and parse, "
            "no database), and how many times it costs one fetch_feed, and one feed of fetch_feeds.",
        ],
    )
    if profile:
        print("\nProfile of 50 single-feed 304 polls (fetch_feed): by cumulative, then own time")
        print(trim_profile(profile))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile 50 single 304 polls")
    args = parser.parse_args(argv)
    results, profile = run(args.polls, args.batches, args.profile)
    report(results, args.polls, args.batches, profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
