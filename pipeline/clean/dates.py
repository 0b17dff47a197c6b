"""Publication dates: parsed, sanity-checked, never an exception that fails a batch.

The raw string is always kept; a date that is missing, unparsable or insane is replaced by the
time the item was first seen and flagged, so analysts can tell a real date from a fallback.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from time import struct_time

# Outlets' clocks drift and time zones get mislabelled; a day ahead is still plausible.
FUTURE_TOLERANCE = timedelta(days=1)
# No outlet in the registry published online before this.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ResolvedDate:
    value: datetime
    raw: str | None
    # None when the date came from the item and is sane; otherwise why the fallback was used.
    flag: str | None


def from_struct(struct: struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time into an aware datetime (None when impossible)."""
    if struct is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def resolve_published(
    parsed: datetime | None, raw: str | None, *, seen_at: datetime
) -> ResolvedDate:
    if parsed is None:
        return ResolvedDate(seen_at, raw, "missing" if not raw else "unparsable")
    if parsed > seen_at + FUTURE_TOLERANCE:
        return ResolvedDate(seen_at, raw, "future")
    if parsed < EARLIEST_PLAUSIBLE:
        return ResolvedDate(seen_at, raw, "too_old")
    return ResolvedDate(parsed, raw, None)
