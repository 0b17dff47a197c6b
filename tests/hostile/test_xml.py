"""docs/hostile-inputs.md, XML: cases 1 to 6."""

from __future__ import annotations

from pipeline.parse import parse_feed
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

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Smeh</title>
<item><title>Naslov &lol9;</title><link>http://example.invalid/a</link>
<description>Opis &lol9;</description></item></channel></rss>"""


def test_billion_laughs_is_bounded(sqlite_url, hostile):
    bomb = hostile.serve("/laughs.xml", BILLION_LAUGHS)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    with bounded(20):
        summary = run(sqlite_url, [bomb, good], hostile)
    assert summary.feeds == 2
    assert_good_loaded(sqlite_url)
    assert max(len(t) for t in titles(sqlite_url)) < 200
    assert_archive_clean(sqlite_url)


def test_quadratic_blowup_is_stripped_before_feedparser(sqlite_url, hostile):
    blob = "x" * 10_000
    refs = "&big;" * 5_000
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{blob}">]>'
        f'<rss version="2.0"><channel><title>T</title><item><title>Dugo {refs}</title>'
        f"<link>http://example.invalid/q</link><description>d</description></item>"
        f"</channel></rss>"
    )
    bomb = hostile.serve("/quadratic.xml", doc)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    with bounded(20):
        run(sqlite_url, [bomb, good], hostile)
    assert_good_loaded(sqlite_url)
    longest = query(sqlite_url, "SELECT max(length(title)), max(length(body_text)) FROM articles")
    assert longest[0][0] <= 1_000  # the 10 KB entity was never expanded 5,000 times
    assert "x" * 1000 not in "".join(titles(sqlite_url))


def test_external_entity_and_dtd_read_nothing(sqlite_url, hostile, canary, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("KANARINAC-TAJNA")
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{canary.url("/evil.dtd")}" [\n'
        f'<!ENTITY xxe SYSTEM "file://{secret}">\n'
        f'<!ENTITY remote SYSTEM "{canary.url("/remote.ent")}">\n]>\n'
        '<rss version="2.0"><channel><title>X</title><item><title>Tajna &xxe; &remote;</title>'
        "<link>http://example.invalid/x</link><description>&xxe;</description></item>"
        "</channel></rss>"
    )
    url = hostile.serve("/xxe.xml", doc)
    # The canary is allowed as an endpoint: only the parser could reach it, and it must not.
    run(sqlite_url, [url], hostile, canary)
    stored = query(sqlite_url, "SELECT title, coalesce(body_text, '') FROM articles")
    assert stored, "the item itself is kept"
    assert all("KANARINAC" not in title + text for title, text in stored)
    assert canary.connections == 0


def test_html_json_and_text_are_classified_without_autodiscovery(sqlite_url, hostile):
    html = (
        "<!DOCTYPE html><html><head><title>Portal</title>"
        '<link rel="alternate" type="application/rss+xml" href="/hidden-feed.xml">'
        "</head><body><p>Dobrodošli</p></body></html>"
    )
    page = hostile.serve("/page", html, content_type="text/html")
    json_feed = hostile.serve(
        "/feed.json",
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}',
        content_type="application/feed+json",
    )
    api = hostile.serve("/api.json", '{"data": [], "items": []}', content_type="application/json")
    text = hostile.serve("/feed.txt", "Ovo nije feed nego obican tekst.", content_type="text/plain")
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    hostile.serve("/hidden-feed.xml", good_feed(hostile.base_url))
    summary = run(sqlite_url, [page, json_feed, api, text, good], hostile)
    errors = fetch_errors(sqlite_url)
    assert errors[page] == "not_a_feed"
    assert errors[json_feed] is None  # JSON Feed 1.1 is read; this one lists no item
    assert errors[api] == "unsupported_format"
    assert errors[text] == "not_a_feed"
    assert errors[good] is None
    assert summary.new == 2
    assert "/hidden-feed.xml" not in hostile.hits  # never switched silently


def test_malformed_xml_is_recovered_and_flagged(sqlite_url, hostile):
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loše</title>'
        "<item><title>Vesti & komentari</title><link>http://example.invalid/m1</link>"
        "<description>Prvi <b>opis bez zatvaranja</description></item>"
        "<item><title>Drugi naslov</title><link>http://example.invalid/m2</link>"
        "<description>Drugi opis</description></item>"
    )  # no closing channel/rss, a bare "&"
    url = hostile.serve("/broken.xml", doc)
    summary = run(sqlite_url, [url], hostile)
    assert fetch_errors(sqlite_url)[url] is None
    assert summary.new == 2
    parsed = parse_feed(doc.encode(), base_url=url)
    assert parsed.bozo and len(parsed.entries) == 2


def test_deep_nesting_in_item_html(sqlite_url, hostile):
    nested = "<div>" * 10_000 + "Duboko ugnježđen tekst" + "</div>" * 10_000
    doc = rss(
        [
            item("Duboko", "http://example.invalid/deep", guid="deep", description=nested),
            item("Plitko", "http://example.invalid/shallow", guid="shallow"),
        ]
    )
    url = hostile.serve("/deep.xml", doc)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    with bounded(30):
        summary = run(sqlite_url, [url, good], hostile)
    assert_good_loaded(sqlite_url)
    # Either stored or quarantined with a reason: never a RecursionError failing the batch.
    assert summary.new + summary.quarantined >= 3
    assert "Plitko" in titles(sqlite_url)
