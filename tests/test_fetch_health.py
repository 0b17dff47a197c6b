"""Feed health on a real archive: weights, linear back-off, disabling, weekly re-probe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.fetch.errors import SEVERITY
from pipeline.fetch.health import (
    DISABLE_AT,
    FEEDS,
    MAX_BACKOFF,
    REPROBE_EVERY,
    due_feed_filter,
    failure_weight,
    record_failure,
    record_success,
)
from pipeline.flows.ingest import prepare

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def feed(sqlite_url):
    engine, (feed_id,) = prepare(
        Settings.from_env(archive_url=sqlite_url), ["http://feeds.example/rss"]
    )
    return engine, feed_id


def _row(engine, feed_id):
    with engine.connect() as connection:
        return connection.execute(sa.select(FEEDS).where(FEEDS.c.id == feed_id)).one()


def _due(engine, now) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(sa.select(FEEDS.c.id).where(due_feed_filter(now))).all())


def test_every_failure_class_has_a_severity():
    classes = ["dns", "connect", "timeout", "tls", "http_404", "http_410", "http_4xx", "http_5xx",
               "rate_limited", "too_large", "not_a_feed", "parse_error", "robots_disallowed"]  # fmt: skip
    assert failure_weight("http_404") > failure_weight("parse_error") > failure_weight("timeout")
    assert all(c in SEVERITY and failure_weight(c) >= 0 for c in classes)
    assert failure_weight("rate_limited") == 0 == failure_weight("internal")


def test_linear_backoff_capped_at_a_day(feed):
    engine, feed_id = feed
    delays = []
    for _ in range(1, 6):
        with engine.begin() as connection:
            record_failure(connection, feed_id, "timeout", "slow", T0, None)
        row = _row(engine, feed_id)
        delays.append(row.next_poll_at - T0)
    assert delays == [timedelta(minutes=15 * i) for i in range(1, 6)]
    assert not _due(engine, T0 + timedelta(minutes=74)) and _due(engine, T0 + timedelta(minutes=75))
    with engine.begin() as connection:
        for _ in range(200):
            record_failure(connection, feed_id, "timeout", "slow", T0, None)
    row = _row(engine, feed_id)
    assert row.next_poll_at - T0 == MAX_BACKOFF or row.state == "disabled"


def test_disabled_past_threshold_and_reprobed_weekly(feed):
    engine, feed_id = feed
    with engine.begin() as connection:
        for _ in range(int(DISABLE_AT / failure_weight("http_404"))):
            record_failure(connection, feed_id, "http_404", "gone", T0, None)
    row = _row(engine, feed_id)
    assert row.state == "disabled" and row.failure_score >= DISABLE_AT
    assert not _due(engine, T0 + REPROBE_EVERY - timedelta(minutes=1))
    assert _due(engine, T0 + REPROBE_EVERY)
    # A failed re-probe keeps it disabled another week; a success revives it.
    later = T0 + REPROBE_EVERY
    with engine.begin() as connection:
        record_failure(connection, feed_id, "http_404", "gone", later, None)
    row = _row(engine, feed_id)
    assert row.state == "disabled" and row.next_poll_at == later + REPROBE_EVERY
    with engine.begin() as connection:
        record_success(connection, feed_id, later + REPROBE_EVERY)
    row = _row(engine, feed_id)
    assert row.state == "ok" and row.failure_score == 0 and row.next_poll_at is None


def test_rate_limit_and_our_own_faults_do_not_count(feed):
    engine, feed_id = feed
    with engine.begin() as connection:
        record_failure(connection, feed_id, "rate_limited", "HTTP 429", T0, 600)
        record_failure(connection, feed_id, "internal", "database went away", T0, None)
    row = _row(engine, feed_id)
    assert row.failure_score == 0 and row.consecutive_failures == 0 and row.state == "ok"
    assert row.last_error_class == "rate_limited"
    assert timedelta(seconds=600) <= row.next_poll_at - T0 <= timedelta(seconds=660)
