"""Retry-After (RFC 9110 section 10.2.3): seconds or an HTTP date, capped and jittered."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Retry-After beyond a day is treated as a day (docs/hostile-inputs.md case 12: 88 hours were seen).
MAX_RETRY_AFTER_S = 24 * 3600
# Up to 10 % later than asked, so that feeds told the same date do not return in one burst.
JITTER = 0.10


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, capped at a day; None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value[:12])
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(seconds, MAX_RETRY_AFTER_S))


def jittered(seconds: float, rng: random.Random | None = None) -> float:
    """``seconds`` plus up to 10 % jitter, still capped at a day."""
    extra = (rng or random).uniform(0.0, JITTER) * seconds
    return min(seconds + extra, MAX_RETRY_AFTER_S * (1 + JITTER))
