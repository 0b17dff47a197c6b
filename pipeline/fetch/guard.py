"""Network guard: refuse to connect to non-global addresses unless the operator allowed them.

The check runs inside the connection pool's network backend, on the addresses a host name resolves
to and again on the peer address of the socket actually connected, so it holds for every redirect
hop and cannot be dodged by DNS answering differently between a check and the connect (rebinding).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field

import anyio
import httpcore
import httpx

from pipeline.fetch.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that embed an IPv4 address a router may forward to: NAT64 (RFC 6052) and the
# deprecated IPv4-compatible form (::a.b.c.d). IPv4-mapped and 6to4 have their own properties.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str | IPAddress) -> bool:
    """True only for globally routable unicast addresses (and their IPv6 embeddings)."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return False
    inner = embedded_ipv4(ip)
    if inner is not None and not is_public_address(inner):
        return False
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254), 100.64/10,
    # fc00::/7, fe80::/10 and unspecified; multicast has to be excluded on its own.
    if inner is not None:
        return not ip.is_multicast
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    # Allow every private address (the offline newsroom, a lab network).
    allow_private: bool = False
    # "host:port" endpoints allowed although private; anything else private is still refused,
    # so a redirect from an allowed loopback port to another loopback port is refused.
    allowed_endpoints: frozenset[str] = field(default_factory=frozenset)

    def permits(self, host: str, port: int, address: str) -> bool:
        if is_public_address(address) or self.allow_private:
            return True
        host = host.strip("[]").lower()
        bare = address.split("%", 1)[0]
        candidates = {f"{host}:{port}", f"{bare}:{port}", f"[{bare}]:{port}"}
        return bool(candidates & self.allowed_endpoints)

    def check(self, host: str, port: int, address: str) -> None:
        if not self.permits(host, port, address):
            raise FetchError("blocked_address", f"{host}:{port} resolves to non-global {address}")


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in resolver order, without duplicates."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedAsyncBackend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, connecting only to addresses the policy permits."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port)
        # Every answer is checked before any is tried: a resolver mixing a public and a private
        # answer is refused outright rather than raced.
        for address in addresses:
            self.policy.check(host, port, address)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if peer is not None and not self.policy.permits(host, port, str(peer[0])):
                await stream.aclose()
                raise FetchError("blocked_address", f"{host}:{port} connected to {peer[0]}")
            return stream
        if last is not None:
            raise last
        raise FetchError("dns", f"no address for {host}")

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise FetchError("blocked_address", "unix sockets are never fetched from")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.lru_cache(maxsize=8)
def ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """Verified TLS; ``ca_bundle`` adds an operator's (or a test's) certificate authority.

    Loading the system's certificate store costs milliseconds, more than the rest of an
    unchanged poll; one context per bundle serves every session of the process (an SSLContext
    may be shared between connections and threads).
    """
    context = httpx.create_ssl_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class PerHostTransport(httpx.AsyncBaseTransport):
    """One small guarded connection pool per origin.

    httpcore scans every pooled connection for every request; with one pool for hundreds of
    hosts that scan dominated a 1,000-feed cycle's CPU. Per-origin pools keep it to a few.
    """

    def __init__(self, policy: AddressPolicy, *, per_host: int, ca_bundle: str | None = None):
        self._ssl = ssl_context(ca_bundle)
        self._backend = GuardedAsyncBackend(policy)
        self._per_host = per_host
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    def _pool_for(self, request: httpx.Request) -> httpx.AsyncHTTPTransport:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        transport = self._pools.get(key)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(verify=self._ssl, retries=0)
            # httpx has no public hook for the network backend; the pool it builds takes one.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self._per_host + 1,
                max_keepalive_connections=self._per_host + 1,
                network_backend=self._backend,
            )
            self._pools[key] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool_for(request).handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._pools.values():
            await transport.aclose()
        self._pools.clear()
