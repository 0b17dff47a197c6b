"""The newsroom's HTTP server (standard library only), for tests, benchmarks and the demo.

URL map (every document as it looks at the server's clock; nothing published later is served):

    /                                   index of the outlets (HTML)
    /robots.txt                         with Sitemap: lines
    /<slug>/                            homepage with <link rel="alternate"> feed autodiscovery
    /<slug>/<feed path>                 live feeds: the latest `live_items` items (see outlets.py)
    /<slug>/feed/?paged=N               WordPress outlets: older pages; 404 past the last one
    /<slug>/YYYY/MM/DD/feed/            WordPress date archive: every item of that UTC day
    /<slug>/YYYY/MM/feed/               WordPress month archive (also ?paged=N)
    /<slug>/sitemap.xml                 news-sitemap outlets: index of monthly sitemaps
    /<slug>/sitemap-YYYY-MM.xml         that month's articles with news: tags
    article paths                       full HTML pages; any query string (utm_...) is ignored

Responses carry ETag and Last-Modified and answer 304 to If-None-Match / If-Modified-Since;
bodies of 1 KiB or more are gzipped when the client accepts it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from newsroom import render
from newsroom.catalog import (
    Article,
    Catalog,
    CatalogOptions,
    ExpectedArticle,
    build_catalog,
    default_catalog,
    expected_articles,
)
from newsroom.outlets import FeedDef, OutletDef
from newsroom.registry_file import newsroom_registry, write_registry
from pipeline.sources.registry import Registry

Clock = Callable[[], datetime]
Query = dict[str, list[str]]

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
# Bodies smaller than this are sent uncompressed even when the client accepts gzip.
GZIP_MIN_BYTES = 1024

_DATE_ARCHIVE = re.compile(r"^/([a-z0-9-]+)/(\d{4})/(\d{2})/(?:(\d{2})/)?feed/?$")
_SITEMAP_MONTH = re.compile(r"^/([a-z0-9-]+)/sitemap-(\d{4})-(\d{2})\.xml$")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = TEXT
    last_modified: datetime | None = None
    location: str | None = None


NOT_FOUND = Response(404, b"Not found\n")


def respond(catalog: Catalog, raw_path: str, clock: datetime, base: str) -> Response:
    """Route one GET to its document as the newsroom looks at `clock`."""
    parts = urlsplit(raw_path)
    path, query = parts.path, parse_qs(parts.query)
    if path == "/":
        return Response(200, render.render_index(catalog, base), HTML, catalog.anchor)
    if path == "/robots.txt":
        return Response(200, render.render_robots(catalog, base), TEXT, catalog.anchor)
    if path in catalog.feeds:
        return _live_feed(catalog, path, query, clock, base)
    if (m := _DATE_ARCHIVE.match(path)) is not None:
        return _date_archive(catalog, m, query, clock, base)
    if (m := _SITEMAP_MONTH.match(path)) is not None:
        return _sitemap_month(catalog, m, clock, base)
    article = catalog.by_path.get(path)
    if article is not None and article.published_at <= clock:
        outlet = catalog.outlet(article.outlet)
        assert outlet is not None
        visible = catalog.outlet_articles(outlet.slug, clock)
        body = render.render_article_page(catalog, outlet, article, visible, base)
        return Response(200, body, HTML, article.published_at)
    segments = [s for s in path.split("/") if s]
    outlet = catalog.outlet(segments[0]) if segments else None
    if outlet is None:
        return NOT_FOUND
    if len(segments) == 1 and not path.endswith("/"):
        return Response(301, location=f"{base}/{outlet.slug}/")
    if path == f"/{outlet.slug}/":
        visible = catalog.outlet_articles(outlet.slug, clock)
        body = render.render_homepage(outlet, visible, base)
        return Response(200, body, HTML, visible[0].published_at if visible else catalog.anchor)
    if path == f"/{outlet.slug}/sitemap.xml" and outlet.news_sitemap:
        months = catalog.months(outlet.slug, clock)
        body = render.render_sitemap_index(catalog, outlet, months, clock, base)
        newest = catalog.outlet_articles(outlet.slug, clock)
        return Response(200, body, XML, newest[0].published_at if newest else catalog.anchor)
    return NOT_FOUND


def _page_number(query: Query) -> int | None:
    raw = query.get("paged", ["1"])[0]
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


def _feed_response(
    catalog: Catalog,
    outlet: OutletDef,
    feed: FeedDef,
    items: Sequence[Article],
    base: str,
    self_url: str,
    suffix: str = "",
) -> Response:
    body = render.render_feed(catalog, outlet, feed, items, base, self_url, suffix)
    ctype = ATOM if feed.kind == "atom" else RSS
    newest = max((a.published_at for a in items), default=catalog.anchor)
    return Response(200, body, ctype, newest)


def _live_feed(catalog: Catalog, path: str, query: Query, clock: datetime, base: str) -> Response:
    outlet, feed = catalog.feeds[path]
    page = 1
    if feed.kind == "wordpress":
        page = _page_number(query)
        if page is None:
            return NOT_FOUND
    items = catalog.feed_items(path, clock, page)
    if page > 1 and not items:  # WordPress answers 404 past the last page
        return NOT_FOUND
    self_url = base + path + (f"?paged={page}" if page > 1 else "")
    return _feed_response(catalog, outlet, feed, items, base, self_url)


def _date_archive(
    catalog: Catalog, m: re.Match, query: Query, clock: datetime, base: str
) -> Response:
    outlet = catalog.outlet(m.group(1))
    if outlet is None or not outlet.is_wordpress:
        return NOT_FOUND
    year, month = int(m.group(2)), int(m.group(3))
    try:
        day = date(year, month, int(m.group(4) or 1))
    except ValueError:
        return NOT_FOUND
    page = _page_number(query)
    if page is None:
        return NOT_FOUND
    if m.group(4):
        items = catalog.day_items(outlet.slug, day, clock)
        suffix = f" » {day:%Y/%m/%d}"
    else:
        items = catalog.month_items(outlet.slug, year, month, clock)
        suffix = f" » {day:%Y/%m}"
    size = catalog.options.live_items
    items = items[(page - 1) * size : page * size]
    if page > 1 and not items:
        return NOT_FOUND
    feed = next(f for f in outlet.feeds if f.sections is None)
    self_url = base + m.group(0)
    return _feed_response(catalog, outlet, feed, items, base, self_url, suffix)


def _sitemap_month(catalog: Catalog, m: re.Match, clock: datetime, base: str) -> Response:
    outlet = catalog.outlet(m.group(1))
    if outlet is None or not outlet.news_sitemap:
        return NOT_FOUND
    year, month = int(m.group(2)), int(m.group(3))
    if (year, month) not in catalog.months(outlet.slug, clock):
        return NOT_FOUND
    items = sorted(
        catalog.month_items(outlet.slug, year, month, clock), key=lambda a: a.published_at
    )
    body = render.render_sitemap_month(outlet, items, base)
    return Response(200, body, XML, items[-1].published_at)


class _Handler(BaseHTTPRequestHandler):
    server_version = "Newsroom/1.0"
    protocol_version = "HTTP/1.1"
    newsroom: NewsroomServer  # set on the subclass made per server

    def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass

    def _serve(self, send_body: bool) -> None:
        room = self.newsroom
        if room.delay_s > 0:
            time.sleep(room.delay_s)
        host = self.headers.get("Host")
        base = f"http://{host}" if host else room.base_url
        clock = room.now()
        resp = respond(room.catalog, self.path, clock, base)
        if resp.status == 301:
            self.send_response(301)
            self.send_header("Location", resp.location or "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = resp.body
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and len(body) >= GZIP_MIN_BYTES
        if gzipped:
            etag = etag[:-1] + '-gzip"'  # another representation, another strong validator
        if resp.status == 200 and self._not_modified(etag, resp.last_modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            if resp.last_modified:
                self.send_header("Last-Modified", format_datetime(resp.last_modified, usegmt=True))
            self.end_headers()
            return
        if gzipped:
            body = gzip.compress(body, compresslevel=5, mtime=0)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        if resp.status == 200:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "max-age=60")
            if resp.last_modified:
                self.send_header("Last-Modified", format_datetime(resp.last_modified, usegmt=True))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _not_modified(self, etag: str, last_modified: datetime | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            # Either representation's validator revalidates the same content.
            tags = [t.strip().removeprefix("W/").replace('-gzip"', '"') for t in inm.split(",")]
            return "*" in tags or etag.replace('-gzip"', '"') in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and last_modified is not None:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return last_modified.replace(microsecond=0) <= since
        return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # benchmarks open many connections at once


class NewsroomServer:
    """The newsroom on a loopback port, in a daemon thread; a context manager for tests."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        delay_s: float = 0.0,
    ):
        self.catalog = catalog or default_catalog()
        self.host = host
        self.port = port
        self.clock: Clock = clock or utc_now
        self.delay_s = delay_s
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._registry_file: Path | None = None

    def now(self) -> datetime:
        now = self.clock()
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

    def start(self) -> NewsroomServer:
        if self._httpd is not None:
            return self
        self._httpd = self._bind()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="newsroom", daemon=True
        )
        self._thread.start()
        return self

    def _bind(self) -> _HTTPServer:
        handler = type("NewsroomHandler", (_Handler,), {"newsroom": self})
        httpd = _HTTPServer((self.host, self.port), handler)
        self.port = httpd.server_address[1]
        return httpd

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> NewsroomServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def registry(self) -> Registry:
        return newsroom_registry(self.base_url, self.catalog)

    def write_registry(self, path: str | os.PathLike[str]) -> Path:
        """Write this server's registry file (feed URLs under `base_url`) to `path`; returns it,
        for `Settings(sources=str(server.write_registry(tmp_path / "newsroom.toml")))`."""
        if self.port == 0:
            raise RuntimeError("start the newsroom before writing its registry (port not bound)")
        self._registry_file = write_registry(path, self.base_url, self.catalog)
        return self._registry_file

    @property
    def registry_file(self) -> Path:
        """The registry file `write_registry` last wrote."""
        if self._registry_file is None:
            raise RuntimeError("no registry file yet: call write_registry(path) first")
        return self._registry_file

    def expected(self) -> list[ExpectedArticle]:
        return expected_articles(self.catalog, self.base_url)


def serve_forever(
    port: int,
    host: str = "127.0.0.1",
    options: CatalogOptions | None = None,
    delay_s: float = 0.0,
    registry_out: str | os.PathLike[str] | None = None,
) -> None:
    """Serve the newsroom in the foreground until interrupted (`python -m newsroom`).

    Default options give the seed stories over the 14 days before today; pass e.g.
    `CatalogOptions(live_items=5)` so that backfills need the archives, or `synthetic`/`extra_feeds`
    for benchmarks. With `registry_out`, the registry file of this catalog (feed URLs under this
    server's address) is written there once the port is bound and before requests are served, so
    a caller may wait for the file and then poll.
    """
    catalog = build_catalog(options) if options is not None else default_catalog()
    server = NewsroomServer(catalog=catalog, host=host, port=port, delay_s=delay_s)
    httpd = server._bind()
    if registry_out is not None:
        written = server.write_registry(registry_out)
        print(f"newsroom: registry written to {written}", flush=True)
    print(f"newsroom: {len(catalog.articles)} articles on {server.base_url}/", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
