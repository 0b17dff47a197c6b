"""Publication dates: Balkan month and day names, sanity checks, the raw string kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.clean.dates import parse_localized, resolve_published

SEEN = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pon, 06 Sep 2021", datetime(2021, 9, 5, 22, 0, tzinfo=UTC)),
        ("31.12.2024 10:00", datetime(2024, 12, 31, 9, 0, tzinfo=UTC)),
        ("e hënë, 3 mars 2025", datetime(2025, 3, 2, 23, 0, tzinfo=UTC)),
        ("e premte, 14 nëntor 2025 08:30", datetime(2025, 11, 14, 7, 30, tzinfo=UTC)),
        ("3. децембар 2025.", datetime(2025, 12, 2, 23, 0, tzinfo=UTC)),
        ("понедељак, 3. новембар 2025. 12:45", datetime(2025, 11, 3, 11, 45, tzinfo=UTC)),
        ("Sreda, 14. avgusta 2024. u 15:30", datetime(2024, 8, 14, 13, 30, tzinfo=UTC)),
        ("petak, 3. listopada 2025.", datetime(2025, 10, 2, 22, 0, tzinfo=UTC)),
        ("utorak, 2. srpnja 2024. 09:15", datetime(2024, 7, 2, 7, 15, tzinfo=UTC)),
        ("недела, 5 јануари 2025", datetime(2025, 1, 4, 23, 0, tzinfo=UTC)),
        ("sobota, 7. junija 2025 ob 9.30", datetime(2025, 6, 7, 7, 30, tzinfo=UTC)),
        ("12 qershor 2024 18:00 +0200", datetime(2024, 6, 12, 16, 0, tzinfo=UTC)),
        ("2024-05-01 08:00:00", datetime(2024, 5, 1, 6, 0, tzinfo=UTC)),
    ],
)
def test_localised_dates(raw, expected):
    assert parse_localized(raw) == expected


@pytest.mark.parametrize(
    "raw", ["30.02.2024", "0000-00-00", "31. februar 2024.", "juče", "", "32.13.2024"]
)
def test_impossible_or_unreadable_dates(raw):
    assert parse_localized(raw) is None


def test_sanity_flags_keep_the_raw_string():
    future = resolve_published(datetime(2100, 1, 1, tzinfo=UTC), "2100-01-01", seen_at=SEEN)
    assert (future.value, future.raw, future.flag) == (SEEN, "2100-01-01", "future")
    old = resolve_published(datetime(1, 1, 1, tzinfo=UTC), "0001-01-01", seen_at=SEEN)
    assert old.flag == "too_old" and old.value == SEEN
    assert resolve_published(None, None, seen_at=SEEN).flag == "missing"
    assert resolve_published(None, "30.02.2024", seen_at=SEEN).flag == "unparsable"
    local = resolve_published(None, "e hënë, 3 mars 2025", seen_at=SEEN)
    assert local.flag is None and local.value.date().isoformat() == "2025-03-02"
    tomorrow = resolve_published(datetime(2026, 11, 28, 6, 0, tzinfo=UTC), "x", seen_at=SEEN)
    assert tomorrow.flag is None
