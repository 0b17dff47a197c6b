"""aiohttp's connection pool as the fetcher uses it: behind the network guard, with each response
head bounded in bytes.

aiohttp limits a header line to 8 KB but neither the number of lines nor the whole head: a server
sending header lines without end filled 1.8 GB of memory within a 3 s deadline here. The protocol
below counts the bytes a head has taken and stops the response at ``MAX_HEAD_BYTES``.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import aiohttp
from aiohttp.client_proto import ResponseHandler

from pipeline.fetch.errors import FetchError
from pipeline.fetch.guard import AddressPolicy, GuardedResolver, GuardedSockets, ssl_context

# A response head larger than this is refused. Heads of hundreds of headers are a few tens of
# KB; the margin lets one read of the transport (up to 256 KB) carry a head and the start of its
# body without counting against it.
MAX_HEAD_BYTES = 1024 * 1024


class _HeadBoundedHandler(ResponseHandler):
    """Counts the bytes received while a response head is incomplete (between the end of one
    response's body and the end of the next head)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self._head_bytes = 0
        self._in_body = False

    def data_received(self, data: bytes) -> None:
        if not self._in_body:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                if self.transport is not None:
                    self.transport.close()
                self.set_exception(
                    FetchError("protocol", f"response head over {MAX_HEAD_BYTES} bytes")
                )
                return
        super().data_received(data)

    def feed_data(self, data: Any, size: int = 0) -> None:
        # Called with (message, payload) once a head is parsed: the body follows until its EOF.
        self._in_body = True
        self._head_bytes = 0
        super().feed_data(data, size)
        data[1].on_eof(self._body_ended)

    def _body_ended(self) -> None:
        self._in_body = False


class _Connector(aiohttp.TCPConnector):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # aiohttp has no public hook for the protocol; the connector builds one per connection.
        self._factory = functools.partial(_HeadBoundedHandler, loop=self._loop)


def guarded_connector(
    policy: AddressPolicy, *, per_host: int, ca_bundle: str | None = None
) -> aiohttp.TCPConnector:
    """Pooled per origin, no total limit (the session's own gate bounds requests in flight)."""
    resolver = GuardedResolver(policy)
    return _Connector(
        limit=0,
        limit_per_host=per_host + 1,
        resolver=resolver,
        socket_factory=GuardedSockets(policy, resolver),
        ssl=ssl_context(ca_bundle),
    )
