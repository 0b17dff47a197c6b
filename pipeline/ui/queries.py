"""The page's questions, each one query on indexed columns or on the daily summary table.

``article_daily_counts`` (kept by triggers, migration 0003) answers the per-day questions without
touching ``articles``; republications read ``articles`` through its ``published_at`` index for
the window only. A year of data therefore costs the page a few thousand summary rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, bindparam, text

from pipeline.archive.types import UTCDateTime

# The days a window may span. Its bounds become timestamps (the day after the last one too) in
# both databases' queries; no archive of online news holds a day before 1900, and 9999-12-31
# has no next day.
FIRST_SHOWABLE = date(1900, 1, 1)
LAST_SHOWABLE = date(9999, 12, 30)


class WindowError(ValueError):
    """A window the page cannot show (the page and its API answer 422)."""


@dataclass(frozen=True)
class Window:
    """Whole UTC days, both ends included."""

    first: date
    last: date

    @classmethod
    def ending(cls, last: date, days: int) -> Window:
        """The ``days`` days ending with ``last``; raises WindowError outside the showable
        range."""
        if not FIRST_SHOWABLE <= last <= LAST_SHOWABLE or days < 1:
            raise WindowError(
                f"end must be a day from {FIRST_SHOWABLE} to {LAST_SHOWABLE}, not {last}"
            )
        if (last - FIRST_SHOWABLE).days < days - 1:
            raise WindowError(f"{days} days ending {last} start before {FIRST_SHOWABLE}")
        return cls(last - timedelta(days=days - 1), last)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class FeedHealth:
    feed_id: int
    outlet: str
    feed_url: str
    language: str | None
    active: bool
    state: str
    failure_score: float
    consecutive_failures: int
    last_error_class: str | None
    last_error_message: str | None
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    fetches_24h: int
    failures_24h: int
    articles_7d: int
    # Operators' state (pipeline.flows.feed_states, migration 0011): "ok", "silent", "failing",
    # "disabled", "rate_limited", since when and why; why the next poll is when it is.
    ops_state: str = "ok"
    ops_state_since: datetime | None = None
    ops_state_reason: str | None = None
    poll_reason: str | None = None
    newest_item_at: datetime | None = None


@dataclass
class Grid:
    """Counts by row label and day, e.g. articles per outlet per day."""

    rows: list[str]
    days: list[date]
    counts: dict[tuple[str, date], int] = field(default_factory=dict)

    def count(self, row: str, day: date) -> int:
        return self.counts.get((row, day), 0)

    def row_total(self, row: str) -> int:
        return sum(self.count(row, day) for day in self.days)

    @property
    def max(self) -> int:
        return max(self.counts.values(), default=0)


@dataclass(frozen=True)
class Republication:
    origin: str
    republisher: str
    copies: int


@dataclass(frozen=True)
class Totals:
    articles: int
    outlets: int
    feeds: int
    feeds_by_state: dict[str, int]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# Failing feeds first, then disabled ones, then the rest; worst score first within a state.
_FEED_HEALTH = """
SELECT feed_id, outlet, feed_url, language, active, state, failure_score, consecutive_failures,
       last_error_class, last_error_message, last_fetch_at, last_success_at, next_poll_at,
       fetches_24h, failures_24h, articles_7d
FROM v_feed_health
ORDER BY CASE state WHEN 'failing' THEN 0 WHEN 'disabled' THEN 1 ELSE 2 END,
         failure_score DESC, outlet, feed_url
"""


_OPERATOR_FIELDS = """
SELECT id, ops_state, ops_state_since, ops_state_reason, poll_reason, newest_item_at FROM feeds
"""
_OPERATOR_ORDER = {"failing": 0, "disabled": 1, "rate_limited": 2, "silent": 3}


def _operator_fields(connection: Connection) -> dict[int, dict]:
    query = text(_OPERATOR_FIELDS).columns(
        ops_state_since=UTCDateTime(), newest_item_at=UTCDateTime()
    )
    return {
        r.id: {
            "ops_state": r.ops_state or "ok",
            "ops_state_since": r.ops_state_since,
            "ops_state_reason": r.ops_state_reason,
            "poll_reason": r.poll_reason,
            "newest_item_at": r.newest_item_at,
        }
        for r in connection.execute(query)
    }


def _with_health(fields: dict, health: str) -> dict:
    """The stored operators' state, unless health has moved on since it was stored (a feed
    failing or disabled by this run's fetch, before the state refresh after processing)."""
    if health in ("failing", "disabled") and fields.get("ops_state") != health:
        return {**fields, "ops_state": health, "ops_state_since": None}
    return fields


def feed_health(connection: Connection) -> list[FeedHealth]:
    """Every feed, those an operator should look at first (failing, disabled, rate-limited,
    silent), then by failure score."""
    feeds = []
    query = text(_FEED_HEALTH).columns(
        last_fetch_at=UTCDateTime(), last_success_at=UTCDateTime(), next_poll_at=UTCDateTime()
    )
    operator = _operator_fields(connection)
    for r in connection.execute(query):
        feeds.append(
            FeedHealth(
                feed_id=r.feed_id,
                outlet=r.outlet,
                feed_url=r.feed_url,
                language=r.language,
                active=bool(r.active),
                state=r.state,
                failure_score=float(r.failure_score or 0.0),
                consecutive_failures=int(r.consecutive_failures or 0),
                last_error_class=r.last_error_class,
                last_error_message=r.last_error_message,
                last_fetch_at=r.last_fetch_at,
                last_success_at=r.last_success_at,
                next_poll_at=r.next_poll_at,
                fetches_24h=int(r.fetches_24h),
                failures_24h=int(r.failures_24h),
                articles_7d=int(r.articles_7d),
                **_with_health(operator.get(r.feed_id, {}), r.state),
            )
        )
    feeds.sort(key=lambda f: _OPERATOR_ORDER.get(f.ops_state, 4))  # stable: keeps SQL order
    return feeds


def _window_params(window: Window) -> dict[str, object]:
    return {"first": window.first.isoformat(), "last": window.last.isoformat()}


def coverage(connection: Connection, window: Window) -> Grid:
    """Articles per outlet and day; every outlet is a row, even one with nothing in the window."""
    outlets = [r[0] for r in connection.execute(text("SELECT slug FROM outlets ORDER BY slug"))]
    grid = Grid(rows=outlets, days=window.days)
    query = text(
        "SELECT o.slug, c.day, SUM(c.articles) FROM article_daily_counts c "
        "JOIN outlets o ON o.id = c.outlet_id "
        "WHERE c.day >= :first AND c.day <= :last GROUP BY o.slug, c.day"
    )
    for slug, day, count in connection.execute(query, _window_params(window)):
        if count:
            grid.counts[(slug, _day(day))] = int(count)
    return grid


def languages(connection: Connection, window: Window) -> Grid:
    """Articles per language tag and day."""
    query = text(
        "SELECT language, day, SUM(articles) FROM article_daily_counts "
        "WHERE day >= :first AND day <= :last GROUP BY language, day"
    )
    counts: dict[tuple[str, date], int] = {}
    totals: dict[str, int] = defaultdict(int)
    for language, day, count in connection.execute(query, _window_params(window)):
        if count:
            counts[(language, _day(day))] = int(count)
            totals[language] += int(count)
    rows = sorted(totals, key=lambda lang: (-totals[lang], lang))
    return Grid(rows=rows, days=window.days, counts=counts)


def republications(connection: Connection, window: Window, limit: int = 50) -> list[Republication]:
    """Copies per (origin outlet, republishing outlet), for copies published in the window."""
    start = datetime.combine(window.first, time(), tzinfo=UTC)
    end = datetime.combine(window.last + timedelta(days=1), time(), tzinfo=UTC)
    query = text(
        "SELECT oo.slug, co.slug, COUNT(*) AS copies "
        "FROM articles c "
        "JOIN articles o ON o.id = c.duplicate_of "
        "JOIN outlets co ON co.id = c.outlet_id "
        "JOIN outlets oo ON oo.id = o.outlet_id "
        "WHERE c.published_at >= :start AND c.published_at < :end "
        "AND c.duplicate_of IS NOT NULL AND c.outlet_id <> o.outlet_id "
        "GROUP BY oo.slug, co.slug ORDER BY copies DESC, oo.slug, co.slug LIMIT :limit"
    ).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))
    params = {"start": start, "end": end, "limit": limit}
    return [Republication(*r[:2], int(r[2])) for r in connection.execute(query, params)]


def totals(connection: Connection) -> Totals:
    articles = connection.execute(text("SELECT SUM(articles) FROM article_daily_counts")).scalar()
    outlets = connection.execute(text("SELECT COUNT(*) FROM outlets")).scalar()
    by_state = dict(
        connection.execute(text("SELECT state, COUNT(*) FROM feeds GROUP BY state")).all()
    )
    return Totals(
        articles=int(articles or 0),
        outlets=int(outlets or 0),
        feeds=sum(by_state.values()),
        feeds_by_state={k: int(v) for k, v in sorted(by_state.items())},
    )


@dataclass
class PageData:
    window: Window
    totals: Totals
    feeds: list[FeedHealth]
    coverage: Grid
    languages: Grid
    republications: list[Republication]


def page_data(connection: Connection, window: Window) -> PageData:
    return PageData(
        window=window,
        totals=totals(connection),
        feeds=feed_health(connection),
        coverage=coverage(connection, window),
        languages=languages(connection, window),
        republications=republications(connection, window),
    )
