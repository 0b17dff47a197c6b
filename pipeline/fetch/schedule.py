"""When to poll a feed next: a pure rule over what the feed declares and how often it publishes.

Inputs, all optional:

- a manual override from the registry (``poll_every = "1h"``): wins over everything, kept
  between the DAG's interval and ``MAX_OVERRIDE``;
- what the publisher declares: RSS ``<ttl>`` (minutes), ``sy:updatePeriod``/``sy:updateFrequency``
  (the feed changes ``frequency`` times per ``period``), HTTP ``Cache-Control: max-age`` and
  ``Expires``. A declared interval is a floor: we do not poll more often than the publisher asks;
- the observed gap: the median gap between the feed's latest item dates (``typical_gap``). We
  poll at ``OBSERVED_FRACTION`` of it, so that a new item waits about a quarter of a gap on
  average before we see it.

The largest of the declared floor and the observed interval wins, bounded between the DAG's
interval (``floor``: no feed is polled more often than runs happen) and ``MAX_DELAY`` (a day: a
feed that publishes once a week is still looked at daily, so a change of rhythm is seen).
Without any input the feed is polled every run, as before.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

# The news_ingest DAG's interval (NEWS_POLL_CRON's default, */15): no feed is polled more often.
DEFAULT_FLOOR = timedelta(minutes=15)
MAX_DELAY = timedelta(days=1)
# An override may ask for less than daily polling (a weekly bulletin), but not less than weekly.
MAX_OVERRIDE = timedelta(days=7)
# Poll at half the typical gap: an item published at a random moment waits a quarter of a gap
# on average, half a gap at worst while the rhythm holds.
OBSERVED_FRACTION = 0.5
# The median of the latest gaps: a feed's rhythm changes (elections, holidays), old gaps mislead.
GAPS_KEPT = 20
# Fewer gaps than this say nothing about a rhythm (a feed listing three items).
MIN_GAPS = 3
# Declared values below this are CDN cache settings, not a publishing rhythm (max-age=60).
MIN_DECLARED = timedelta(minutes=1)

SY_PERIODS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
    "yearly": timedelta(days=365),
}
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class NextPoll:
    delay: timedelta
    reason: str


def feed_declared(hints: Mapping[str, str] | None) -> tuple[timedelta, str] | None:
    """The interval a feed document declares (``ttl``, ``sy:updatePeriod``/``Frequency``)."""
    hints = hints or {}
    found: list[tuple[timedelta, str]] = []
    ttl = _number(hints.get("ttl"))
    if ttl and ttl > 0:
        found.append((timedelta(minutes=ttl), f"ttl {ttl:g} min"))
    period = SY_PERIODS.get((hints.get("sy_updateperiod") or "").strip().lower())
    if period is not None:
        frequency = _number(hints.get("sy_updatefrequency")) or 1.0
        frequency = max(frequency, 1.0)
        found.append((period / frequency, f"sy:updatePeriod {period / frequency}"))
    return max(found) if found else None


def http_declared(headers: Mapping[str, str] | None, now: datetime) -> tuple[timedelta, str] | None:
    """The freshness a response declares: ``Cache-Control: max-age``, else ``Expires``."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    control = headers.get("cache-control") or ""
    if "no-cache" in control.lower() or "no-store" in control.lower():
        return None
    match = _MAX_AGE.search(control)
    if match:
        return timedelta(seconds=int(match.group(1))), f"Cache-Control max-age={match.group(1)}"
    expires = headers.get("expires")
    if expires:
        try:
            when = parsedate_to_datetime(expires)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        return when - now, f"Expires {expires.strip()[:40]}"
    return None


def typical_gap(published: Iterable[datetime]) -> timedelta | None:
    """The median gap between the latest item dates, or None with too few of them."""
    times = sorted({t for t in published if t is not None})[-(GAPS_KEPT + 1) :]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False) if b > a]
    if len(gaps) < MIN_GAPS:
        return None
    return timedelta(seconds=statistics.median(g.total_seconds() for g in gaps))


def next_poll(
    *,
    floor: timedelta,
    override: timedelta | None = None,
    declared: tuple[timedelta, str] | None = None,
    http: tuple[timedelta, str] | None = None,
    gap: timedelta | None = None,
) -> NextPoll:
    """The delay until a feed's next poll and why (see the module's docstring)."""
    if override is not None:
        delay = min(max(override, floor), MAX_OVERRIDE)
        return NextPoll(delay, f"override poll_every={human(override)}")
    candidates: list[tuple[timedelta, str]] = []
    for hint in (declared, http):
        if hint is not None and hint[0] >= MIN_DECLARED:
            candidates.append(hint)
    if gap is not None:
        candidates.append((gap * OBSERVED_FRACTION, f"publishes every {human(gap)} (median)"))
    if not candidates:
        return NextPoll(floor, "every run (no hint, no rhythm yet)")
    delay, reason = max(candidates)
    if delay <= floor:
        return NextPoll(floor, f"every run ({reason})")
    if delay >= MAX_DELAY:
        return NextPoll(MAX_DELAY, f"daily at most ({reason})")
    return NextPoll(delay, reason)


def _number(text: str | None) -> float | None:
    try:
        return float(str(text).strip()) if text is not None else None
    except ValueError:
        return None


def human(delta: timedelta) -> str:
    """A short duration for operators: "45s", "15m", "6h", "1.5h", "3d", "2.5d"."""
    seconds = delta.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            amount = f"{seconds / size:.1f}".removesuffix(".0")
            return f"{amount}{unit}"
    return f"{int(seconds)}s"


def poll_facts(
    hints: Mapping[str, str] | None, published: Iterable[datetime | None], now: datetime
) -> dict:
    """What one feed document says about its rhythm, as stored on the feed row (migration
    0011): the declared interval and why, the typical gap between items, the newest item.
    Dates in the future (a wrong clock or time zone at the outlet) are left out."""
    dates = [t for t in published if t is not None and t <= now]
    declared = feed_declared(hints)
    gap = typical_gap(dates)
    return {
        "declared_poll_s": declared[0].total_seconds() if declared else None,
        "declared_poll_reason": declared[1] if declared else None,
        "typical_gap_s": gap.total_seconds() if gap else None,
        "newest_item_at": max(dates) if dates else None,
    }
