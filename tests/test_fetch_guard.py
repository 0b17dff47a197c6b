"""The network guard on addresses, and DNS answers that change between check and connect."""

from __future__ import annotations

import asyncio
import socket

import pytest

from pipeline.fetch.errors import FetchError
from pipeline.fetch.guard import (
    AddressPolicy,
    GuardedResolver,
    GuardedSockets,
    is_public_address,
)

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


def _resolver(monkeypatch, answers: list[str]) -> GuardedResolver:
    async def resolve(host, port):
        return answers

    monkeypatch.setattr("pipeline.fetch.guard.resolve", resolve)
    return GuardedResolver(AddressPolicy())


def _addr_info(address: str, port: int = 80):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
    return (family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)


def test_every_resolved_answer_is_checked(monkeypatch):
    # A resolver answering one public and one private address is refused outright.
    resolver = _resolver(monkeypatch, ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(FetchError) as err:
        asyncio.run(resolver.resolve("feeds.example", 80))
    assert err.value.error_class == "blocked_address"
    assert resolver.approved == set()


def test_public_answers_are_returned_and_approved(monkeypatch):
    resolver = _resolver(monkeypatch, ["93.184.216.34", "2001:4860:4860::8888"])
    answers = asyncio.run(resolver.resolve("feeds.example", 443))
    assert [(a["host"], a["port"], a["family"]) for a in answers] == [
        ("93.184.216.34", 443, socket.AF_INET),
        ("2001:4860:4860::8888", 443, socket.AF_INET6),
    ]
    assert resolver.approved == {("93.184.216.34", 443), ("2001:4860:4860::8888", 443)}


@pytest.mark.parametrize("address", ["169.254.169.254", "127.0.0.1", "::1", "::ffff:10.0.0.1"])
def test_the_socket_about_to_connect_is_checked(monkeypatch, address):
    # DNS said public at check time (or aiohttp skipped the resolver for an IP literal); the
    # socket would go to a private address: no socket is made.
    resolver = _resolver(monkeypatch, ["93.184.216.34"])
    asyncio.run(resolver.resolve("feeds.example", 80))
    sockets = GuardedSockets(AddressPolicy(), resolver)
    with pytest.raises(FetchError) as err:
        sockets(_addr_info(address))
    assert err.value.error_class == "blocked_address"


def test_public_and_approved_addresses_get_a_socket():
    policy = AddressPolicy(allowed_endpoints=frozenset({"localhost:8765"}))
    resolver = GuardedResolver(policy)
    resolver.approved.add(("127.0.0.1", 8765))  # what resolving "localhost" for 8765 leaves
    sockets = GuardedSockets(policy, resolver)
    for info in (_addr_info("93.184.216.34"), _addr_info("127.0.0.1", 8765)):
        with sockets(info) as sock:
            assert sock.family == info[0]
    with pytest.raises(FetchError):
        sockets(_addr_info("127.0.0.1", 8766))
