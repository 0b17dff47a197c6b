"""Feed health: weighted failures, back-off, disabling, and recovery.

Weights follow Media Cloud's rss-fetcher in spirit: a feed is disabled only after a sustained run
of failures (30 weighted points by default), hard failures weigh most, and a temporary failure
(timeout, 5xx) weighs little because the outlet will usually recover. A rate limit is the outlet
asking us to wait, not the feed being broken: it moves the next poll and counts nothing. Our own
faults (database, bugs: class "internal") never touch a feed's health.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, bindparam, or_, select, update

from pipeline.archive.models import FeedRow
from pipeline.fetch import schedule
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
        values["poll_reason"] = (
            f"{error_class.replace('_', '-')}: asked to wait {int(delay.total_seconds())} s"
            if delay
            else None
        )
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
        poll_reason="weekly re-probe (disabled)"
        if disabled
        else f"back-off after {failures} failure{'s' if failures > 1 else ''}",
        state="disabled" if disabled else "failing",
        disabled_at=(disabled_at if state == "disabled" and disabled_at else at)
        if disabled
        else None,
    )
    connection.execute(update(FEEDS).where(FEEDS.c.id == feed_id).values(**values))


def record_success(connection: Connection, feed_id: int, at: datetime) -> None:
    record_successes(connection, [(feed_id, at)])


def record_successes(
    connection: Connection,
    successes: list[tuple[int, datetime]],
    *,
    unconditional: bool = False,
    headers: Mapping[int, Mapping[str, str]] | None = None,
    not_modified: frozenset[int] = frozenset(),
    floor: timedelta = schedule.DEFAULT_FLOOR,
) -> None:
    """Feeds back to health, in one executemany (in feed id order, so that two runs updating
    overlapping feeds take their row locks in the same order). ``unconditional``: the requests
    were sent without validators, which ``last_unconditional_at`` records. Each feed's next poll
    follows ``schedule.next_poll`` over its response ``headers`` and its stored rhythm; the
    freshness a full response declared is kept, and a 304 (``not_modified``) without its own
    keeps the last one (RFC 9111 4.3.4: a 304 updates the stored response's headers)."""
    if not successes:
        return
    values: dict[str, object] = {
        "failure_score": 0.0,
        "consecutive_failures": 0,
        "state": "ok",
        "last_fetch_at": bindparam("at"),
        "last_success_at": bindparam("at"),
        "next_poll_at": bindparam("next_at"),
        "poll_reason": bindparam("reason"),
        "http_poll_s": bindparam("http_s"),
        "http_poll_reason": bindparam("http_reason"),
        "disabled_at": None,
    }
    if unconditional:
        values["last_unconditional_at"] = bindparam("at")
    statement = update(FEEDS).where(FEEDS.c.id == bindparam("feed_id")).values(**values)
    rhythm = _rhythms(connection, [feed_id for feed_id, _ in successes])
    rows = []
    for feed_id, at in sorted(successes):
        *stored, kept_s, kept_reason = rhythm.get(feed_id) or (None,) * 6
        http = schedule.http_declared((headers or {}).get(feed_id), at)
        if http is None and feed_id in not_modified and kept_s:
            http = (timedelta(seconds=kept_s), kept_reason or "HTTP freshness")
        plan = plan_next_poll(tuple(stored), http, at, floor)
        rows.append(
            {
                "feed_id": feed_id,
                "at": at,
                "next_at": plan[0],
                "reason": plan[1],
                "http_s": http[0].total_seconds() if http else None,
                "http_reason": http[1][:80] if http else None,
            }
        )
    connection.execute(statement, rows)


def _rhythms(connection: Connection, feed_ids: list[int]) -> dict[int, tuple]:
    query = select(
        FEEDS.c.id,
        FEEDS.c.poll_every_s,
        FEEDS.c.declared_poll_s,
        FEEDS.c.declared_poll_reason,
        FEEDS.c.typical_gap_s,
        FEEDS.c.http_poll_s,
        FEEDS.c.http_poll_reason,
    ).where(FEEDS.c.id.in_(sorted(set(feed_ids))))
    return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


def plan_next_poll(
    rhythm: tuple | None,
    http: tuple[timedelta, str] | None,
    at: datetime,
    floor: timedelta = schedule.DEFAULT_FLOOR,
) -> tuple[datetime | None, str]:
    """(next_poll_at, why) after a success at ``at``: None polls the feed every run.
    ``rhythm``: the feed's (override s, declared s, declared reason, typical gap s); ``http``:
    the freshness its response declared (``schedule.http_declared``).

    A feed due in more than one interval is due half an interval early, so that it is taken by
    the run nearest its time rather than the one after (runs start a few seconds late).
    """
    every_s, declared_s, declared_reason, gap_s = rhythm or (None, None, None, None)
    plan = schedule.next_poll(
        floor=floor,
        override=timedelta(seconds=every_s) if every_s else None,
        declared=(timedelta(seconds=declared_s), declared_reason or "declared")
        if declared_s
        else None,
        http=http,
        gap=timedelta(seconds=gap_s) if gap_s else None,
    )
    if plan.delay <= floor:
        return None, plan.reason
    return at + plan.delay - floor / 2, plan.reason


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


# Operators' states (the page, alerts): what an operator should look at, worst first.
OPERATOR_STATES = ("disabled", "failing", "rate_limited", "silent", "ok")
# Silent: the newest item is older than this many typical gaps between items. Ten gaps of a feed
# that publishes hourly is ten hours of nothing; news rhythms vary within a week by a factor of
# three or four (nights, weekends), so ten is well past a quiet spell.
SILENT_GAPS = 10
# ...and never sooner than a day (a weekend of a feed publishing twice a day is no alarm).
SILENT_AT_LEAST = timedelta(days=1)
# Without a rhythm (fewer than four dated items) the feed is silent after two weeks.
SILENT_WITHOUT_RHYTHM = timedelta(days=14)


def operator_state(feed: Mapping[str, object], now: datetime) -> tuple[str, str]:
    """(state, reason) of a feed row for operators: "disabled", "failing", "rate_limited",
    "silent" (answering, but nothing new for much longer than its usual gap) or "ok"."""
    state = feed.get("state")
    error = feed.get("last_error_class")
    message = str(feed.get("last_error_message") or "")[:200]
    if state == "disabled":
        return "disabled", f"{feed.get('consecutive_failures')} failures, last {error}: {message}"
    if state == "failing":
        return "failing", f"{feed.get('consecutive_failures')} failures, last {error}: {message}"
    next_at = feed.get("next_poll_at")
    if error == "rate_limited" and isinstance(next_at, datetime) and next_at > now:
        fetched, succeeded = feed.get("last_fetch_at"), feed.get("last_success_at")
        if succeeded is None or (isinstance(fetched, datetime) and fetched > succeeded):
            return "rate_limited", f"asked to wait until {next_at:%Y-%m-%d %H:%M} UTC"
    newest = feed.get("newest_item_at")
    if isinstance(newest, datetime):
        gap_s = feed.get("typical_gap_s")
        if isinstance(gap_s, int | float) and gap_s > 0:
            limit = max(timedelta(seconds=gap_s) * SILENT_GAPS, SILENT_AT_LEAST)
            usual = f"usually every {schedule.human(timedelta(seconds=gap_s))}"
        else:
            limit, usual = SILENT_WITHOUT_RHYTHM, "no rhythm known"
        quiet = now - newest
        if quiet > limit:
            return "silent", f"no new item for {schedule.human(quiet)} ({usual})"
    return "ok", ""
