"""Politeness towards each host shared by every worker: a slot limit and spacing per host.

``pipeline.fetch.politeness.HostLimiter`` keeps the limits inside one process. On the Celery
executor many processes on many machines fetch at once, so the limits must live where all of
them see it: Redis (``NEWS_REDIS_URL``, the broker's server in the compose deployment). Without
Redis an in-process limiter applies the same rules to the threads and tasks of one process.

A slot is a lease with a time to live: a worker killed while holding one never blocks the host
for longer than the lease. The lease outlives any live request, whose total deadline is far
shorter (``Settings.deadline_s``, 20 s). Spacing is measured on the Redis server's clock, so
workers on machines whose clocks disagree still keep it.

    limiter = host_limiter()                       # from the environment
    with limiter.slot("example.org"):              # threads / synchronous code
        ...
    async with limiter.slot_async("example.org"):  # the async fetch session
        ...
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from pipeline.config import DEFAULT_HOST_SPACING_S, Settings

# Longest pause between two tries for a busy host; shorter when the wait is known.
MAX_POLL_S = 0.05


@dataclass(frozen=True)
class CoordinationOptions:
    redis_url: str | None = None
    # Media Cloud's rss-fetcher and Miniflux keep to two connections per host.
    per_host: int = 2
    # Between the starts of two requests to one host, across all workers.
    spacing_s: float = DEFAULT_HOST_SPACING_S
    # A slot not released within this time is free again (a killed worker). Well above the
    # fetcher's total deadline per request (20 s), so a live request never loses its slot.
    lease_ttl_s: float = 60.0
    # Keys are "<prefix>:<host>:slots" and "<prefix>:<host>:next".
    key_prefix: str = "news:politeness"
    # Give up waiting for a slot after this long (raises TimeoutError).
    acquire_timeout_s: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> CoordinationOptions:
        """Redis URL and spacing from ``settings``; ``overrides`` that are not None win."""
        values: dict[str, object] = {
            "redis_url": settings.redis_url,
            "spacing_s": settings.per_host_spacing_s,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, **overrides: object) -> CoordinationOptions:
        """``from_settings(Settings.from_env())``: NEWS_REDIS_URL, NEWS_FETCH_HOST_SPACING_S."""
        return cls.from_settings(Settings.from_env(), **overrides)


class SlotBackend(Protocol):
    def try_acquire(self, host: str, spacing_s: float) -> tuple[str | None, float]:
        """A lease token, or None and how long to wait before trying again."""

    def release(self, host: str, token: str) -> None: ...


# Atomically: drop expired leases; if the host has a free slot and its spacing has passed,
# take a slot and push the next allowed start. Returns {1, token-less} or {0, wait in ms}.
_ACQUIRE = """
local slots, nextkey = KEYS[1], KEYS[2]
local limit, spacing_ms, ttl_ms, token = tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
local next_at = tonumber(redis.call('GET', nextkey) or '0')
if next_at > now then
  return {0, next_at - now}
end
if redis.call('ZCARD', slots) >= limit then
  local first = redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')
  return {0, math.min(tonumber(first[2]) - now, 50)}
end
redis.call('ZADD', slots, now + ttl_ms, token)
redis.call('PEXPIRE', slots, ttl_ms)
if spacing_ms > 0 then
  redis.call('SET', nextkey, now + spacing_ms, 'PX', math.max(spacing_ms, 1))
end
return {1, 0}
"""


class RedisSlots:
    """Slots and spacing per host in Redis, shared by every process that uses the same keys."""

    def __init__(self, options: CoordinationOptions) -> None:
        import redis

        assert options.redis_url, "RedisSlots needs a redis_url"
        self.options = options
        self._client = redis.Redis.from_url(options.redis_url)
        self._acquire = self._client.register_script(_ACQUIRE)

    def _keys(self, host: str) -> list[str]:
        base = f"{self.options.key_prefix}:{host}"
        return [f"{base}:slots", f"{base}:next"]

    def try_acquire(self, host: str, spacing_s: float) -> tuple[str | None, float]:
        token = uuid.uuid4().hex
        ok, wait_ms = self._acquire(
            keys=self._keys(host),
            args=[
                self.options.per_host,
                int(spacing_s * 1000),
                int(self.options.lease_ttl_s * 1000),
                token,
            ],
        )
        return (token, 0.0) if ok else (None, max(int(wait_ms), 1) / 1000)

    def release(self, host: str, token: str) -> None:
        self._client.zrem(self._keys(host)[0], token)

    def close(self) -> None:
        self._client.close()


class LocalSlots:
    """The same rules for the threads and coroutines of this process only."""

    def __init__(self, options: CoordinationOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._leases: dict[str, dict[str, float]] = {}
        self._next_start: dict[str, float] = {}

    def try_acquire(self, host: str, spacing_s: float) -> tuple[str | None, float]:
        with self._lock:
            now = time.monotonic()
            leases = {t: exp for t, exp in self._leases.get(host, {}).items() if exp > now}
            self._leases[host] = leases
            next_start = self._next_start.get(host, 0.0)
            if next_start > now:
                return None, next_start - now
            if len(leases) >= self.options.per_host:
                return None, min(min(leases.values()) - now, MAX_POLL_S)
            token = uuid.uuid4().hex
            leases[token] = now + self.options.lease_ttl_s
            self._next_start[host] = now + spacing_s
            return token, 0.0

    def release(self, host: str, token: str) -> None:
        with self._lock:
            self._leases.get(host, {}).pop(token, None)

    def close(self) -> None:
        pass


class HostSlots:
    """Waits for and holds one of a host's slots (see the module's docstring)."""

    def __init__(self, backend: SlotBackend, options: CoordinationOptions) -> None:
        self.backend = backend
        self.options = options

    @property
    def shared(self) -> bool:
        """True when the limits hold across processes and machines (Redis)."""
        return isinstance(self.backend, RedisSlots)

    def _spacing(self, spacing_s: float | None) -> float:
        return self.options.spacing_s if spacing_s is None else max(0.0, spacing_s)

    @contextmanager
    def slot(self, host: str, *, spacing_s: float | None = None) -> Iterator[None]:
        """Hold a slot of ``host``; ``spacing_s`` overrides the spacing (e.g. a Crawl-delay)."""
        deadline = time.monotonic() + self.options.acquire_timeout_s
        spacing = self._spacing(spacing_s)
        while True:
            token, wait = self.backend.try_acquire(host, spacing)
            if token is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no politeness slot for {host} in {self.options.acquire_timeout_s} s"
                )
            time.sleep(min(wait, MAX_POLL_S))
        try:
            yield
        finally:
            self.backend.release(host, token)

    @asynccontextmanager
    async def slot_async(self, host: str, *, spacing_s: float | None = None) -> AsyncIterator[None]:
        """``slot`` for coroutines: waits without blocking the event loop."""
        deadline = time.monotonic() + self.options.acquire_timeout_s
        spacing = self._spacing(spacing_s)
        while True:
            # Each try is one short round trip to Redis, run off the event loop.
            token, wait = await asyncio.to_thread(self.backend.try_acquire, host, spacing)
            if token is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no politeness slot for {host} in {self.options.acquire_timeout_s} s"
                )
            await asyncio.sleep(min(wait, MAX_POLL_S))
        try:
            yield
        finally:
            await asyncio.to_thread(self.backend.release, host, token)

    def close(self) -> None:
        self.backend.close()


_local_backends: dict[CoordinationOptions, LocalSlots] = {}
_local_lock = threading.Lock()


def host_limiter(options: CoordinationOptions | None = None) -> HostSlots:
    """Redis-backed when ``options.redis_url`` (``NEWS_REDIS_URL``) is set, else in-process.

    In-process limiters are shared by everything in this process that asks with equal options.
    """
    options = options or CoordinationOptions.from_env()
    if options.redis_url:
        return HostSlots(RedisSlots(options), options)
    with _local_lock:
        backend = _local_backends.setdefault(options, LocalSlots(options))
    return HostSlots(backend, options)


__all__ = [
    "CoordinationOptions",
    "HostSlots",
    "LocalSlots",
    "RedisSlots",
    "host_limiter",
]
