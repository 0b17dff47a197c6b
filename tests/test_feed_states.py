"""Operators' feed states from loopback outlets that go quiet, get disabled and rate-limit:
stored with reason and since when, shown on the page and its JSON, alerted once on entry."""

from __future__ import annotations

import json
import threading
import warnings
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.models import FeedRow
from pipeline.config import Settings
from pipeline.fetch.health import operator_state
from pipeline.flows.feed_states import refresh_feed_states
from pipeline.flows.ingest import ingest_once
from pipeline.ui.app import create_app
from pipeline.ui.db import read_only_engine

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FEEDS = FeedRow.__table__


class Webhook:
    """A loopback endpoint recording the JSON alerts posted to it."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def states(self) -> list[tuple[str, str]]:
        return [(p["feed"].rsplit("/", 1)[-1], p["state"]) for p in self.posts]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.stop()


def hourly_feed(newest: datetime, base: str, items: int = 12) -> str:
    entries = "".join(
        f"<item><title>Dnevna vest {i}</title><link>{base}/d/{i}</link><guid>d-{i}</guid>"
        f"<pubDate>{format_datetime(newest - timedelta(hours=i))}</pubDate>"
        f"<description>Opis izmišljene dnevne vesti {i}.</description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Dnevnik</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    )


def _states(db: str) -> dict[str, tuple]:
    engine = make_engine(db)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                FEEDS.c.url, FEEDS.c.ops_state, FEEDS.c.ops_state_since, FEEDS.c.ops_state_reason
            )
        ).all()
    engine.dispose()
    return {url.rsplit("/", 1)[-1]: (state, since, reason) for url, state, since, reason in rows}


def test_quiet_disabled_and_rate_limited_feeds(sqlite_url, web, webhook):
    now = datetime.now(UTC).replace(microsecond=0)
    quiet = web.add("/quiet.xml", hourly_feed(now - timedelta(minutes=10), web.base_url))
    broken = web.add("/broken.xml", status=404)
    limited = web.add("/limited.xml", status=429, headers={"Retry-After": "7200"})
    settings = Settings(
        archive_url=sqlite_url,
        allowed_hosts=frozenset({web.endpoint}),
        alert_webhook=webhook.url,
    )
    feeds = [quiet, broken, limited]

    ingest_once(settings, feeds)
    first = _states(sqlite_url)
    assert first["quiet.xml"][0] == "ok"
    assert first["broken.xml"][0] == "failing" and "http_404" in first["broken.xml"][2]
    assert first["limited.xml"][0] == "rate_limited"
    assert "asked to wait until" in first["limited.xml"][2]
    assert sorted(webhook.states()) == [("broken.xml", "failing"), ("limited.xml", "rate_limited")]
    shown = TestClient(create_app(archive_url=sqlite_url)).get("/api/summary").json()["feeds"]
    limited_shown = next(f for f in shown if f["feed_url"] == limited)
    assert limited_shown["ops_state"] == "rate_limited"
    assert limited_shown["ops_state_reason"] == first["limited.xml"][2]
    read_only_engine.cache_clear()

    # Ten hard failures (3 points each) reach the 30 points that disable a feed.
    for _ in range(9):
        ingest_once(settings, [broken, quiet])
    disabled = _states(sqlite_url)["broken.xml"]
    assert disabled[0] == "disabled" and "10 failures" in disabled[2]
    assert disabled[1] > first["broken.xml"][1]  # since: when it entered the state

    # The quiet outlet keeps answering 200 with the same items. Two days on, it has been silent
    # for far longer than its hourly rhythm.
    later = now + timedelta(days=2)
    changes = refresh_feed_states(make_engine(sqlite_url), settings, later)
    # ...and the rate limit's two hours have passed: the feed is ok again (not alerted).
    assert sorted((c.feed_url.rsplit("/", 1)[-1], c.previous, c.state) for c in changes) == [
        ("limited.xml", "rate_limited", "ok"),
        ("quiet.xml", "ok", "silent"),
    ]
    silent = _states(sqlite_url)["quiet.xml"]
    assert silent[0] == "silent" and silent[1] == later
    assert "no new item for 2d" in silent[2]
    assert "usually every 1h" in silent[2]
    # Entering a state alerts once; holding it does not alert again.
    refresh_feed_states(make_engine(sqlite_url), settings, later + timedelta(hours=1))
    assert webhook.states() == [
        *webhook.states()[:2],
        ("broken.xml", "disabled"),
        ("quiet.xml", "silent"),
    ]
    assert webhook.posts[-1]["reason"] == silent[2]

    # The page and its JSON show each state with its reason, and each feed's next poll and why.
    client = TestClient(create_app(archive_url=sqlite_url))
    payload = client.get("/api/summary").json()
    by_feed = {f["feed_url"].rsplit("/", 1)[-1]: f for f in payload["feeds"]}
    html = client.get("/").text
    assert by_feed["quiet.xml"]["ops_state"] == "silent"
    assert by_feed["quiet.xml"]["ops_state_since"] == later.isoformat()
    assert by_feed["broken.xml"]["ops_state"] == "disabled"
    assert by_feed["broken.xml"]["poll_reason"] == "weekly re-probe (disabled)"
    assert by_feed["limited.xml"]["ops_state"] == "ok"  # its wait is over
    assert by_feed["limited.xml"]["poll_reason"].startswith("rate-limited: asked to wait")
    # Hourly items: polled every half hour, half an interval early (7.5 minutes).
    assert by_feed["quiet.xml"]["poll_reason"] == "publishes every 1h (median)"
    assert "every 1h (median)" in html
    assert 'data-ops-state="silent"' in html and "state-silent" in html
    assert "usually every 1h" in html and "weekly re-probe (disabled)" in html
    read_only_engine.cache_clear()


def test_operator_state_rule():
    now = datetime(2026, 12, 8, tzinfo=UTC)
    base = {"state": "ok", "newest_item_at": now - timedelta(hours=20), "typical_gap_s": 3600.0}
    # Twenty hours of nothing from an hourly feed is below the one-day minimum.
    assert operator_state(base, now) == ("ok", "")
    assert operator_state({**base, "newest_item_at": now - timedelta(hours=25)}, now)[0] == "silent"
    weekly = {**base, "typical_gap_s": 7 * 86400.0, "newest_item_at": now - timedelta(days=30)}
    assert operator_state(weekly, now) == ("ok", "")
    assert (
        operator_state({**weekly, "newest_item_at": now - timedelta(days=71)}, now)[0] == "silent"
    )
    unknown = {"state": "ok", "newest_item_at": now - timedelta(days=15), "typical_gap_s": None}
    assert operator_state(unknown, now) == ("silent", "no new item for 15d (no rhythm known)")
