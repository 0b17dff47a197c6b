"""Politeness towards each host: at most N requests at once, spacing, and robots.txt.

One ``HostLimiter`` lives for one fetch cycle and is shared by every feed of that cycle, so the
limits hold however many feeds an outlet lists.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego

from pipeline.config import DEFAULT_HOST_SPACING_S, Settings

# robots.txt files larger than this are cut, never dropped: RFC 9309 (2.5) asks crawlers to
# parse at least the first 500 KiB. Only that much is read.
MAX_ROBOTS_BYTES = 500 * 1024
# A Crawl-delay above this is read as this: we poll a feed a few times an hour at most.
MAX_CRAWL_DELAY_S = 30.0


if TYPE_CHECKING:
    from pipeline.fetch.coordination import HostSlots


@dataclass(frozen=True)
class PolitenessOptions:
    # Media Cloud's rss-fetcher and Miniflux keep to two connections per host.
    per_host: int = 2
    # Between the starts of two requests to the same host (NEWS_FETCH_HOST_SPACING_S).
    spacing_s: float = DEFAULT_HOST_SPACING_S
    respect_robots: bool = True
    # Redis URL of the per-host slots shared by every worker (pipeline.fetch.coordination); None keeps
    # the limits per process.
    shared_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PolitenessOptions:
        return cls(
            per_host=settings.per_host_concurrency,
            spacing_s=settings.per_host_spacing_s,
            respect_robots=settings.respect_robots,
            shared_url=settings.redis_url,
        )


# A robots.txt is trusted for this long by one-shot fetches that share a process (Google caches
# for up to a day; an hour keeps page harvesting from asking again for every page).
ROBOTS_TTL_S = 3600.0


@dataclass
class PolitenessMemory:
    """What politeness remembers per host: last request start, crawl delay, robots rules.

    A fetch cycle gets its own; one-shot fetches in a process share ``PROCESS_MEMORY``, so that
    pages fetched one after another still keep the spacing and read robots.txt once.
    """

    last_start: dict[str, float] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    # origin -> (time loaded, rules or None for "no restrictions")
    robots: dict[str, tuple[float, Protego | None]] = field(default_factory=dict)
    # origin -> (status, body): files kept from an earlier cycle, read instead of asking again
    stored_robots: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    # origin -> (status, body): files this cycle asked for and got an answer to (2xx or 4xx),
    # for a caller that keeps them (None: nobody does, so nothing is held)
    fetched_robots: dict[str, tuple[int, bytes]] | None = None


PROCESS_MEMORY = PolitenessMemory()


def robots_origin(url: str) -> str:
    """The origin whose robots.txt governs ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def host_key(url: str) -> str:
    """Politeness is per host name, whatever the port or scheme."""
    return (urlsplit(url).hostname or "").lower()


class HostLimiter:
    def __init__(
        self,
        options: PolitenessOptions,
        memory: PolitenessMemory | None = None,
        shared: HostSlots | None = None,
    ) -> None:
        self.options = options
        # Slots and spacing held across processes (Celery workers); the local limits still apply.
        self._shared = shared
        self.memory = memory or PolitenessMemory()
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._gates: dict[str, asyncio.Lock] = {}
        self._last_start = self.memory.last_start
        self._delays = self.memory.delays
        # Highest number of requests seen in flight per host (the benchmark checks it).
        self.peak: dict[str, int] = {}
        # Shortest gap seen between two spaced request starts to one host.
        self.min_gap: dict[str, float] = {}
        self._active: dict[str, int] = {}

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        self._delays[host] = min(max(0.0, seconds), MAX_CRAWL_DELAY_S)

    @asynccontextmanager
    async def slot(
        self, host: str, gate: asyncio.Semaphore | None = None, *, spaced: bool = True
    ) -> AsyncIterator[None]:
        """Hold one of the host's slots, then one of the cycle's (``gate``).

        The spacing counts from the moment a request really starts: the host's turn is kept
        until the global gate lets the request through, so a wait for the gate can never bunch
        two requests to one host together. ``spaced=False`` (robots.txt) skips the spacing.
        """
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.options.per_host))
        turn = self._gates.setdefault(host, asyncio.Lock())
        gate = gate or asyncio.Semaphore(1_000_000)
        if self._shared is not None:
            spacing = max(self.options.spacing_s, self._delays.get(host, 0.0)) if spaced else 0.0
            async with semaphore, self._shared.slot_async(host, spacing_s=spacing):
                async with self._in_flight(host, gate):
                    yield
            return
        async with semaphore:
            if spaced:
                async with turn:
                    spacing = max(self.options.spacing_s, self._delays.get(host, 0.0))
                    wait = self._last_start.get(host, -1e9) + spacing - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    await gate.acquire()
                    now = time.monotonic()
                    if host in self._last_start:
                        gap = now - self._last_start[host]
                        self.min_gap[host] = min(self.min_gap.get(host, gap), gap)
                    self._last_start[host] = now
            else:
                await gate.acquire()
            try:
                async with self._counted(host):
                    yield
            finally:
                gate.release()

    @asynccontextmanager
    async def _in_flight(self, host: str, gate: asyncio.Semaphore) -> AsyncIterator[None]:
        await gate.acquire()
        try:
            async with self._counted(host):
                yield
        finally:
            gate.release()

    @asynccontextmanager
    async def _counted(self, host: str) -> AsyncIterator[None]:
        self._active[host] = self._active.get(host, 0) + 1
        self.peak[host] = max(self.peak.get(host, 0), self._active[host])
        try:
            yield
        finally:
            self._active[host] -= 1


# Fetches a robots.txt URL: returns (HTTP status or None on transport failure, body).
RobotsGetter = Callable[[str], Awaitable[tuple[int | None, bytes]]]


def robots_text(body: bytes) -> str:
    """The rules of a robots.txt body: its first ``MAX_ROBOTS_BYTES``, cut after the last whole
    line (a rule cut in half, ``Disallow: /a`` of ``Disallow: /archive/x``, would say more than
    the file does)."""
    if len(body) >= MAX_ROBOTS_BYTES:
        head = body[:MAX_ROBOTS_BYTES]
        end = max(head.rfind(b"\n"), head.rfind(b"\r"))
        body = head[: end + 1] if end >= 0 else b""
    return body.decode("utf-8", errors="replace")


class RobotsCache:
    """robots.txt per origin (RFC 9309): read once per cycle, from the files the memory was
    given (kept by an earlier cycle) or else from the origin."""

    def __init__(self, user_agent: str, getter: RobotsGetter, limiter: HostLimiter) -> None:
        # Robots groups match on the product token, not the whole User-Agent string.
        self.agent = user_agent.split("/", 1)[0].split(" ", 1)[0]
        self._getter = getter
        self._limiter = limiter
        self._rules = limiter.memory.robots
        self._stored = limiter.memory.stored_robots
        self._fetched = limiter.memory.fetched_robots
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        origin = robots_origin(url)
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._rules.get(origin)
            if cached is None or time.monotonic() - cached[0] > ROBOTS_TTL_S:
                self._rules[origin] = (time.monotonic(), await self._load(origin))
        rules = self._rules[origin][1]
        return rules is None or rules.can_fetch(url, self.agent)

    async def _load(self, origin: str) -> Protego | None:
        stored = self._stored.get(origin)
        if stored is not None:
            status, body = stored
        else:
            status, body = await self._getter(origin + "/robots.txt")
            # A file, or its absence (4xx), is kept; a failure or a rate limit is asked again.
            if self._fetched is not None and status is not None and status < 500 and status != 429:
                self._fetched[origin] = (status, body)
        # RFC 9309: 4xx means no restrictions. A 5xx or an unreachable file would mean "disallow
        # everything"; we fetch anyway and let the feed's own request report the real failure,
        # because a broken robots.txt must not weigh on the feed as a hard failure.
        if status is None or not 200 <= status < 300:
            return None
        rules = Protego.parse(robots_text(body))
        delay = rules.crawl_delay(self.agent)
        if delay:
            self._limiter.set_crawl_delay(host_key(origin), float(delay))
        return rules
