"""Adaptive polling: the pure rule (pipeline.fetch.schedule) and its effect on ingested feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.models import FeedRow
from pipeline.config import Settings
from pipeline.fetch import schedule
from pipeline.fetch.health import due_feed_filter, plan_next_poll
from pipeline.flows.ingest import ingest_once
from pipeline.parse.fast import parse_fast
from pipeline.parse.feeds import parse_guarded
from pipeline.sources.registry import parse_registry

FLOOR = timedelta(minutes=15)
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
FEEDS = FeedRow.__table__


def rss(items: list[datetime], channel_extra: str = "", base: str = "https://a.example") -> str:
    entries = "".join(
        f"<item><title>Vest broj {i}</title><link>{base}/vest/{i}</link>"
        f"<guid>vest-{i}</guid><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>Kratak opis vesti broj {i} iz izmišljenog grada.</description></item>"
        for i, when in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        f"<channel><title>Izmišljene vesti</title><link>{base}/</link>{channel_extra}"
        f"{entries}</channel></rss>"
    )


def every(gap: timedelta, n: int, end: datetime) -> list[datetime]:
    return [end - gap * i for i in range(n)]


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hints", "delay", "reason"),
    [
        ({"ttl": "60"}, timedelta(hours=1), "ttl 60 min"),
        ({"sy_updateperiod": "hourly", "sy_updatefrequency": "2"}, timedelta(minutes=30), "sy:"),
        ({"sy_updateperiod": "daily"}, timedelta(days=1), "sy:"),
        ({"ttl": "5"}, FLOOR, "every run (ttl 5 min)"),
        ({"ttl": "not a number"}, FLOOR, "no hint"),
    ],
)
def test_feed_declared_hints(hints, delay, reason):
    plan = schedule.next_poll(floor=FLOOR, declared=schedule.feed_declared(hints))
    assert plan.delay == delay
    assert reason in plan.reason


def test_http_hints_cache_control_and_expires():
    max_age = schedule.http_declared({"Cache-Control": "public, max-age=7200"}, NOW)
    assert max_age == (timedelta(hours=2), "Cache-Control max-age=7200")
    assert schedule.next_poll(floor=FLOOR, http=max_age).delay == timedelta(hours=2)

    expires = schedule.http_declared({"Expires": format_datetime(NOW + timedelta(hours=3))}, NOW)
    assert expires is not None and expires[0] == timedelta(hours=3)
    assert schedule.next_poll(floor=FLOOR, http=expires).delay == timedelta(hours=3)

    # A CDN's one-minute cache is below the DAG's interval: every run.
    cdn = schedule.http_declared({"cache-control": "max-age=60"}, NOW)
    assert schedule.next_poll(floor=FLOOR, http=cdn).delay == FLOOR
    assert schedule.http_declared({"Cache-Control": "no-cache, max-age=9000"}, NOW) is None
    assert schedule.http_declared({"Expires": "0"}, NOW) is None


def test_observed_gaps_set_the_interval_within_bounds():
    hourly = schedule.typical_gap(every(timedelta(hours=1), 12, NOW))
    assert hourly == timedelta(hours=1)
    assert schedule.next_poll(floor=FLOOR, gap=hourly).delay == timedelta(minutes=30)

    busy = schedule.typical_gap(every(timedelta(minutes=7), 30, NOW))
    assert schedule.next_poll(floor=FLOOR, gap=busy).delay == FLOOR

    weekly = schedule.typical_gap(every(timedelta(days=7), 6, NOW))
    plan = schedule.next_poll(floor=FLOOR, gap=weekly)
    assert plan.delay == schedule.MAX_DELAY and plan.reason.startswith("daily at most")

    # Three dated items are two gaps: no rhythm yet.
    assert schedule.typical_gap(every(timedelta(hours=1), 3, NOW)) is None


def test_declared_floor_wins_over_a_faster_rhythm_and_override_wins_over_all():
    gap = timedelta(minutes=40)  # would poll every 20 minutes
    declared = schedule.feed_declared({"ttl": "120"})
    assert schedule.next_poll(floor=FLOOR, declared=declared, gap=gap).delay == timedelta(hours=2)

    plan = schedule.next_poll(floor=FLOOR, override=timedelta(hours=6), declared=declared, gap=gap)
    assert plan.delay == timedelta(hours=6) and "override" in plan.reason
    assert schedule.next_poll(floor=FLOOR, override=timedelta(minutes=1)).delay == FLOOR


def test_plan_next_poll_is_due_half_an_interval_early_and_none_for_every_run():
    at = NOW
    next_at, reason = plan_next_poll((None, 3600.0, "ttl 60 min", None), None, at, FLOOR)
    assert next_at == at + timedelta(hours=1) - FLOOR / 2 and reason == "ttl 60 min"
    assert plan_next_poll(None, None, at, FLOOR)[0] is None


def test_registry_override_is_read_and_checked():
    text = """
[[outlet]]
slug = "primer"
name = "Primer"
homepage = "https://primer.example/"
country = "RS"
languages = ["sr"]
feeds = [{ url = "https://primer.example/rss", poll_every = "1h" }]
"""
    registry = parse_registry(text)
    assert registry.outlets[0].feeds[0].poll_every_s == 3600.0
    with pytest.raises(ValueError, match="poll_every"):
        parse_registry(text.replace('"1h"', '"hourly"'))


# --- the parser hands the hints up ---------------------------------------------------------


def test_fast_path_and_feedparser_hand_up_the_same_hints():
    extra = "<ttl>90</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>3</sy:updateFrequency>"
    body = rss(every(timedelta(hours=2), 5, NOW), extra).encode()
    assert parse_fast(body, "https://a.example/rss") is not None  # the fast path reads it
    fast = parse_guarded(body, "https://a.example/rss", "application/rss+xml", 100)
    # An unescaped ampersand makes the document ill-formed: feedparser reads it.
    broken = body.replace(b"Izmi\xc5\xa1ljene vesti", b"Vesti & komentari")
    assert parse_fast(broken, "https://a.example/rss") is None
    slow = parse_guarded(broken, "https://a.example/rss", "application/rss+xml", 100)
    expected = {"ttl": "90", "sy_updateperiod": "hourly", "sy_updatefrequency": "3"}
    assert fast.poll_hints == expected
    assert slow.poll_hints == expected


# --- ingested feeds get their next poll ----------------------------------------------------


def _feed_row(url: str, db: str) -> dict:
    engine = make_engine(db)
    with engine.connect() as connection:
        row = connection.execute(sa.select(FEEDS).where(FEEDS.c.url == url)).mappings().one()
    engine.dispose()
    return dict(row)


def test_ingested_feeds_follow_their_hints_and_rhythm(sqlite_url, web):
    now = datetime.now(UTC).replace(microsecond=0)
    ttl = web.add("/ttl.xml", rss(every(timedelta(minutes=5), 10, now), "<ttl>120</ttl>"))
    cached = web.add(
        "/cached.xml",
        rss(every(timedelta(minutes=5), 10, now), base="https://b.example"),
        headers={"Cache-Control": "max-age=10800"},
    )
    slow = web.add("/slow.xml", rss(every(timedelta(hours=6), 8, now), base="https://c.example"))
    busy = web.add("/busy.xml", rss(every(timedelta(minutes=3), 20, now), base="https://d.example"))
    settings = Settings(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))

    before = datetime.now(UTC)
    summary = ingest_once(settings, [ttl, cached, slow, busy])
    assert summary.failed == 0
    # The first poll only learns the rhythm; the second schedules from it.
    ingest_once(settings, [ttl, cached, slow, busy])
    after = datetime.now(UTC)

    def due_in(url: str) -> tuple[timedelta | None, timedelta | None, str]:
        row = _feed_row(url, sqlite_url)
        if row["next_poll_at"] is None:
            return None, None, row["poll_reason"]
        return row["next_poll_at"] - after, row["next_poll_at"] - before, row["poll_reason"]

    low, high, reason = due_in(ttl)
    assert "ttl 120 min" in reason
    assert low <= timedelta(hours=2) - FLOOR / 2 <= high
    low, high, reason = due_in(cached)
    assert "max-age=10800" in reason and low <= timedelta(hours=3) - FLOOR / 2 <= high
    low, high, reason = due_in(slow)
    assert "publishes every 6h" in reason and low <= timedelta(hours=3) - FLOOR / 2 <= high
    assert due_in(busy) == (None, None, "every run (publishes every 3m (median))")

    # Only the feed that publishes every three minutes is due at the next run.
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        due = connection.execute(
            sa.select(FEEDS.c.url).where(due_feed_filter(after + FLOOR))
        ).scalars()
        assert set(due) == {busy}
    engine.dispose()
