"""Network guard: refuse to connect to non-global addresses unless the operator allowed them.

The check runs inside the connection pool's network backend, on the address that is actually
connected to, so it holds for every redirect hop and cannot be dodged by DNS answering differently
between a check and the connect.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

import httpcore
import httpx

from pipeline.fetch.errors import FetchError


@dataclass(frozen=True)
class AddressPolicy:
    # Allow every private address (the offline newsroom, a lab network).
    allow_private: bool = False
    # "host:port" endpoints allowed although private; anything else private is still refused.
    allowed_endpoints: frozenset[str] = field(default_factory=frozenset)

    def check(self, host: str, port: int, address: str) -> None:
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return
        if self.allow_private:
            return
        if (
            f"{host}:{port}" in self.allowed_endpoints
            or f"{address}:{port}" in self.allowed_endpoints
        ):
            return
        raise FetchError("blocked_address", f"{host}:{port} resolves to non-global {address}")


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _resolve(host, port)
        for address in addresses:
            self.policy.check(host, port, address)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or FetchError("connect", f"no address for {host}")


def guarded_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    # httpx has no public hook for the network backend; the pool it builds takes one.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=10,
        network_backend=GuardedBackend(policy),
    )
    return transport
