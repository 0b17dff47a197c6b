"""Publication dates: parsed, sanity-checked, never an exception that fails a batch.

The raw string is always kept; a date that is missing, unparsable or insane is replaced by the
time the item was first seen and flagged, so analysts can tell a real date from a fallback.

feedparser reads RFC 822 and ISO 8601 dates; Balkan outlets also write dates with their own
month and day names ("e hënë, 3 mars 2025", "3. децембар 2025.", "Pon, 06 Sep 2021") or in the
day-first numeric form ("31.12.2024 10:00"). ``parse_localized`` reads those.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from time import struct_time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from pipeline.parse.feeds import Entry

# Outlets' clocks drift and time zones get mislabelled; a day ahead is still plausible.
FUTURE_TOLERANCE = timedelta(days=1)
# No outlet in the registry published online before this.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
# A date without a zone is read in the outlets' own zone (every country covered but Bulgaria
# and Greece keeps Central European time; an hour off is better than a day off).
DEFAULT_ZONE = ZoneInfo("Europe/Belgrade")
MAX_RAW_CHARS = 200


def _months(*rows: str) -> dict[str, int]:
    table: dict[str, int] = {}
    for row in rows:
        for month, names in enumerate(row.split("|"), start=1):
            for name in names.split():
                table[name] = month
    return table


# One row per language and form, months separated by "|" (several spellings in one cell).
MONTHS = _months(
    # English (feeds mixing local day names with English months, "Pon, 06 Sep 2021")
    "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august"
    "|sep sept september|oct october|nov november|dec december",
    # Albanian
    "janar janarit|shkurt shkurtit shk|mars marsit|prill prillit pri|maj majit"
    "|qershor qershorit qer|korrik korrikut kor|gusht gushtit gus"
    "|shtator shtatorit sht|tetor tetorit tet|nëntor nëntorit nentor nentorit nën nen"
    "|dhjetor dhjetorit dhj",
    # Serbian, Bosnian, Montenegrin (Latin), nominative and genitive
    "januar januara|februar februara|mart marta|april aprila|maj maja|jun juni juna"
    "|jul juli jula|avgust avgusta august augusta avg|septembar septembra"
    "|oktobar oktobra okt|novembar novembra|decembar decembra dec",
    # Croatian
    "siječanj siječnja sij|veljača veljače velj|ožujak ožujka ožu|travanj travnja tra"
    "|svibanj svibnja svi|lipanj lipnja lip|srpanj srpnja srp|kolovoz kolovoza kol"
    "|rujan rujna ruj|listopad listopada lis|studeni studenoga studenog stu"
    "|prosinac prosinca pro",
    # Slovenian
    "januarja|februarja|marec marca|aprila|maja|junij junija|julij julija|avgusta"
    "|september septembra|oktober oktobra|november novembra|december decembra",
    # Serbian (Cyrillic)
    "јануар јануара јан|фебруар фебруара феб|март марта мар|април априла апр|мај маја"
    "|јун јуна|јул јула|август августа авг|септембар септембра сеп|октобар октобра окт"
    "|новембар новембра нов|децембар децембра дец",
    # Macedonian
    "јануари|февруари фев|март|април|мај|јуни|јули|август|септември|октомври|ноември|декември дек",
)

_TOKEN = re.compile(r"[^\W\d_]+\.?|\d+|[+-]\d{2}:?\d{2}|Z\b", re.UNICODE)
_NUMERIC = re.compile(
    r"(?<!\d)(\d{1,2})[./-]\s?(\d{1,2})[./-]\s?(\d{4})\.?"
    r"(?:[ ,T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_ISO_SPACE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?!\d)")
_OFFSET = re.compile(r"(?:GMT|UTC|\s)([+-])(\d{2}):?(\d{2})\b|\b(Z|GMT|UTC)\b")


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
        if struct.tm_year < 1:
            return None
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _zone(raw: str) -> timezone | ZoneInfo:
    match = _OFFSET.search(raw)
    if match is None:
        return DEFAULT_ZONE
    if match.group(4):
        return UTC
    sign = 1 if match.group(1) == "+" else -1
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    if minutes > 14 * 60:
        return DEFAULT_ZONE
    return timezone(sign * timedelta(minutes=minutes))


def _build(year: int, month: int, day: int, hms: tuple[int, int, int], raw: str) -> datetime | None:
    try:
        local = datetime(year, month, day, *hms)
    except ValueError:  # 30 February, month 13, 25:00
        return None
    return local.replace(tzinfo=_zone(raw)).astimezone(UTC)


def _time_of(raw: str) -> tuple[int, int, int]:
    match = _TIME.search(raw)
    if match is None:
        return (0, 0, 0)
    return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def parse_localized(raw: str | None) -> datetime | None:
    """A date written with Balkan month names or day first; None when it cannot be read."""
    if not raw:
        return None
    raw = raw.strip()[:MAX_RAW_CHARS]
    match = _ISO_SPACE.search(raw)
    if match:
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        hms = tuple(int(g or 0) for g in match.group(4, 5, 6))
        return _build(year, month, day, hms, raw[match.end() :])  # type: ignore[arg-type]
    match = _NUMERIC.search(raw)
    if match:
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        hms = tuple(int(g or 0) for g in match.group(4, 5, 6))
        return _build(year, month, day, hms, raw[match.end() :])  # type: ignore[arg-type]
    day = month = year = None
    without_time = _TIME.sub(" ", raw)
    for token in _TOKEN.findall(without_time):
        word = token.rstrip(".").lower()
        if word.isdigit():
            number = int(word)
            if len(word) == 4 and year is None:
                year = number
            elif len(word) <= 2 and day is None and 1 <= number <= 31:
                day = number
        elif month is None and word in MONTHS:
            month = MONTHS[word]
    if day is None or month is None or year is None:
        return None
    return _build(year, month, day, _time_of(raw), raw)


# The ISO 8601 / W3C form and the RFC 822 form, read only to check their fields are in range.
_ISO_FIELDS = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)
_RFC822_FIELDS = re.compile(
    r"^\s*(?:[A-Za-z]+,?\s*)?(\d{1,2})\s+[A-Za-z]+\.?\s+(\d{2,4})"
    r"(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)


def _in_range(year: int, month: int, day: int, hour: int, minute: int, second: int) -> bool:
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # 60: a leap second
    except ValueError:
        return False
    return second <= 60


def impossible_fields(raw: str | None) -> bool:
    """True when ``raw`` is an ISO 8601 or RFC 822 date with a field out of range (month 13,
    day 45, 25:61). feedparser normalises such a date by rolling over (2025-13-45 becomes
    2026-01-01): its struct_time cannot tell, so the raw string is checked."""
    if not raw:
        return False
    text = raw[:MAX_RAW_CHARS]
    match = _ISO_FIELDS.match(text)
    if match:
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        hms = (int(g or 0) for g in match.group(4, 5, 6))
        return not _in_range(year, month, day, *hms)
    match = _RFC822_FIELDS.match(text)
    if match:
        day, year = int(match.group(1)), int(match.group(2))
        hms = [int(g or 0) for g in match.group(3, 4, 5)]
        # The month's name is checked by the readers; the day against the longest month.
        return not (1 <= day <= 31 and hms[0] <= 23 and hms[1] <= 59 and hms[2] <= 60)
    return False


def resolve_published(
    parsed: datetime | None, raw: str | None, *, seen_at: datetime
) -> ResolvedDate:
    """A sane publication date, or ``seen_at`` with a flag; ``raw`` is always kept. A date
    with a field out of range is ``unparsable``, never rolled over into another date."""
    if impossible_fields(raw):
        return ResolvedDate(seen_at, raw, "unparsable")
    if parsed is None and raw:
        try:
            parsed = parse_localized(raw)
        except Exception:  # noqa: BLE001 - a date never fails the batch
            parsed = None
    if parsed is None:
        return ResolvedDate(seen_at, raw, "missing" if not raw else "unparsable")
    if parsed > seen_at + FUTURE_TOLERANCE:
        return ResolvedDate(seen_at, raw, "future")
    if parsed < EARLIEST_PLAUSIBLE:
        return ResolvedDate(seen_at, raw, "too_old")
    return ResolvedDate(parsed, raw, None)


def resolve_updated(
    parsed: datetime | None, raw: str | None, *, seen_at: datetime
) -> datetime | None:
    """The modified time an item gives, under the sanity rules of ``resolve_published``; None
    when it is missing or not sane (an optional date has no fallback)."""
    resolved = resolve_published(parsed, raw, seen_at=seen_at)
    return None if resolved.flag is not None else resolved.value


def published_day(entry: Entry) -> date | None:
    """The UTC calendar day an entry says it was published on, or None."""
    when = from_struct(entry.published_struct)
    return when.date() if when else None
