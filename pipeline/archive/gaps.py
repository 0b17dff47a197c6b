"""Coverage gaps: a poll whose items were all new may have missed items between polls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from pipeline.archive.models import CaptureRow, GapRow
from pipeline.archive.upsert import upsert

CAPTURES = CaptureRow.__table__
GAPS = GapRow.__table__


def note_possible_gap(connection: Connection, capture, now: datetime) -> bool:
    """Mark the capture's day as a gap when an earlier poll of the feed exists.

    The first poll of a feed is all new by nature; any later poll that is all new means the feed
    rolled over more items than it lists between two polls, so some may never have been seen.
    """
    # One earlier poll is enough to know: counting them all would cost more as the feed ages.
    earlier = connection.execute(
        select(CAPTURES.c.id)
        .where(
            CAPTURES.c.feed_id == capture.feed_id,
            CAPTURES.c.kind == "feed",
            CAPTURES.c.fetched_at < capture.fetched_at,
        )
        .limit(1)
    ).first()
    if earlier is None:
        return False
    upsert(
        connection,
        GAPS,
        [
            {
                "feed_id": capture.feed_id,
                "day": capture.fetched_at.date(),
                "reason": "all_items_new",
                "fetch_id": None,
                "detected_at": now,
                "harvested_at": None,
            }
        ],
        ["feed_id", "day"],
    )
    return True
