"""robots.txt is kept between fetch cycles: read once an hour, not once per cycle (migration 0008)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pipeline.archive.store import ROBOTS
from tests.hostile.support import fetch_errors, good_feed, item, query, rss, run

RULES = "User-agent: *\nDisallow: /private/\n"


def _age_robots_files(db_url: str, hours: float) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            ROBOTS.update().values(fetched_at=datetime.now(UTC) - timedelta(hours=hours))
        )
    engine.dispose()


def test_robots_txt_is_read_once_an_hour_not_once_a_cycle(archive_url, hostile):
    hostile.serve("/robots.txt", RULES, content_type="text/plain")
    public = hostile.serve("/feed.xml", good_feed(hostile.base_url))
    private = hostile.serve(
        "/private/feed.xml", rss([item("Zatvoreno", "http://example.invalid/z")])
    )
    for _ in range(3):
        run(archive_url, [public, private], hostile)
        # The kept file still decides: the private feed stays refused without a new request.
        assert fetch_errors(archive_url) == {public: None, private: "robots_disallowed"}
        assert hostile.hits["/robots.txt"] == 1
    assert "/private/feed.xml" not in hostile.hits
    kept = query(archive_url, "SELECT origin, status FROM robots_files")
    assert [tuple(row) for row in kept] == [(hostile.base_url.lower(), 200)]

    _age_robots_files(archive_url, hours=1.5)
    run(archive_url, [public, private], hostile)
    assert hostile.hits["/robots.txt"] == 2
    assert fetch_errors(archive_url)[private] == "robots_disallowed"


def test_a_missing_robots_txt_is_kept_and_a_failing_one_asked_again(sqlite_url, hostile):
    # 404: no restrictions (RFC 9309), kept like a file. 503: asked for again next cycle.
    missing = hostile.serve("/a/feed.xml", good_feed(hostile.base_url))
    run(sqlite_url, [missing], hostile)
    run(sqlite_url, [missing], hostile)
    assert hostile.hits["/robots.txt"] == 1
    assert [tuple(r) for r in query(sqlite_url, "SELECT status FROM robots_files")] == [(404,)]

    _age_robots_files(sqlite_url, hours=2)
    hostile.serve("/robots.txt", "busy", status=503, content_type="text/plain")
    run(sqlite_url, [missing], hostile)
    run(sqlite_url, [missing], hostile)
    assert hostile.hits["/robots.txt"] == 3
    assert fetch_errors(sqlite_url)[missing] is None
    # The stale 404 is left as it was: a failing answer never replaces a file.
    assert [tuple(r) for r in query(sqlite_url, "SELECT status FROM robots_files")] == [(404,)]


def test_a_robots_txt_over_500_kib_is_cut_not_dropped(archive_url, hostile):
    """RFC 9309 2.5: the first 500 KiB are parsed. A rule inside them holds; one past them is
    not seen; the file is never read as empty ("allow everything")."""
    filler = "".join(f"# line {n} of a long comment block\n" for n in range(20_000))
    assert len(filler) > 600 * 1024
    robots = "User-agent: *\nDisallow: /early/\n" + filler + "User-agent: *\nDisallow: /late/\n"
    hostile.serve("/robots.txt", robots, content_type="text/plain")
    early = hostile.serve("/early/feed.xml", good_feed(hostile.base_url))
    late = hostile.serve("/late/feed.xml", good_feed(hostile.base_url))
    for _ in range(2):  # the second cycle reads the kept file
        run(archive_url, [early, late], hostile)
        assert fetch_errors(archive_url) == {early: "robots_disallowed", late: None}
    assert "/early/feed.xml" not in hostile.hits and hostile.hits["/robots.txt"] == 1
    ((status, size),) = query(archive_url, "SELECT status, length(body) FROM robots_files")
    assert status == 200 and 0 < size <= 500 * 1024


def test_a_cut_robots_txt_ends_on_a_whole_line():
    from pipeline.fetch.politeness import MAX_ROBOTS_BYTES, robots_text

    body = b"User-agent: *\n" + b"#" * (MAX_ROBOTS_BYTES - 30) + b"\nDisallow: /archive/x\n"
    text = robots_text(body)
    assert text.endswith("#\n") and "Disallow" not in text
    assert robots_text(b"User-agent: *\nDisallow: /a/\n") == "User-agent: *\nDisallow: /a/\n"
