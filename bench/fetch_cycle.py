"""One fetch cycle over 1,000 loopback feeds answering with 200 ms latency.

Usage: .venv/bin/python bench/fetch_cycle.py [--feeds 1000] [--hosts 100] [--latency 0.2]
                                             [--runs 3] [--concurrency N] [--spacing S]
                                             [--naive-feeds 20]

The feeds are spread over many host names (127.0.0.1 .. 127.0.0.N, one server each, in a
separate process so that serving does not compete with the client for the GIL). Each cycle is
``pipeline.flows.ingest.fetch_feeds`` on a fresh SQLite archive: robots.txt, per-host limits, the
network guard, raw captures and fetch rows included. The server records how many requests each
host had in flight at once and the shortest gap between two request starts to one host, so the
per-host limits are checked, not assumed. Target: median at most 20 s on the project machine.
The naive baseline, in the same run against the same servers, is ``feedparser.parse(url)`` one
feed after the other (its time per feed is measured on the first ``--naive-feeds`` feeds).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {n}</title>'
    "<link>http://bench.invalid/</link>"
    + "".join(
        f"<item><title>Vest {{n}}-{i}</title><link>http://bench.invalid/{{n}}/{i}</link>"
        f"<description>Kratak opis vesti broj {i} za merenje.</description></item>"
        for i in range(5)
    )
    + "</channel></rss>"
)


def _serve(hosts: int, latency: float, port: int, ready, stats) -> None:
    async def main() -> None:
        in_flight: dict[str, int] = {}
        peak: dict[str, int] = {}
        last_start: dict[str, float] = {}
        min_gap: dict[str, float] = {}

        def handler_for(host: str):
            async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
                try:
                    request = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    writer.close()
                    return
                path = request.split(b" ", 2)[1].decode()
                now = time.monotonic()
                if path != "/robots.txt":
                    if host in last_start:
                        gap = now - last_start[host]
                        min_gap[host] = min(min_gap.get(host, gap), gap)
                    last_start[host] = now
                in_flight[host] = in_flight.get(host, 0) + 1
                peak[host] = max(peak.get(host, 0), in_flight[host])
                await asyncio.sleep(latency)
                if path == "/robots.txt":
                    status, body = b"404 Not Found", b""
                else:
                    status, body = b"200 OK", FEED.replace("{n}", path.strip("/")).encode()
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/rss+xml\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                in_flight[host] -= 1
                try:
                    await writer.drain()
                    # Keep-alive: serve further requests on the same connection.
                    await handle(reader, writer)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()

            return handle

        servers = []
        for i in range(1, hosts + 1):
            host = f"127.0.0.{i}"
            servers.append(await asyncio.start_server(handler_for(host), host, port, backlog=256))
        ready.set()
        while True:
            await asyncio.sleep(0.2)
            stats["peak"] = max(peak.values(), default=0)
            stats["min_gap"] = min(min_gap.values(), default=-1.0)

    asyncio.run(main())


def _cycle(urls: list[str], concurrency: int | None, spacing: float | None) -> tuple[float, dict]:
    from pipeline.config import Settings
    from pipeline.flows.ingest import fetch_feeds, prepare

    with tempfile.TemporaryDirectory() as tmp:
        overrides = {"allow_private_networks": True}
        if concurrency:
            overrides["fetch_concurrency"] = concurrency
        if spacing is not None:
            overrides["per_host_spacing_s"] = spacing
        settings = Settings.from_env(archive_url=f"sqlite:///{tmp}/bench.sqlite", **overrides)
        engine, ids = prepare(settings, urls)
        started, cpu_started = time.monotonic(), time.process_time()
        outcomes = fetch_feeds(engine, ids, settings, run_id="bench")
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu_started
        engine.dispose()
    errors: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.error_class:
            errors[outcome.error_class] = errors.get(outcome.error_class, 0) + 1
    return elapsed, {"fetched": len(outcomes), "errors": errors, "settings": settings, "cpu": cpu}


def _naive(urls: list[str]) -> float:
    """Seconds per feed of the naive baseline: ``feedparser.parse(url)`` one feed after the other,
    as GitHub news pipelines poll (no robots.txt, no limits, nothing stored)."""
    import feedparser

    started = time.monotonic()
    for url in urls:
        parsed = feedparser.parse(url)
        if not parsed.entries:
            raise RuntimeError(f"the naive fetch of {url} found no entries")
    return (time.monotonic() - started) / len(urls)


@dataclass
class CycleResult:
    feeds: int
    times: list[float]
    naive_s_per_feed: float

    @property
    def naive_ratio(self) -> float:
        """How many times the naive baseline's time for all the feeds (its time per feed, measured
        on a sample, times the feeds) is our cycle's (median)."""
        return self.naive_s_per_feed * self.feeds / statistics.median(self.times)


def cycles(
    feeds: int,
    hosts: int,
    latency: float,
    runs: int,
    port: int,
    concurrency: int | None = None,
    spacing: float | None = None,
    naive_feeds: int = 20,
) -> CycleResult:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    stats = context.Manager().dict()
    server = context.Process(target=_serve, args=(hosts, latency, port, ready, stats), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the bench server did not start")
        urls = [f"http://127.0.0.{i % hosts + 1}:{port}/feed-{i}" for i in range(feeds)]
        times = []
        load_before = os.getloadavg()[0]
        for run in range(runs):
            stats["peak"], stats["min_gap"] = 0, -1.0
            elapsed, info = _cycle(urls, concurrency, spacing)
            time.sleep(0.5)  # let the server publish its counters
            times.append(elapsed)
            settings = info["settings"]
            print(
                f"run {run + 1}: {elapsed:.2f} s (client CPU {info['cpu']:.2f} s), {info['fetched']} feeds, "
                f"errors {info['errors'] or 'none'}, "
                f"per-host peak in flight {stats['peak']} (limit {settings.per_host_concurrency}), "
                f"shortest per-host gap {stats['min_gap']:.3f} s (spacing {settings.per_host_spacing_s} s)"
            )
        result = CycleResult(feeds, times, _naive(urls[:naive_feeds]))
        print(
            f"median of {runs}: {statistics.median(times):.2f} s for {feeds} feeds on "
            f"{hosts} hosts, {latency * 1000:.0f} ms latency, "
            f"fetch_concurrency {settings.fetch_concurrency} (target <= 20 s); "
            f"load average before the runs {load_before:.1f} on {os.cpu_count()} CPUs"
        )
        print(
            f"naive baseline (feedparser.parse(url) one after the other, {naive_feeds} feeds): "
            f"{result.naive_s_per_feed:.3f} s per feed, {result.naive_s_per_feed * feeds:.0f} s "
            f"for {feeds} feeds; the cycle is {result.naive_ratio:.1f}x faster"
        )
        return result
    finally:
        server.kill()


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): ``naive_ratio`` of one cycle over 200
    feeds on 20 hosts."""
    from bench.unchanged_poll import free_port

    return cycles(200, 20, 0.2, 1, free_port()).naive_ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=18_731)
    parser.add_argument("--concurrency", type=int, help="fetch_concurrency (default: Settings)")
    parser.add_argument("--spacing", type=float, help="per-host spacing (default: Settings)")
    parser.add_argument(
        "--naive-feeds", type=int, default=20, help="feeds the naive baseline fetches"
    )
    args = parser.parse_args(argv)
    cycles(
        args.feeds,
        args.hosts,
        args.latency,
        args.runs,
        args.port,
        args.concurrency,
        args.spacing,
        args.naive_feeds,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
