"""Network guard: refuse to connect to non-global addresses unless the operator allowed them.

The check runs inside aiohttp's connection pool: on every address a host name resolves to, and
again on the address each socket is about to connect to, so it holds for every redirect hop and
cannot be dodged by DNS answering differently between a check and the connect (rebinding).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field

import certifi
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

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
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedResolver(AbstractResolver):
    """Resolves host names for aiohttp, refusing a name if any of its answers is not permitted.

    Every answer is checked before any is tried: a resolver mixing a public and a private answer
    is refused outright rather than raced. Approved (address, port) pairs are remembered, so that
    the socket factory lets through an allowed endpoint named by host ("localhost:8765").
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.approved: set[tuple[str, int]] = set()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await resolve(host, port)
        for address in addresses:
            self.policy.check(host, port, address)
        self.approved.update((address, port) for address in addresses)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


class GuardedSockets:
    """aiohttp's socket factory: the last check, on the address a socket is about to connect to.

    It sees every connection attempt, including those to IP literals (which aiohttp never passes
    to a resolver) and those made from cached DNS answers, so nothing reaches a non-permitted
    address whatever DNS answered earlier (rebinding).
    """

    def __init__(self, policy: AddressPolicy, resolver: GuardedResolver) -> None:
        self.policy = policy
        self.resolver = resolver

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address, port = str(sockaddr[0]), int(sockaddr[1])
        if not (
            self.policy.permits(address, port, address) or (address, port) in self.resolver.approved
        ):
            raise FetchError("blocked_address", f"refused to connect to {address}:{port}")
        return socket.socket(family, type_, proto)


@functools.lru_cache(maxsize=8)
def ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """Verified TLS; ``ca_bundle`` adds an operator's (or a test's) certificate authority.

    Loading the system's certificate store costs milliseconds, more than the rest of an
    unchanged poll; one context per bundle serves every session of the process (an SSLContext
    may be shared between connections and threads).
    """
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context
