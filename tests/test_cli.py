"""The command line as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import sqlalchemy as sa

from tests.support.feeds import ATOM_SR, RSS_SQ


def _ingest(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ingest_twice_adds_no_row(tmp_path, web):
    rss = web.add("/feed.xml", RSS_SQ.format(base=web.base_url))
    atom = web.add("/atom.xml", ATOM_SR.format(base=web.base_url))
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    args = ["--feed", rss, "--feed", atom, "--allow-private-networks", "--db", db]

    first = _ingest(*args)
    second = _ingest(*args)

    assert first["new"] == 5 and first["failed"] == 0
    assert second["new"] == 0 and second["updated"] == 0
    engine = sa.create_engine(db)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM v_articles").scalar() == 5
    engine.dispose()


def test_ingest_prints_readable_summary(tmp_path, web):
    rss = web.add("/feed.xml", RSS_SQ.format(base=web.base_url))
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--feed", rss, "--allow-private-networks",
         "--db", f"sqlite:///{tmp_path / 'y.sqlite'}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "items seen 3: new 3" in done.stdout
    assert "errors by class: none" in done.stdout
