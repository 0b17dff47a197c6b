"""docs/hostile-inputs.md, content and volume: cases 22 to 28."""

from __future__ import annotations

import pytest

from pipeline.clean.html import sanitize_html
from pipeline.parse import parse_feed
from pipeline.parse.budget import ParseBudget
from tests.hostile.server import redirect
from tests.hostile.support import (
    assert_archive_clean,
    assert_good_loaded,
    bounded,
    fetch_errors,
    good_feed,
    item,
    query,
    rss,
    run,
    titles,
)


@pytest.mark.slow
def test_huge_description_is_capped_on_a_character_boundary(sqlite_url, hostile):
    words = "Ђорђе čita dugačak tekst o Šćepan Polju. " * 300_000  # ~14 MB of UTF-8
    doc = rss([item("Ogroman opis", "http://example.invalid/huge", guid="huge", description=words)])
    assert 13_500_000 < len(doc.encode()) < 15 * 1024 * 1024
    url = hostile.serve("/huge.xml", doc)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    with bounded(60):
        run(sqlite_url, [url, good], hostile)
    assert_good_loaded(sqlite_url)
    ((length, text),) = query(
        sqlite_url, "SELECT length(body_text), body_text FROM articles WHERE guid = 'huge'"
    )
    assert 0 < length <= 500_000
    text.encode("utf-8")  # a whole character at the end, never half of one


def test_huge_description_parse_is_capped():
    description = "Ž" * 3_000_000
    doc = rss([item("Veliko", "http://example.invalid/big", description=description)])
    parsed = parse_feed(doc.encode(), base_url="http://example.invalid/")
    assert len(parsed.entries[0].summary_html) <= 2_000_000


@pytest.mark.slow
def test_hundred_thousand_items_are_cut_to_the_item_cap(sqlite_url, hostile):
    items = "".join(
        f"<item><title>Vest {i}</title><link>http://example.invalid/i/{i}</link>"
        f"<guid>i-{i}</guid></item>"
        for i in range(100_000)
    )
    url = hostile.serve("/many.xml", rss(items))
    with bounded(60):
        summary = run(sqlite_url, [url], hostile)
    assert summary.items_seen == 2000
    assert query(sqlite_url, "SELECT count(*) FROM articles")[0][0] == 2000


def test_item_cap_applies_before_feedparser():
    items = "".join(
        f"<item><title>V{i}</title><link>http://e.invalid/{i}</link></item>" for i in range(5000)
    )
    with bounded(10):
        parsed = parse_feed(rss(items).encode(), base_url="http://e.invalid/", max_items=100)
    assert len(parsed.entries) == 100 and parsed.truncated == 4900
    assert not parsed.bozo_reason  # the cut document still closes properly


def test_guid_bugs_and_tracking_parameters(archive_url, hostile):
    base = "http://example.invalid/vest"
    doc = rss(
        [
            item("Ista oznaka A", f"{base}/a", guid="same", description="Prva priča o putu."),
            item("Ista oznaka B", f"{base}/b", guid="same", description="Druga priča o mostu."),
            item("Bez oznake", f"{base}/c", description="Treća priča bez oznake."),
            item("Praćenje 1", f"{base}/d?utm_source=rss&utm_medium=feed", guid="d1",
                 description="Četvrta priča o školi."),
            item("Praćenje 2", f"{base}/d?utm_source=tw&fbclid=abc", guid="d2",
                 description="Četvrta priča o školi."),
        ]
    )  # fmt: skip
    url = hostile.serve("/guids.xml", doc)
    summary = run(archive_url, [url], hostile)
    assert summary.errors_by_class == {}
    urls = [u for (u,) in query(archive_url, "SELECT url FROM articles ORDER BY url")]
    assert urls == [f"{base}/a", f"{base}/b", f"{base}/c", f"{base}/d"]
    # GUIDs that change on every fetch: the canonical URL keeps one article each.
    changed = doc.replace('"false">same<', '"false">other<').replace('"false">d1<', '"false">d9<')
    hostile.serve("/guids.xml", changed)
    again = run(archive_url, [url], hostile)
    assert again.new == 0
    assert query(archive_url, "SELECT count(*) FROM articles")[0][0] == 4


def test_dates_are_sanity_checked_and_localised_ones_read(sqlite_url, hostile):
    dates = {
        "future": "Sat, 01 Jan 2100 10:00:00 +0000",
        "year1": "0001-01-01T00:00:00Z",
        "zeros": "0000-00-00",
        "feb30": "30.02.2024 10:00",
        "sr": "31.12.2024 10:00",
        "hr": "Pon, 06 Sep 2021",
        "sq": "e hënë, 3 mars 2025",
        "sr-cyrl": "3. децембар 2025.",
        "junk": "jučer oko podne",
    }
    doc = rss(
        [item(f"Datum {k}", f"http://example.invalid/d/{k}", guid=k, pub_date=v,
              description=f"Vest sa datumom {k}.") for k, v in dates.items()]
    )  # fmt: skip
    url = hostile.serve("/dates.xml", doc)
    summary = run(sqlite_url, [url], hostile)
    assert summary.new == len(dates)
    rows = {
        guid: (published, raw, flag)
        for guid, published, raw, flag in query(
            sqlite_url, "SELECT guid, published_at, published_raw, date_flag FROM articles"
        )
    }
    for key, raw in dates.items():
        assert rows[key][1] == raw  # the raw string is always kept
    assert rows["future"][2] == "future"
    assert rows["year1"][2] == "too_old"
    assert rows["zeros"][2] in {"unparsable", "too_old"}
    assert rows["feb30"][2] == "unparsable"
    assert rows["junk"][2] == "unparsable"
    for key, day in {
        "sr": "2024-12-31",
        "hr": "2021-09-0",
        "sq": "2025-03-0",
        "sr-cyrl": "2025-12-0",
    }.items():
        assert rows[key][2] is None and str(rows[key][0]).startswith(day), (key, rows[key])


def test_dangerous_links_and_markup_are_not_stored(archive_url, hostile):
    content = (
        '<p onclick="steal()">Tekst <a href="javascript:alert(1)">link</a>'
        '<img src="x" onerror="alert(2)"></p><iframe src="http://evil.invalid/"></iframe>'
        "<style>body{display:none}</style><script>alert(3)</script><p>Kraj teksta.</p>"
    )
    doc = rss(
        [
            item("Opasan link", "javascript:alert(1)", guid="js", description=content),
            '<item><title>Običan tekst</title><link>http://example.invalid/plain</link>'
            '<description type="text/plain">&lt;script&gt;alert(4)&lt;/script&gt;Samo tekst.'
            "</description></item>",
        ]
    )  # fmt: skip
    url = hostile.serve("/xss.xml", doc)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    run(archive_url, [url, good], hostile)
    assert_good_loaded(archive_url)
    assert_archive_clean(archive_url)
    rows = query(archive_url, "SELECT url, body_html, body_text FROM articles WHERE guid = 'js'")
    ((stored_url, html, text),) = rows
    assert stored_url is None
    assert "Kraj teksta." in text and "alert" not in text
    assert sanitize_html(html) == html  # sanitising again changes nothing


def test_relative_links_resolve_against_the_final_url(sqlite_url, hostile):
    doc = rss(
        [
            item("Relativni", "vesti/prva", guid="rel"),
            item("Apsolutna putanja", "/vesti/druga", guid="abs"),
            item("Bez protokola", f"//{hostile.endpoint}/vesti/treca", guid="proto"),
        ]
    )
    hostile.serve("/sekcija/feed.xml", doc)
    start = hostile.on("/old-feed", redirect("/sekcija/feed.xml", status=301))
    run(sqlite_url, [start], hostile)
    urls = {g: u for g, u in query(sqlite_url, "SELECT guid, url FROM articles")}
    assert urls == {
        "rel": hostile.url("/sekcija/vesti/prva"),
        "abs": hostile.url("/vesti/druga"),
        "proto": hostile.url("/vesti/treca"),
    }


def test_feed_redirecting_to_a_registered_feed_is_not_ingested_twice(archive_url, hostile):
    target = hostile.serve("/feed.xml", good_feed(hostile.base_url))
    alias = hostile.on("/rss", redirect("/feed.xml", status=301))
    summary = run(archive_url, [target, alias], hostile)
    errors = fetch_errors(archive_url)
    assert errors[target] is None
    assert errors[alias] == "duplicate_feed"
    assert summary.new == 2
    assert query(archive_url, "SELECT count(*) FROM captures")[0][0] == 1
    health = query(archive_url, "SELECT failure_score FROM feeds WHERE url = :u", u=alias)
    assert health[0][0] == 0
    assert titles(archive_url) >= {"Tregu i fshatit rihapet pas rindërtimit"}


def _runaway_feed() -> bytes:
    """2,000 items of 100 relative links each: seconds of work on any parser (both resolve the
    links), far over a 0.05 s budget even with the parse worker already running."""
    links = "".join(f"&lt;a href=&quot;/p/{n}&quot;&gt;veza {n}&lt;/a&gt; " for n in range(100))
    items = "".join(
        f"<item><title>V{i}</title><description>{links}</description></item>" for i in range(2000)
    )
    return rss(items).encode()


def test_parse_budget_stops_a_runaway_parse():
    from pipeline.parse.feeds import ParseError

    with bounded(15), pytest.raises(ParseError) as err:
        parse_feed(_runaway_feed(), base_url="http://e.invalid/",
                   budget=ParseBudget(timeout_s=0.05))  # fmt: skip
    assert err.value.error_class == "parse_budget"
    # The worker is replaced: the next parse works.
    assert parse_feed(
        rss(item("Posle", "http://e.invalid/p")).encode(), base_url="http://e.invalid/"
    ).entries


def test_a_parse_queued_behind_a_runaway_one_is_not_charged_for_it():
    """Processing starts the next capture's parse before it looks at the current one; when the
    current one overruns and its worker is killed, the queued one is parsed again, not failed."""
    from pipeline.parse.feeds import ParseError, parse_guarded, start_in_budget

    base = "http://e.invalid/"
    with bounded(15):
        first = start_in_budget(
            ParseBudget(timeout_s=0.05), parse_guarded, _runaway_feed(), base, None, 2000
        )
        queued = start_in_budget(
            ParseBudget(timeout_s=10),
            parse_guarded,
            rss(item("Posle", "http://e.invalid/p")).encode(),
            base,
            None,
            2000,
        )
        with pytest.raises(ParseError) as err:
            first.result()
        assert err.value.error_class == "parse_budget"
        assert [e.title for e in queued.result().entries] == ["Posle"]


def test_a_runaway_parse_in_one_lane_leaves_the_other_lanes_parsing():
    """Processing parses captures in several worker lanes at once: the worker killed for an
    overrun is its lane's alone, and a parse under way in another lane finishes."""
    from pipeline.parse import budget as parse_budget
    from pipeline.parse.feeds import ParseError, parse_guarded, start_in_budget

    base = "http://e.invalid/"
    with bounded(30):
        warm = rss(item("Prvo", "http://e.invalid/p")).encode()
        start_in_budget(ParseBudget(), parse_guarded, warm, base, None, 10, lane=1).result()
        other = parse_budget._worker(1)
        generation = other.generation
        runaway = start_in_budget(
            ParseBudget(timeout_s=0.05), parse_guarded, _runaway_feed(), base, None, 2000
        )
        beside = start_in_budget(
            ParseBudget(timeout_s=10), parse_guarded, _runaway_feed(), base, None, 2000, lane=1
        )
        with pytest.raises(ParseError) as err:
            runaway.result()
        assert err.value.error_class == "parse_budget"
        assert len(beside.result().entries) == 2000
        assert other.generation == generation  # lane 1's worker was never replaced
        assert parse_budget._worker(0) is not other
