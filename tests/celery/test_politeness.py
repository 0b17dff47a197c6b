"""Per-host politeness across workers (pipeline.fetch.coordination), as seen by the host itself."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from pipeline.fetch.coordination import CoordinationOptions, HostSlots, LocalSlots, host_limiter

pytestmark = [pytest.mark.celery]

# Worker processes import this module: it stays light (no pipeline.flows.ingest, no Airflow).
REDIS_URL = os.environ.get("NEWS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Each request keeps its connection open this long, so that overlapping requests do overlap.
HOLD_S = 0.05


class CountingServer:
    """Counts requests in flight and remembers when each one started."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.starts: list[float] = []
        counter = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with counter.lock:
                    counter.in_flight += 1
                    counter.peak = max(counter.peak, counter.in_flight)
                    counter.starts.append(time.monotonic())
                try:
                    time.sleep(HOLD_S)
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                finally:
                    with counter.lock:
                        counter.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hammer(url: str, options: CoordinationOptions, requests: int, threads: int, barrier) -> None:
    """One worker process: many threads fetching one host through the limiter."""
    limiter = host_limiter(options)

    def one(_i: int) -> None:
        with limiter.slot("127.0.0.1"):
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()

    barrier.wait(timeout=60)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(requests)))


def run_two_workers(server: CountingServer, options: CoordinationOptions, requests: int = 12):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [
        ctx.Process(target=hammer, args=(server.url, options, requests, 6, barrier))
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(server.starts) == 2 * requests


@pytest.fixture
def counting_server():
    server = CountingServer()
    yield server
    server.stop()


@pytest.fixture
def shared_options():
    prefix = f"news-test-politeness-{uuid.uuid4().hex[:8]}"
    yield CoordinationOptions(redis_url=REDIS_URL, per_host=2, spacing_s=0.0, key_prefix=prefix)
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_processes_never_exceed_two_requests_to_one_host(counting_server, shared_options):
    run_two_workers(counting_server, shared_options)
    # Twelve threads in two processes wanted the host at once; it saw two at most, and two.
    assert counting_server.peak == 2


def test_without_shared_state_the_server_would_see_more(counting_server):
    # The control: the same load with each process keeping its own limits breaks the promise,
    # so the test above would notice if the limiter were not shared.
    run_two_workers(counting_server, CoordinationOptions(redis_url=None, spacing_s=0.0))
    assert counting_server.peak > 2


def test_spacing_holds_across_processes(counting_server, shared_options):
    spacing = 0.2
    options = CoordinationOptions(**{**shared_options.__dict__, "spacing_s": spacing})
    run_two_workers(counting_server, options, requests=4)
    starts = sorted(counting_server.starts)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # Measured at the server, where connection set-up adds jitter to each start: never a burst,
    # and the spacing on average.
    assert min(gaps) >= spacing / 2, gaps
    assert sum(gaps) / len(gaps) >= spacing * 0.9, gaps


def test_a_lease_of_a_dead_holder_expires(shared_options):
    options = CoordinationOptions(**{**shared_options.__dict__, "lease_ttl_s": 0.5})
    limiter = host_limiter(options)
    # Two holders take both slots and die without releasing them.
    for _ in range(2):
        token, _wait = limiter.backend.try_acquire("outlet.example", 0.0)
        assert token is not None
    token, wait = limiter.backend.try_acquire("outlet.example", 0.0)
    assert token is None and wait > 0
    started = time.monotonic()
    with limiter.slot("outlet.example"):
        waited = time.monotonic() - started
    assert 0.2 < waited < 5
    limiter.close()


def test_async_slots_share_the_limit():
    options = CoordinationOptions(per_host=2, spacing_s=0.0)
    limiter = HostSlots(LocalSlots(options), options)
    active = peak = 0

    async def one() -> None:
        nonlocal active, peak
        async with limiter.slot_async("outlet.example"):
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.02)
            active -= 1

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(10)))

    asyncio.run(main())
    assert peak == 2


def fetch_through_pipeline(url: str, redis_url: str, requests: int, barrier) -> None:
    """A worker of the real fetch path: one FetchSession, many URLs of one host at once."""
    from pipeline.config import Settings
    from pipeline.fetch import FetchOptions, FetchSession

    settings = Settings.from_env(
        allow_private_networks=True,
        redis_url=redis_url,
        per_host_spacing_s=0.0,
        respect_robots=False,
    )

    async def cycle() -> None:
        async with FetchSession(FetchOptions.from_settings(settings), concurrency=16) as session:
            results = await asyncio.gather(
                *(session.fetch(f"{url}?n={i}") for i in range(requests))
            )
        assert all(r.status == 200 for r in results), [r.error_class for r in results]

    barrier.wait(timeout=60)
    asyncio.run(cycle())


def test_fetch_path_holds_two_per_host_across_processes(counting_server):
    """With NEWS_REDIS_URL set, FetchSession takes its host slots from Redis."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [
        ctx.Process(
            target=fetch_through_pipeline, args=(counting_server.url, REDIS_URL, 8, barrier)
        )
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(counting_server.starts) == 16
    assert counting_server.peak <= 2
