"""Feed health: weighted failures, back-off, disabling, and recovery.

Weights follow Media Cloud's rss-fetcher in spirit: a feed is disabled only after a sustained run
of failures (30 weighted points by default), hard failures weigh most, and a temporary failure
(timeout, 5xx) weighs little because the outlet will usually recover. A rate limit is the outlet
asking us to wait, not the feed being broken: it moves the next poll and counts nothing. Our own
faults (database, bugs: class "internal") never touch a feed's health.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, bindparam, or_, select, update

from pipeline.archive.models import FeedRow
from pipeline.fetch.errors import NOT_COUNTED, SEVERITY
from pipeline.fetch.retry_after import jittered

FEEDS = FeedRow.__table__

WEIGHTS = {"hard": 3.0, "soft": 1.0, "temporary": 0.5, "none": 0.0}
DISABLE_AT = 30.0
# Linear back-off: each consecutive failure pushes the next poll 15 minutes further, up to a day.
BACKOFF_STEP = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)
# A disabled feed is tried again once a week; one success brings it back.
REPROBE_EVERY = timedelta(days=7)


def severity(error_class: str) -> str:
    return SEVERITY.get(error_class, "soft")


def failure_weight(error_class: str) -> float:
    """What one failure of this class adds to the feed's score (0 for what is not counted)."""
    if error_class in NOT_COUNTED:
        return 0.0
    return WEIGHTS[severity(error_class)]


def backoff(consecutive_failures: int) -> timedelta:
    return min(BACKOFF_STEP * consecutive_failures, MAX_BACKOFF)


def record_failure(
    connection: Connection,
    feed_id: int,
    error_class: str,
    message: str | None,
    at: datetime,
    retry_after_s: float | None,
) -> None:
    if error_class == "internal":
        return
    score, failures, state, disabled_at = connection.execute(
        select(
            FEEDS.c.failure_score,
            FEEDS.c.consecutive_failures,
            FEEDS.c.state,
            FEEDS.c.disabled_at,
        ).where(FEEDS.c.id == feed_id)
    ).one()
    values: dict[str, object] = {
        "last_error_class": error_class,
        "last_error_message": (message or "")[:2000],
        "last_fetch_at": at,
    }
    if error_class in NOT_COUNTED:
        delay = timedelta(seconds=jittered(retry_after_s)) if retry_after_s else timedelta(0)
        values["next_poll_at"] = at + delay if delay else None
        connection.execute(update(FEEDS).where(FEEDS.c.id == feed_id).values(**values))
        return
    score += failure_weight(error_class)
    failures += 1
    delay = backoff(failures)
    if retry_after_s is not None:
        delay = max(delay, timedelta(seconds=jittered(retry_after_s)))
    disabled = score >= DISABLE_AT
    if disabled:
        # Disabled: probed again in a week (a failed re-probe keeps it disabled another week).
        delay = REPROBE_EVERY
    values.update(
        failure_score=score,
        consecutive_failures=failures,
        next_poll_at=at + delay,
        state="disabled" if disabled else "failing",
        disabled_at=(disabled_at if state == "disabled" and disabled_at else at)
        if disabled
        else None,
    )
    connection.execute(update(FEEDS).where(FEEDS.c.id == feed_id).values(**values))


def record_success(connection: Connection, feed_id: int, at: datetime) -> None:
    record_successes(connection, [(feed_id, at)])


def record_successes(
    connection: Connection, successes: list[tuple[int, datetime]], *, unconditional: bool = False
) -> None:
    """Feeds back to health, in one executemany (in feed id order, so that two runs updating
    overlapping feeds take their row locks in the same order). ``unconditional``: the requests
    were sent without validators, which ``last_unconditional_at`` records."""
    if not successes:
        return
    values: dict[str, object] = {
        "failure_score": 0.0,
        "consecutive_failures": 0,
        "state": "ok",
        "last_fetch_at": bindparam("at"),
        "last_success_at": bindparam("at"),
        "next_poll_at": None,
        "disabled_at": None,
    }
    if unconditional:
        values["last_unconditional_at"] = bindparam("at")
    statement = update(FEEDS).where(FEEDS.c.id == bindparam("feed_id")).values(**values)
    rows = [{"feed_id": feed_id, "at": at} for feed_id, at in sorted(successes)]
    connection.execute(statement, rows)


def due_feed_filter(now: datetime) -> ColumnElement[bool]:
    """Feeds to poll at ``now``: active, past their back-off, and disabled ones due a re-probe.

    For ``store.feed_refs`` (registry listing): ``query.where(due_feed_filter(now))`` in place of
    the ``state != "disabled"`` condition.
    """
    past_backoff = or_(FEEDS.c.next_poll_at.is_(None), FEEDS.c.next_poll_at <= now)
    reprobe_due = or_(
        FEEDS.c.next_poll_at <= now,
        and_(FEEDS.c.next_poll_at.is_(None), FEEDS.c.disabled_at <= now - REPROBE_EVERY),
        and_(FEEDS.c.next_poll_at.is_(None), FEEDS.c.disabled_at.is_(None)),
    )
    return and_(
        FEEDS.c.active.is_(True),
        or_(
            and_(FEEDS.c.state != "disabled", past_backoff),
            and_(FEEDS.c.state == "disabled", reprobe_due),
        ),
    )
