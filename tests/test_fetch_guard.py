"""The network guard on addresses, and DNS answers that change between check and connect."""

from __future__ import annotations

import asyncio

import httpcore
import pytest

from pipeline.fetch.errors import FetchError
from pipeline.fetch.guard import AddressPolicy, GuardedAsyncBackend, is_public_address

REFUSED = [
    "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1",
    "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1",
    "2002:7f00:1::1", "2002:a00:1::1", "::7f00:1", "198.18.0.1", "240.0.0.1",
]  # fmt: skip
ALLOWED = ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_global_addresses_are_refused(address):
    assert not is_public_address(address)
    with pytest.raises(FetchError) as err:
        AddressPolicy().check("feeds.example", 80, address)
    assert err.value.error_class == "blocked_address"


@pytest.mark.parametrize("address", ALLOWED)
def test_global_addresses_pass(address):
    assert is_public_address(address)
    AddressPolicy().check("feeds.example", 80, address)


def test_allowed_endpoint_is_only_that_port():
    policy = AddressPolicy(allowed_endpoints=frozenset({"127.0.0.1:8765"}))
    policy.check("127.0.0.1", 8765, "127.0.0.1")
    with pytest.raises(FetchError):
        policy.check("127.0.0.1", 8766, "127.0.0.1")
    with pytest.raises(FetchError):
        policy.check("10.0.0.1", 8765, "10.0.0.1")


def test_allow_private_networks_opt_in():
    AddressPolicy(allow_private=True).check("newsroom", 8765, "127.0.0.1")


class _FakeStream(httpcore.AsyncNetworkStream):
    def __init__(self, peer: str) -> None:
        self.peer = peer
        self.closed = False

    def get_extra_info(self, info):
        return (self.peer, 80) if info == "server_addr" else None

    async def aclose(self) -> None:
        self.closed = True


class _Rebinding(httpcore.AsyncNetworkBackend):
    """Connects wherever a rebinding resolver would have sent the socket at connect time."""

    def __init__(self, peer: str) -> None:
        self.peer = peer
        self.stream = _FakeStream(peer)

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return self.stream


def _backend(monkeypatch, answers: list[str], peer: str) -> GuardedAsyncBackend:
    async def resolve(host, port):
        return answers

    monkeypatch.setattr("pipeline.fetch.guard.resolve", resolve)
    backend = GuardedAsyncBackend(AddressPolicy())
    backend._inner = _Rebinding(peer)
    return backend


def test_every_resolved_answer_is_checked(monkeypatch):
    # A resolver answering one public and one private address is refused outright.
    backend = _backend(monkeypatch, ["93.184.216.34", "10.0.0.5"], "93.184.216.34")
    with pytest.raises(FetchError) as err:
        asyncio.run(backend.connect_tcp("feeds.example", 80))
    assert err.value.error_class == "blocked_address"


def test_connected_peer_is_checked_after_connect(monkeypatch):
    # DNS said public at check time; the socket ended up on the metadata address.
    backend = _backend(monkeypatch, ["93.184.216.34"], "169.254.169.254")
    with pytest.raises(FetchError) as err:
        asyncio.run(backend.connect_tcp("feeds.example", 80))
    assert err.value.error_class == "blocked_address"
    assert backend._inner.stream.closed


def test_public_peer_connects(monkeypatch):
    backend = _backend(monkeypatch, ["93.184.216.34"], "93.184.216.34")
    stream = asyncio.run(backend.connect_tcp("feeds.example", 80))
    assert stream.get_extra_info("server_addr")[0] == "93.184.216.34"


def test_unix_sockets_are_refused():
    with pytest.raises(FetchError):
        asyncio.run(GuardedAsyncBackend(AddressPolicy()).connect_unix_socket("/run/x.sock"))
