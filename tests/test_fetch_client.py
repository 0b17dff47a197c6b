"""The HTTP client against a misbehaving loopback server: deadlines, caps, redirects, politeness."""

from __future__ import annotations

import asyncio
import gzip
import random
import resource
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.fetch import AddressPolicy, FetchOptions, FetchSession, fetch
from pipeline.fetch.politeness import PolitenessOptions
from pipeline.fetch.retry_after import MAX_RETRY_AFTER_S, jittered, parse_retry_after
from tests.hostile.server import (
    Canary,
    HostileServer,
    endless,
    endless_headers,
    gzip_bomb,
    redirect,
    send,
    silent,
    trickle,
)
from tests.hostile.support import bounded
from tests.hostile.tls import make_tls


def _options(*servers, **overrides) -> FetchOptions:
    values = {
        "user_agent": "TestArchive/1.0 (+http://example.invalid/contact)",
        "deadline_s": 3.0,
        "connect_timeout_s": 2.0,
        "max_bytes": 1024 * 1024,
        "policy": AddressPolicy(allowed_endpoints=frozenset(s.endpoint for s in servers)),
        "politeness": PolitenessOptions(spacing_s=0.0),
    }
    values.update(overrides)
    return FetchOptions(**values)


@pytest.fixture
def server():
    s = HostileServer().start()
    yield s
    s.stop()


def test_body_within_cap_is_read(server):
    url = server.serve("/ok.xml", b"<rss/>")
    result = fetch(url, options=_options(server))
    assert result.ok and result.body == b"<rss/>"
    assert "TestArchive/1.0" in server.requests[-1][1]["user-agent"]


def test_endless_body_stops_at_cap(server):
    url = server.on("/endless", endless())
    with bounded(10):
        result = fetch(url, options=_options(server))
    assert result.error_class == "too_large"
    assert result.body is None


def test_gzip_bomb_is_capped_after_decompression(server):
    url = server.on("/bomb", gzip_bomb(64 * 1024 * 1024))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with bounded(10):
        result = fetch(url, options=_options(server))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.error_class == "too_large"
    assert grown_mb < 48  # never inflated to 64 MB


def test_gzip_within_cap_is_inflated(server):
    url = server.serve("/z.xml", gzip.compress(b"<rss>" + b" " * 1000 + b"</rss>"),
                       headers={"Content-Encoding": "gzip"})  # fmt: skip
    result = fetch(url, options=_options(server))
    assert result.ok and result.body.startswith(b"<rss>") and len(result.body) == 1011


def test_trickle_server_hits_the_total_deadline(server):
    url = server.on("/trickle", trickle(interval_s=0.5))
    started = time.monotonic()
    result = fetch(url, options=_options(server, deadline_s=2.0))
    assert result.error_class == "timeout"
    assert time.monotonic() - started < 6


def test_silent_server_hits_the_total_deadline(server):
    url = server.on("/silent", silent())
    with bounded(6):
        result = fetch(url, options=_options(server, deadline_s=1.5))
    assert result.error_class == "timeout"


def test_redirect_loop_and_too_many_redirects(server):
    loop = server.on("/loop", redirect("/loop"))
    for i in range(7):
        server.on(f"/r{i}", redirect(f"/r{i + 1}"))
    server.serve("/r7", b"<rss/>")
    assert fetch(loop, options=_options(server)).error_class == "too_many_redirects"
    # /r0 needs 7 redirects: refused. /r2 needs 5: followed.
    assert fetch(server.url("/r0"), options=_options(server)).error_class == "too_many_redirects"
    followed = fetch(server.url("/r2"), options=_options(server))
    assert followed.ok and followed.final_url == server.url("/r7")


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/feed", "http://172.16.5.4/feed", "http://192.168.0.1/feed",
        "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/feed",
        "http://[::1]/feed", "http://[fc00::1]/feed", "http://[fe80::1]/feed",
        "http://[::ffff:127.0.0.1]/feed", "http://localhost/feed",
    ],
)  # fmt: skip
def test_redirect_to_private_addresses_is_refused(server, target):
    url = server.on("/go", redirect(target))
    result = fetch(url, options=_options(server))
    assert result.error_class == "blocked_address", result.error_message


def test_redirect_to_another_loopback_port_never_reaches_it(server):
    canary = Canary()
    try:
        url = server.on("/go", redirect(canary.url("/feed")))
        result = fetch(url, options=_options(server))
        time.sleep(0.3)
        assert result.error_class == "blocked_address"
        assert canary.connections == 0
        # Allowed explicitly, the same redirect does reach it.
        opened = fetch(url, options=_options(server, canary))
        time.sleep(0.3)
        assert opened.error_class is not None  # the canary hangs up without answering
        assert canary.connections >= 1
    finally:
        canary.close()


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "ftp://example.invalid/feed", "gopher://example.invalid/1",
     "javascript:alert(1)", "data:text/xml,<rss/>"],
)  # fmt: skip
def test_other_schemes_are_refused_directly_and_after_redirect(server, target):
    assert fetch(target, options=_options(server)).error_class == "bad_scheme"
    url = server.on("/go", redirect(target))
    # The HTTP client may itself reject a target ("javascript:...") while reading the redirect.
    assert fetch(url, options=_options(server)).error_class in {"bad_scheme", "bad_url"}


def test_overlong_url_is_refused(server):
    url = server.url("/" + "a" * 2100)
    assert fetch(url, options=_options(server)).error_class == "url_too_long"
    assert server.hits == {}


def test_retry_after_seconds_date_and_absurd():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now + timedelta(minutes=5), usegmt=True), now) == 300
    assert parse_retry_after(str(88 * 3600), now) == MAX_RETRY_AFTER_S
    assert parse_retry_after("Wed, 99 Foo 2026", now) is None
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    rng = random.Random(7)
    waits = {jittered(600, rng) for _ in range(20)}
    assert len(waits) > 1 and all(600 <= w <= 660 for w in waits)


def test_rate_limited_statuses_carry_retry_after(server):
    url = server.serve("/busy", b"", status=429, headers={"Retry-After": "90"})
    result = fetch(url, options=_options(server))
    assert result.error_class == "rate_limited" and result.retry_after_s == 90


def test_cloudflare_challenge_is_a_4xx(server):
    url = server.serve("/cf", b"<html>Just a moment...</html>", status=403,
                       headers={"cf-mitigated": "challenge", "Server": "cloudflare"},
                       content_type="text/html")  # fmt: skip
    result = fetch(url, options=_options(server))
    assert result.error_class == "http_4xx"
    assert "Cloudflare" in result.error_message


def test_hundreds_of_headers_are_survived(server):
    many = {f"X-Junk-{i}": "v" * 20 for i in range(300)}
    ok = server.serve("/many", b"<rss/>", headers=many)
    assert fetch(ok, options=_options(server)).ok
    flood = {f"X-Flood-{i}": "v" * 60 for i in range(3000)}
    bad = server.serve("/flood", b"<rss/>", headers=flood)
    with bounded(10):
        assert fetch(bad, options=_options(server)).error_class == "protocol"


def test_expired_certificate_is_a_tls_failure(tmp_path):
    context, ca = make_tls(tmp_path, expired=True)
    server = HostileServer(tls=context).start()
    try:
        url = server.serve("/feed.xml", b"<rss/>")
        result = fetch(url, options=_options(server, ca_bundle=str(ca)))
        assert result.error_class == "tls"
        assert "expired" in result.error_message
    finally:
        server.stop()


def test_valid_certificate_from_the_trusted_ca_works(tmp_path):
    context, ca = make_tls(tmp_path, expired=False)
    server = HostileServer(tls=context).start()
    try:
        url = server.serve("/feed.xml", b"<rss/>")
        assert fetch(url, options=_options(server, ca_bundle=str(ca))).ok
    finally:
        server.stop()


def test_per_host_limit_and_spacing_hold():
    server = HostileServer().start()
    active, peak = [0], [0]

    def slow(handler, srv) -> None:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        time.sleep(0.3)
        active[0] -= 1
        send(handler, 200, b"<rss/>", {})

    urls = [server.on(f"/f{i}", slow) for i in range(6)]
    options = _options(server, politeness=PolitenessOptions(per_host=2, spacing_s=0.1))

    async def cycle():
        async with FetchSession(options, concurrency=16) as session:
            return await asyncio.gather(*(session.fetch(u) for u in urls)), session

    try:
        started = time.monotonic()
        results, session = asyncio.run(cycle())
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert all(r.ok for r in results)
    assert peak[0] <= 2 and session.limiter.peak["127.0.0.1"] <= 2
    starts = [t for t in session.limiter._last_start.values()]
    assert starts and elapsed >= 0.9  # 6 requests, 2 at a time, 0.3 s each


def test_robots_txt_is_honoured():
    server = HostileServer().start()
    try:
        server.serve(
            "/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
        )
        private = server.serve("/private/feed.xml", b"<rss/>")
        public = server.serve("/public/feed.xml", b"<rss/>")
        options = _options(server)
        assert fetch(private, options=options).error_class == "robots_disallowed"
        assert fetch(public, options=options).ok
        assert "/private/feed.xml" not in server.hits
    finally:
        server.stop()


def test_one_shot_fetches_share_robots_and_spacing():
    server = HostileServer().start()
    try:
        urls = [server.serve(f"/page-{i}.html", b"<p>x</p>") for i in range(3)]
        options = _options(server, politeness=PolitenessOptions(spacing_s=0.3))
        started = time.monotonic()
        assert all(fetch(u, options=options).ok for u in urls)
        assert time.monotonic() - started >= 0.6  # two gaps of 0.3 s
        assert server.hits.get("/robots.txt") == 1
    finally:
        server.stop()


def test_a_cookie_set_before_a_redirect_is_sent_back(server):
    # A consent check: no cookie, set one and redirect to the same address; with it, the feed.
    def consent(handler, srv) -> None:
        if "seen=1" in (handler.headers.get("Cookie") or ""):
            send(handler, 200, b"<rss/>", {"Content-Type": "application/rss+xml"})
        else:
            send(handler, 302, b"", {"Set-Cookie": "seen=1; Path=/", "Location": "/consent.xml"})

    url = server.on("/consent.xml", consent)
    result = fetch(url, options=_options(server))
    assert result.ok and result.body == b"<rss/>"


def test_endless_headers_stop_at_the_head_cap(server):
    url = server.on("/headers", endless_headers())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with bounded(10):
        result = fetch(url, options=_options(server))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.error_class == "protocol" and "head" in result.error_message
    assert grown_mb < 48  # without the cap: 1.8 GB within a 3 s deadline


def test_large_bodies_on_one_kept_alive_connection_are_not_heads():
    body = b"<rss>" + b" " * (3 * 1024 * 1024) + b"</rss>"
    connections = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            connections.append(self.client_address)

        def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host, port = httpd.server_address
    options = _options(
        policy=AddressPolicy(allow_private=True),
        max_bytes=8 * 1024 * 1024,
        politeness=PolitenessOptions(spacing_s=0.0, respect_robots=False),
    )

    async def cycle():
        async with FetchSession(options) as session:
            return [await session.fetch(f"http://{host}:{port}/f{i}.xml") for i in range(3)]

    try:
        results = asyncio.run(cycle())
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert [(r.error_class, len(r.body or b"")) for r in results] == [(None, len(body))] * 3
    assert len(connections) == 1
