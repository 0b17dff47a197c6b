"""The parse worker and its fork server do not outlive a process that ends with os._exit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

SCRIPT = """
import os, sys
sys.path.insert(0, {repo!r})
from multiprocessing import forkserver
from pipeline.parse import budget, parse_feed
from tests.support.feeds import RSS_SQ

parse_feed(RSS_SQ.format(base="http://x").encode(), base_url="http://x/")
print(forkserver._forkserver._forkserver_pid, flush=True)
budget.shutdown()
os._exit(0)  # as an Airflow task process ends: no exit handlers run
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_shutdown_leaves_no_fork_server_behind():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(repo=repo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)
