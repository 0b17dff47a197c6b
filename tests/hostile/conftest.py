from __future__ import annotations

import pytest

from tests.hostile.server import Canary, HostileServer


@pytest.fixture
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture
def canary():
    trap = Canary()
    yield trap
    trap.close()
