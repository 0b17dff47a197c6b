"""What the CLI prints on a terminal (a pty) and in a pipe: progress, logs, summary, help."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time

from tests.support.feeds import ATOM_SR, RSS_SQ

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_on_pty(args: list[str], timeout_s: float = 120.0) -> tuple[int, str]:
    """Run ``python -m pipeline args`` with stdin, stdout and stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif child.poll() is not None:
            break
    os.close(master)
    return child.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def run_in_pipe(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120
    )


def _feeds(web) -> list[str]:
    rss = web.add("/feed.xml", RSS_SQ.format(base=web.base_url))
    atom = web.add("/atom.xml", ATOM_SR.format(base=web.base_url))
    return ["--feed", rss, "--feed", atom, "--allow-private-networks"]


def test_ingest_on_a_terminal_draws_progress_bars(tmp_path, web):
    db = f"sqlite:///{tmp_path / 'tty.sqlite'}"
    code, output = run_on_pty(["ingest", *_feeds(web), "--db", db])
    assert code == 0, output
    assert ANSI.search(output), "a terminal gets rich's control sequences"
    plain = ANSI.sub("", output)
    assert "fetching feeds" in plain and "2/2" in plain
    assert "processing captures" in plain
    assert "━" in plain  # the bar itself
    assert "items seen 5: new 5" in plain  # the summary


def test_ingest_in_a_pipe_writes_plain_lines_and_the_summary_alone_on_stdout(tmp_path, web):
    db = f"sqlite:///{tmp_path / 'pipe.sqlite'}"
    done = run_in_pipe(["ingest", *_feeds(web), "--db", db])
    assert done.returncode == 0, done.stderr
    assert not ANSI.search(done.stdout + done.stderr)
    assert done.stdout.splitlines()[1] == (
        "items seen 5: new 5, updated 0, duplicates 0, quarantined 0"
    )
    assert "fetching feeds: 2/2 done" in done.stderr.splitlines()
    assert "processing captures: 2/2 done" in done.stderr.splitlines()
    assert "━" not in done.stderr


def test_verbose_and_quiet_anywhere_on_the_line(tmp_path, web):
    db = f"sqlite:///{tmp_path / 'v.sqlite'}"
    loud = run_in_pipe(["ingest", *_feeds(web), "--db", db, "-v"])
    assert loud.returncode == 0, loud.stderr
    logged = loud.stderr
    # The task-log lines: one per batch fetched, one per day processed, a summary.
    assert re.search(r"INFO pipeline\.flows\.ingest: fetched 2 feeds: \d new bodies", logged)
    assert re.search(
        r"INFO pipeline\.flows\.process: processed day \d{4}-\d\d-\d\d: 2 captures", logged
    )
    assert "INFO pipeline.flows.ingest: run summary: feeds 2" in logged

    quiet = run_in_pipe(["-q", "ingest", *_feeds(web), "--db", db])
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "feeds 2: fetched 0, not modified 2" in quiet.stdout
    also_quiet = run_in_pipe(["ingest", "--quiet", *_feeds(web), "--db", db])
    assert also_quiet.returncode == 0 and also_quiet.stderr == ""


def test_help_has_no_restructuredtext_markup():
    for args in (["--help"], ["ingest", "--help"], ["export", "--help"], ["search", "--help"]):
        done = run_in_pipe(args)
        assert done.returncode == 0
        assert "`" not in done.stdout, (args, done.stdout)
    assert "-q, --quiet" in run_in_pipe(["--help"]).stdout
