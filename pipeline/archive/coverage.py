"""Per feed and day coverage: captures taken, articles published, first and last publication.

Recomputed for the days a run touched, so the operators' view never scans the whole archive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, delete, select

from pipeline.archive.models import ArticleRow, CaptureRow, CoverageDailyRow, GapRow
from pipeline.archive.upsert import upsert

ARTICLES = ArticleRow.__table__
CAPTURES = CaptureRow.__table__
COVERAGE = CoverageDailyRow.__table__
GAPS = GapRow.__table__


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def refresh_coverage(engine: Engine, days: Iterable[date]) -> int:
    """Rebuild the coverage rows of ``days``; returns the number of rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    rows: dict[tuple[int, date], dict] = defaultdict(
        lambda: {
            "captures": 0,
            "articles": 0,
            "earliest_published": None,
            "latest_published": None,
            "gap": False,
        }
    )
    wanted = set(days)
    with engine.begin() as connection:
        for feed_id, fetched_at in connection.execute(
            select(CAPTURES.c.feed_id, CAPTURES.c.fetched_at).where(
                CAPTURES.c.kind == "feed",
                CAPTURES.c.fetched_at >= start,
                CAPTURES.c.fetched_at < end,
            )
        ):
            if fetched_at.date() in wanted:
                rows[(feed_id, fetched_at.date())]["captures"] += 1
        for feed_id, published in connection.execute(
            select(ARTICLES.c.feed_id, ARTICLES.c.published_at).where(
                ARTICLES.c.published_at >= start, ARTICLES.c.published_at < end
            )
        ):
            if published.date() not in wanted:
                continue
            row = rows[(feed_id, published.date())]
            row["articles"] += 1
            row["earliest_published"] = _earlier(row["earliest_published"], published)
            row["latest_published"] = _later(row["latest_published"], published)
        for feed_id, day in connection.execute(
            select(GAPS.c.feed_id, GAPS.c.day).where(
                GAPS.c.day.in_(days), GAPS.c.harvested_at.is_(None)
            )
        ):
            rows[(feed_id, day)]["gap"] = True
        connection.execute(delete(COVERAGE).where(COVERAGE.c.day.in_(days)))
        values = [{"feed_id": f, "day": d, **v} for (f, d), v in sorted(rows.items())]
        upsert(
            connection,
            COVERAGE,
            values,
            ["feed_id", "day"],
            [k for k in values[0] if k not in ("feed_id", "day")] if values else [],
        )
    return len(rows)


def _earlier(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b < a else a


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a
