"""HTTP fetching of feeds and pages.

One request is bounded by a total wall-clock deadline (body included: per-read timeouts never stop
a server that trickles one byte a second), a byte cap counted after decompression, a redirect
limit and the network guard, which checks the address actually connected to on every hop.
Failures come back as a ``FetchResult`` with an error class; they are never raised, so one bad
feed cannot stop the others.

``FetchSession`` is the async client for a whole cycle: one connection pool, per-host limits and
robots.txt shared by every feed. ``fetch`` is the synchronous one-shot form.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError
from multidict import CIMultiDictProxy

from pipeline.config import Settings
from pipeline.fetch.connector import guarded_connector
from pipeline.fetch.errors import FetchError, classify_exception
from pipeline.fetch.guard import AddressPolicy
from pipeline.fetch.politeness import (
    MAX_ROBOTS_BYTES,
    PROCESS_MEMORY,
    HostLimiter,
    PolitenessMemory,
    PolitenessOptions,
    RobotsCache,
    host_key,
)
from pipeline.fetch.retry_after import MAX_RETRY_AFTER_S, parse_retry_after

__all__ = [
    "MAX_RETRY_AFTER_S",
    "FetchOptions",
    "FetchResult",
    "FetchSession",
    "fetch",
    "fetch_async",
    "parse_retry_after",
]

REDIRECT_CODES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
ROBOTS_DEADLINE_S = 10.0
# aiohttp limits each header line (8 KB) but not their number; hundreds are seen in the wild
# (docs/hostile-inputs.md case 14), thousands only from a server that means harm.
MAX_HEADERS = 1000


@dataclass(frozen=True)
class FetchOptions:
    user_agent: str
    connect_timeout_s: float = 10.0
    deadline_s: float = 20.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    max_url_length: int = 2048
    policy: AddressPolicy = field(default_factory=AddressPolicy)
    politeness: PolitenessOptions = field(default_factory=PolitenessOptions)
    ca_bundle: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, page: bool = False) -> FetchOptions:
        return cls(
            user_agent=settings.user_agent,
            connect_timeout_s=settings.connect_timeout_s,
            deadline_s=settings.deadline_s,
            max_bytes=settings.max_page_bytes if page else settings.max_feed_bytes,
            max_redirects=settings.max_redirects,
            policy=AddressPolicy(
                allow_private=settings.allow_private_networks,
                allowed_endpoints=settings.allowed_hosts,
            ),
            politeness=PolitenessOptions.from_settings(settings),
            ca_bundle=settings.ca_bundle,
        )


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    elapsed_ms: int = 0
    error_class: str | None = None
    error_message: str | None = None
    retry_after_s: float | None = None
    # Every URL requested, the first one included.
    hops: list[str] = field(default_factory=list)
    conditional: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error_class is None

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.status is not None and self.status < 400


def check_url(url: str, max_length: int = 2048) -> None:
    if len(url) > max_length:
        raise FetchError("url_too_long", f"URL of {len(url)} characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("bad_scheme", f"scheme {scheme or '(none)'!r} is not fetched")
    if not parts.hostname:
        raise FetchError("bad_scheme", "URL without a host")


class _Inflater:
    """Content-Encoding undone chunk by chunk, never inflating more than ``limit`` bytes."""

    def __init__(self, encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError("protocol", f"stacked content encodings {encoding!r}")
        self.coding = codings[0] if codings else None
        if self.coding in {"gzip", "x-gzip"}:
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
        elif self.coding is None:
            self._z = None
        else:
            raise FetchError("protocol", f"unsupported content encoding {encoding!r}")

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decoded bytes of ``data``; at most ``limit`` of them (the caller's cap plus one)."""
        if self.coding is None:
            return data[:limit]
        if self._z is None:
            raw = not (
                len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            self._z = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        try:
            return self._z.decompress(data, limit)
        except zlib.error as exc:
            raise FetchError("protocol", f"corrupt {self.coding} body: {exc}") from exc


class _Cut(Exception):
    """The cap reached by a caller that keeps the first bytes (robots.txt)."""


async def _read_capped(
    response: aiohttp.ClientResponse, max_bytes: int, *, keep_head: bool = False
) -> bytes:
    """The body, inflated, at most ``max_bytes``: over that a ``too_large`` error, or with
    ``keep_head`` its first ``max_bytes`` (the rest is not read)."""
    chunks: list[bytes] = []
    try:
        await _read_chunks(response, max_bytes, chunks)
    except _Cut:
        if not keep_head:
            raise FetchError("too_large", f"body exceeds {max_bytes} bytes") from None
        return b"".join(chunks)[:max_bytes]
    return b"".join(chunks)


async def _read_chunks(response: aiohttp.ClientResponse, max_bytes: int, chunks: list) -> None:
    inflater = _Inflater(response.headers.get("content-encoding"))
    size = 0
    # The session does not decompress: these are the bytes as sent, less any chunked framing.
    async for raw in response.content.iter_chunked(CHUNK):
        # The cap counts inflated bytes, and a gzip bomb is never inflated past it.
        chunk = inflater.feed(raw, max_bytes - size + 1)
        size += len(chunk)
        chunks.append(chunk)
        if size > max_bytes:
            raise _Cut
        z = getattr(inflater, "_z", None)
        while z is not None and z.unconsumed_tail:
            chunk = z.decompress(z.unconsumed_tail, max_bytes - size + 1)
            size += len(chunk)
            chunks.append(chunk)
            if size > max_bytes:
                raise _Cut


def _check_framing(response: aiohttp.ClientResponse, protocol) -> None:
    """A body longer than its Content-Length is a protocol error, whichever read the surplus
    came in: aiohttp stops the body at the declared length and parses the surplus as the next
    response, failing there; whether that failure reached this response (or a later one on the
    same connection) or was dropped depended on how the bytes were split into reads. The
    protocol keeps the parser's failure: it is looked at once the body is read."""
    if protocol is None or "content-length" not in response.headers:
        return
    failure = protocol.exception()
    if isinstance(failure, HttpProcessingError):
        raise FetchError(
            "protocol",
            f"body longer than its Content-Length ({response.headers['content-length']})",
        )


def _error_status_class(status: int) -> str | None:
    if status < 400:
        return None
    if status in (404, 410):
        return f"http_{status}"
    if status in (429, 503):
        return "rate_limited"
    if status >= 500:
        return "http_5xx"
    return "http_4xx"


def _status_message(status: int, headers: dict[str, str]) -> str:
    message = f"HTTP {status}"
    if headers.get("cf-mitigated") == "challenge" or (
        status == 403 and "cloudflare" in headers.get("server", "").lower()
    ):
        message += " (Cloudflare challenge)"
    return message


def _shared_slots(politeness: PolitenessOptions):
    """Per-host slots in Redis, shared by every worker, when a Redis URL is configured."""
    if not politeness.shared_url:
        return None
    from pipeline.fetch.coordination import CoordinationOptions, host_limiter

    return host_limiter(
        CoordinationOptions(
            redis_url=politeness.shared_url,
            per_host=politeness.per_host,
            spacing_s=politeness.spacing_s,
        )
    )


class FetchSession:
    """One async client for a fetch cycle: pooled connections, per-host limits, robots.txt."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        concurrency: int = 16,
        memory: PolitenessMemory | None = None,
    ) -> None:
        self.options = options
        self._shared = _shared_slots(options.politeness)
        self.limiter = HostLimiter(options.politeness, memory, self._shared)
        # Requests in flight across all hosts; taken after the host's slot, so that feeds waiting
        # for a busy host never hold capacity other hosts could use.
        self._gate = asyncio.Semaphore(max(1, concurrency))
        # Hosts that answered 429/503 with Retry-After: not asked again in this cycle before then.
        self._host_wait_until: dict[str, float] = {}
        self.robots = RobotsCache(options.user_agent, self._get_robots, self.limiter)
        self._client: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FetchSession:
        self._client = aiohttp.ClientSession(
            connector=guarded_connector(
                self.options.policy,
                per_host=self.options.politeness.per_host,
                ca_bundle=self.options.ca_bundle,
            ),
            # The total deadline is ours (``fetch``); aiohttp bounds only the connect.
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.options.connect_timeout_s),
            # Bodies are inflated by ``_Inflater``, which counts the cap in inflated bytes.
            auto_decompress=False,
            # Cookies live for the cycle, as in a browser session: some outlets set one and
            # redirect to the same address, expecting it back. "unsafe" only means that hosts
            # named by address (the offline newsroom, a lab) may set them too.
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.close()
        if self._shared is not None:
            self._shared.close()

    async def _get_robots(self, url: str) -> tuple[int | None, bytes]:
        result = await self.fetch(
            url,
            max_bytes=MAX_ROBOTS_BYTES,
            keep_head=True,
            deadline_s=min(self.options.deadline_s, ROBOTS_DEADLINE_S),
            robots=False,
            max_redirects=2,
        )
        # Any answer of the server counts (a 404 means "no restrictions"); a transport failure
        # (status None) is no answer.
        return result.status, result.body or b""

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        deadline_s: float | None = None,
        robots: bool | None = None,
        max_redirects: int | None = None,
        keep_head: bool = False,
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given); never raises for the web's
        trouble. Time waiting for the host's turn is not charged to the deadline. ``keep_head``
        keeps the first ``max_bytes`` of a longer body instead of failing it (robots.txt)."""
        assert self._client is not None, "use FetchSession as an async context manager"
        options = self.options
        budget = options.deadline_s if deadline_s is None else deadline_s
        cap = options.max_bytes if max_bytes is None else max_bytes
        check_robots = options.politeness.respect_robots if robots is None else robots
        redirects = options.max_redirects if max_redirects is None else max_redirects
        result = FetchResult(url=url, final_url=url, conditional=bool(etag or last_modified))
        headers = {
            "User-Agent": options.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
            "text/xml;q=0.9, */*;q=0.5",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        spent = 0.0
        try:
            current = url
            for _hop in range(redirects + 1):
                check_url(current, options.max_url_length)
                result.final_url = current
                result.hops.append(current)
                host = host_key(current)
                self._check_host_wait(host, result)
                if check_robots and not await self.robots.allowed(current):
                    raise FetchError("robots_disallowed", f"robots.txt disallows {current}")
                async with self.limiter.slot(host, self._gate, spaced=check_robots):
                    self._check_host_wait(host, result)
                    started = time.monotonic()
                    try:
                        async with asyncio.timeout(max(0.001, budget - spent)):
                            location = await self._one_hop(current, headers, cap, result, keep_head)
                    except aiohttp.ServerTimeoutError as exc:
                        raise FetchError("timeout", f"connect timed out: {exc}") from exc
                    except TimeoutError as exc:
                        raise FetchError(
                            "timeout", f"total deadline of {budget:.0f} s exceeded"
                        ) from exc
                    finally:
                        spent += time.monotonic() - started
                if result.retry_after_s:
                    self._host_wait_until[host] = time.monotonic() + result.retry_after_s
                if location is None:
                    break
                current = urljoin(current, location)
            else:
                raise FetchError("too_many_redirects", f"more than {redirects} redirects")
        except FetchError as exc:
            result.error_class, result.error_message = exc.error_class, exc.message
        except Exception as exc:  # noqa: BLE001 - every transport failure becomes a result
            result.error_class, result.error_message = classify_exception(exc)
        if result.error_class:
            result.body = None
        result.elapsed_ms = int(spent * 1000)
        return result

    def _check_host_wait(self, host: str, result: FetchResult) -> None:
        remaining = self._host_wait_until.get(host, 0.0) - time.monotonic()
        if remaining > 0:
            result.retry_after_s = remaining
            raise FetchError("rate_limited", f"{host} asked to wait {remaining:.0f} s more")

    async def _one_hop(
        self,
        url: str,
        headers: dict[str, str],
        cap: int,
        result: FetchResult,
        keep_head: bool = False,
    ) -> str | None:
        """One request; returns the redirect target, or None once ``result`` is filled."""
        assert self._client is not None
        async with self._client.get(url, headers=headers, allow_redirects=False) as response:
            if len(response.raw_headers) > MAX_HEADERS:
                raise FetchError("protocol", f"{len(response.raw_headers)} response headers")
            status = response.status
            protocol = response.connection.protocol if response.connection else None
            if status in REDIRECT_CODES and "location" in response.headers:
                return response.headers["location"].strip()
            result.status = status
            result.headers = _merged(response.headers)
            result.error_class = _error_status_class(status)
            if result.error_class == "rate_limited":
                result.retry_after_s = parse_retry_after(result.headers.get("retry-after"))
            if result.error_class:
                result.error_message = _status_message(status, result.headers)
            elif status != 304:
                result.body = await _read_capped(response, cap, keep_head=keep_head)
                if len(result.body) < cap:
                    _check_framing(response, protocol)
            return None


def _merged(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Headers by lower-case name; a repeated header's values joined by commas (RFC 9110 5.3)."""
    merged: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


async def fetch_async(
    url: str, *, options: FetchOptions, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    """One request outside a cycle; spacing and robots.txt are shared across the process."""
    async with FetchSession(options, memory=PROCESS_MEMORY) as session:
        return await session.fetch(url, etag=etag, last_modified=last_modified)


def run_sync(coro):
    """Run a coroutine to completion from synchronous code, even under a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def fetch(
    url: str,
    *,
    options: FetchOptions,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` with conditional headers; never raises for network or HTTP trouble."""
    return run_sync(fetch_async(url, options=options, etag=etag, last_modified=last_modified))
