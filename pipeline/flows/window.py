"""The time window a run owns, whatever started it.

Each ``news_ingest`` run owns [start, end). Scheduled and backfill runs get it from their data
interval; a manual run with a logical date too; a manual run without one (Airflow 3 allows that)
owns the poll interval that ends when it was asked to run. A window that ended long ago is
history: its run reprocesses what was captured then and harvests archives, instead of polling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

POLL_INTERVAL = timedelta(minutes=15)
# A run that starts this long after its window closed is catching up on history, not polling:
# the scheduler may run a live window late, but not by hours.
LIVE_GRACE = timedelta(hours=2)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    mode: str  # "live" or "history"

    @property
    def days(self) -> list[date]:
        """Calendar days (UTC) that the window touches."""
        first = self.start.astimezone(UTC).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(UTC).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "mode": self.mode}

    @classmethod
    def from_dict(cls, data: dict) -> Window:
        return cls(
            datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]), data["mode"]
        )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def resolve_window(
    *,
    data_interval_start: datetime | None,
    data_interval_end: datetime | None,
    run_type: str | None,
    run_after: datetime | None,
    now: datetime,
    interval: timedelta = POLL_INTERVAL,
) -> Window:
    start, end = _aware(data_interval_start), _aware(data_interval_end)
    now = _aware(now)
    if start is None or end is None:
        # Manual run without a logical date: the interval that ends when it was asked to run.
        end = _aware(run_after) or now
        start = end - interval
    if end <= start:
        # A zero-width interval (a cron timetable, or a manual run at a single instant).
        start = end - interval
    # A scheduled run starts after its window closes, up to one interval late with a coarse
    # schedule; only a window older than that (or a backfill) is history.
    history = run_type == "backfill" or end < now - max(LIVE_GRACE, end - start)
    return Window(start, end, "history" if history else "live")
