"""Feed health: weighted failures, back-off, disabling, and recovery.

Weights follow Media Cloud's rss-fetcher in spirit: a feed is disabled only after a sustained run
of failures (30 weighted points by default), hard failures weigh most, and a temporary failure
(rate limit, 5xx, timeout) weighs little because the outlet will usually recover.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from pipeline.archive.models import FeedRow
from pipeline.fetch.errors import SEVERITY

FEEDS = FeedRow.__table__

WEIGHTS = {"hard": 3.0, "soft": 1.0, "temporary": 0.5}
DISABLE_AT = 30.0
# Linear back-off: each consecutive failure pushes the next poll 15 minutes further, up to a day.
BACKOFF_STEP = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)


def failure_weight(error_class: str) -> float:
    return WEIGHTS[SEVERITY.get(error_class, "soft")]


def record_failure(
    connection: Connection,
    feed_id: int,
    error_class: str,
    message: str | None,
    at: datetime,
    retry_after_s: float | None,
) -> None:
    score, failures = connection.execute(
        select(FEEDS.c.failure_score, FEEDS.c.consecutive_failures).where(FEEDS.c.id == feed_id)
    ).one()
    score += failure_weight(error_class)
    failures += 1
    delay = min(BACKOFF_STEP * failures, MAX_BACKOFF)
    if retry_after_s is not None:
        delay = max(delay, timedelta(seconds=retry_after_s))
    disabled = score >= DISABLE_AT
    connection.execute(
        update(FEEDS)
        .where(FEEDS.c.id == feed_id)
        .values(
            failure_score=score,
            consecutive_failures=failures,
            last_error_class=error_class,
            last_error_message=(message or "")[:2000],
            last_fetch_at=at,
            next_poll_at=at + delay,
            state="disabled" if disabled else "failing",
            disabled_at=at if disabled else None,
        )
    )


def record_success(connection: Connection, feed_id: int, at: datetime) -> None:
    connection.execute(
        update(FEEDS)
        .where(FEEDS.c.id == feed_id)
        .values(
            failure_score=0.0,
            consecutive_failures=0,
            state="ok",
            last_fetch_at=at,
            last_success_at=at,
            next_poll_at=None,
            disabled_at=None,
        )
    )
