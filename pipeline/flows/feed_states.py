"""Operators' feed states kept on the feed row, and an alert when a feed enters a bad one.

``refresh_feed_states`` runs after each live processing (the state "silent" needs the newest
item the run just parsed): it classifies every active feed (``fetch.health.operator_state``),
writes the state that changed with the moment it changed and why, and hands each entry into a
state other than "ok" to ``flows.alerts.feed_state_alert`` (logged, and posted to the webhook).
A state that holds is not alerted again; a recovery is logged, not alerted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, update

from pipeline.archive.models import FeedRow, OutletRow
from pipeline.config import Settings
from pipeline.fetch.health import operator_state
from pipeline.flows.alerts import feed_state_alert

log = logging.getLogger(__name__)

FEEDS = FeedRow.__table__
OUTLETS = OutletRow.__table__


@dataclass(frozen=True)
class StateChange:
    feed_id: int
    feed_url: str
    outlet: str
    previous: str | None
    state: str
    reason: str
    since: datetime


def refresh_feed_states(engine: Engine, settings: Settings, now: datetime) -> list[StateChange]:
    """Classify every active feed, store the changes, alert the bad ones; returns the changes."""
    columns = [
        FEEDS.c.id,
        FEEDS.c.url,
        OUTLETS.c.slug,
        FEEDS.c.state,
        FEEDS.c.consecutive_failures,
        FEEDS.c.last_error_class,
        FEEDS.c.last_error_message,
        FEEDS.c.last_fetch_at,
        FEEDS.c.last_success_at,
        FEEDS.c.next_poll_at,
        FEEDS.c.newest_item_at,
        FEEDS.c.typical_gap_s,
        FEEDS.c.ops_state,
    ]
    query = (
        select(*columns)
        .join(OUTLETS, OUTLETS.c.id == FEEDS.c.outlet_id)
        .where(FEEDS.c.active.is_(True))
        .order_by(FEEDS.c.id)
    )
    changes: list[StateChange] = []
    with engine.begin() as connection:
        for row in connection.execute(query).mappings():
            state, reason = operator_state(row, now)
            if state != row["ops_state"]:
                changes.append(
                    StateChange(
                        row["id"], row["url"], row["slug"], row["ops_state"], state, reason, now
                    )
                )
        if changes:
            connection.execute(
                update(FEEDS)
                .where(FEEDS.c.id == bindparam("b_id"))
                .values(
                    ops_state=bindparam("b_state"),
                    ops_state_since=bindparam("b_since"),
                    ops_state_reason=bindparam("b_reason"),
                ),
                [
                    {
                        "b_id": c.feed_id,
                        "b_state": c.state,
                        "b_since": c.since,
                        "b_reason": c.reason,
                    }
                    for c in changes
                ],
            )
    for change in changes:
        if change.state != "ok":
            feed_state_alert(settings, change)
        elif change.previous is not None:
            log.info(
                "feed %s %s is ok again (was %s)", change.outlet, change.feed_url, change.previous
            )
    return changes
