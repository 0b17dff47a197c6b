"""The lxml fast path (pipeline.parse.fast) against feedparser's path, on the same guarded bytes.

Every fixture is parsed twice: through the fast path and through feedparser, both mapped to a
ParsedFeed by the same code. Where the fast path takes a document the two must be equal field for
field; where it must not (ill-formed XML and what it does not reproduce) it returns None and
parse_feed still answers through feedparser.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest
from feedparser.urls import resolve_relative_uris

import pipeline.parse.fast as fast_module
from newsroom import CatalogOptions, build_catalog
from newsroom.render import render_feed, render_rss
from pipeline.parse.budget import ParseBudget
from pipeline.parse.decode import as_utf8_xml
from pipeline.parse.fast import parse_fast
from pipeline.parse.feeds import (
    DEFAULT_MAX_ITEMS,
    ParsedFeed,
    guarded_feedparser,
    parse_feed,
    parse_guarded,
)

IN_PROCESS = ParseBudget(isolated=False)
BASE = "https://vesti.example.invalid/rss/glavne.xml"


def both_paths(
    body: bytes, base: str = BASE, max_items: int = DEFAULT_MAX_ITEMS
) -> tuple[ParsedFeed | None, ParsedFeed]:
    """(fast path's ParsedFeed or None, feedparser's ParsedFeed) for ``body``.

    Both come from parse_guarded (decoding, guards, either parser, the mapping to ParsedFeed): once
    as it is, with parse_fast watched to learn whether the fast path took the document, and once
    with parse_fast declining everything, which sends the same guarded bytes to feedparser.
    """
    answers: list[dict | None] = []
    real_parse_fast = fast_module.parse_fast

    def watched(data: bytes, base_url: str) -> dict | None:
        answers.append(real_parse_fast(data, base_url))
        return answers[-1]

    def declined(data: bytes, base_url: str) -> None:
        answers.append(None)
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast_module, "parse_fast", watched)
        either = parse_guarded(body, base, None, max_items)
        patch.setattr(fast_module, "parse_fast", declined)
        slow = parse_guarded(body, base, None, max_items)
    # Without this, a parse_guarded that stopped calling fast_module.parse_fast would compare the
    # fast path with itself and pass every test.
    assert len(answers) == 2, "parse_guarded did not go through pipeline.parse.fast.parse_fast"
    return (None if answers[0] is None else either), slow


def fast_equals_feedparser(body: bytes, base: str = BASE) -> ParsedFeed:
    fast, slow = both_paths(body, base)
    assert fast is not None, "the fast path declined a document it should take"
    assert fast == slow
    return fast


def falls_back(body: bytes, base: str = BASE) -> ParsedFeed:
    fast, slow = both_paths(body, base)
    assert fast is None, "the fast path took a document it must leave to feedparser"
    return slow


def rss(items: str, channel: str = "", namespaces: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        f"{namespaces}><channel>{channel}{items}</channel></rss>"
    ).encode()


# --- the newsroom's own feeds ---------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(
        CatalogOptions(anchor=datetime(2026, 3, 1, tzinfo=UTC), synthetic=120, seed=5)
    )


def test_every_newsroom_feed_kind_takes_the_fast_path_with_feedparsers_values(catalog):
    base = "https://newsroom.test.invalid"
    kinds = set()
    for path, (outlet, feed) in catalog.feeds.items():
        items = [a for a in catalog.articles if a.outlet == outlet.slug][:25]
        variants = (
            feed,
            replace(feed, full_content=not feed.full_content),
            replace(feed, tracking="?utm_source=rss&utm_medium=feed"),
        )
        for variant in variants:
            body = render_feed(catalog, outlet, variant, items, base, base + path)
            parsed = fast_equals_feedparser(body, base + path)
            kinds.add(variant.kind)
            assert len(parsed.entries) == len(items)
            assert [e.title for e in parsed.entries] == [a.title for a in items]
            assert all(e.link and e.link.startswith(base + "/") for e in parsed.entries)
            assert all(e.published_struct is not None for e in parsed.entries)
            with_author = [a.author for a in items]
            assert [e.authors[:1] for e in parsed.entries] == [
                [n] if n else [] for n in with_author
            ]
    assert kinds == {"rss", "atom", "wordpress"}


def test_newsroom_full_text_document_values(catalog):
    outlet = catalog.outlets[0]
    feed = replace(outlet.feeds[0], kind="rss", full_content=True, tracking="")
    items = [a for a in catalog.articles if a.outlet == outlet.slug][:5]
    base = "https://newsroom.test.invalid"
    body = render_rss(catalog, outlet, feed, items, base, f"{base}/{outlet.slug}/bench.xml")
    parsed = fast_equals_feedparser(body, f"{base}/{outlet.slug}/bench.xml")
    assert parsed.version == "rss20" and parsed.bozo is False
    first, article = parsed.entries[0], items[0]
    assert first.summary_html == article.summary
    assert first.content_html.startswith("<p>") and article.paragraphs[0][:40] in first.content_html
    assert first.categories == [article.section]


# --- hand-written RSS -----------------------------------------------------------------------

RELATIVE = rss(
    """
<item>
  <title>Most na Savi ponovo otvoren</title>
  <link>../vesti/most-na-savi?izvor=rss&amp;strana=2</link>
  <guid>/vesti/most-na-savi</guid>
  <description><![CDATA[<p>Saobraćaj je <a href="/saobracaj/">pušten</a> u šest sati.</p>
<img src="slike/most.jpg" alt="Most" /><br/>]]></description>
  <content:encoded><![CDATA[<p class="uvod" id="p1">Radovi su trajali <em>dve godine</em>.</p>
<p><a href='mapa.html' TITLE="Karta">Karta</a> &amp; <a href="https://drugi.example.invalid/x">izvor</a></p>
<!-- kraj teksta --><p>Cena: 5 &lt; 7 &#8212; a &#150; b &AMP c &nbsp; d &foo; e</p>]]></content:encoded>
</item>
<item>
  <title>Drugi naslov</title>
  <guid isPermaLink="false">id-bez-linka</guid>
</item>"""
)


def test_relative_links_and_html_uris_resolve_like_feedparser():
    parsed = fast_equals_feedparser(RELATIVE)
    first, second = parsed.entries
    assert first.link == "https://vesti.example.invalid/vesti/most-na-savi?izvor=rss&strana=2"
    assert first.guid == "https://vesti.example.invalid/vesti/most-na-savi"
    assert 'href="https://vesti.example.invalid/saobracaj/"' in first.summary_html
    assert 'src="https://vesti.example.invalid/rss/slike/most.jpg"' in first.summary_html
    assert "<br />" in first.summary_html
    assert 'href="https://vesti.example.invalid/rss/mapa.html"' in first.content_html
    assert 'title="Karta"' in first.content_html  # attribute names lower-cased and sorted
    assert "<!-- kraj teksta -->" in first.content_html
    assert "&#x2013;" in first.content_html  # a windows-1252 reference rewritten
    assert second.link is None and second.guid == "id-bez-linka"


ENTITIES = rss(
    """
<item>
  <title>Vesti &amp; komentari: &lt;b&gt;podebljano&lt;/b&gt;</title>
  <link>https://vesti.example.invalid/a?x=1&amp;amp;y=2</link>
  <description>Plain text with AT&amp;T and 3 &lt; 4 &amp;amp; more</description>
</item>
<item>
  <title>Naslov sa &amp;amp; entitetom</title>
  <link>https://vesti.example.invalid/b</link>
  <description>Cena &#8364; i &#x17E;</description>
</item>
<item><title><![CDATA[CDATA <i>naslov</i> & znak]]></title><link>https://vesti.example.invalid/c</link></item>
<item><title>Ćirilica: Нови мост</title><link>https://vesti.example.invalid/d</link></item>""",
    channel="<title>Glavne &amp; ostale</title><link>/</link><language>sr-Latn</language>",
)


def test_entities_cdata_and_html_looking_titles_match_feedparser():
    parsed = fast_equals_feedparser(ENTITIES)
    assert parsed.title == "Glavne & ostale"
    assert parsed.link == "https://vesti.example.invalid/"
    assert parsed.language == "sr-Latn"
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "Vesti & komentari: <b>podebljano</b>"  # feedparser sees HTML
    assert titles[1] == "Naslov sa &amp; entitetom"
    assert titles[2] == "CDATA <i>naslov</i> & znak"
    assert titles[3] == "Ćirilica: Нови мост"
    assert parsed.entries[0].link == "https://vesti.example.invalid/a?x=1&y=2"
    assert parsed.entries[0].summary_html == "Plain text with AT&amp;T and 3 < 4 &amp; more"


METADATA = rss(
    """
<item>
  <title>Izbori u opštini</title>
  <link>https://vesti.example.invalid/izbori</link>
  <dc:creator>Ana Petrović</dc:creator>
  <dc:creator>Marko Ilić</dc:creator>
  <dc:creator></dc:creator>
  <category>Politika</category>
  <category domain="https://vesti.example.invalid/teme">Lokalno</category>
  <category>Politika</category>
  <category></category>
  <feedburner:origLink>https://original.example.invalid/izbori</feedburner:origLink>
  <pubDate>Tue, 10 Nov 2026 09:15:00 +0100</pubDate>
  <comments>/izbori#komentari</comments>
  <wfw:commentRss>/izbori/feed</wfw:commentRss>
  <slash:comments>4</slash:comments>
  <enclosure url="https://vesti.example.invalid/slika.jpg" length="1" type="image/jpeg"/>
  <media:content url="https://vesti.example.invalid/video.mp4" medium="video"/>
</item>
<item>
  <title>Sednica veća</title>
  <link>https://vesti.example.invalid/sednica</link>
  <author>urednik@vesti.example.test (Jelena Urednik)</author>
  <dc:date>2026-11-11T18:40:00+01:00</dc:date>
</item>
<item>
  <title>Vremenska prognoza</title>
  <link>https://vesti.example.invalid/prognoza</link>
  <pubDate>Wed, 11 Nov 2026 07:00:00 EST</pubDate>
</item>
<item>
  <title>Stari format datuma</title>
  <link>https://vesti.example.invalid/stari</link>
  <pubDate>2026-11-09</pubDate>
</item>
<item>
  <title>Nečitljiv datum</title>
  <link>https://vesti.example.invalid/necitljiv</link>
  <pubDate>prekjuče uveče</pubDate>
</item>""",
    namespaces=(
        ' xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
    ),
)


def test_authors_categories_origlink_and_dates_match_feedparser():
    parsed = fast_equals_feedparser(METADATA)
    election, council, weather, old, unreadable = parsed.entries
    assert election.authors == ["Ana Petrović", "Marko Ilić"]
    assert election.categories == ["Politika", "Lokalno"]
    assert election.orig_link == "https://original.example.invalid/izbori"
    assert election.published_raw == "Tue, 10 Nov 2026 09:15:00 +0100"
    assert tuple(election.published_struct)[:6] == (2026, 11, 10, 8, 15, 0)  # in UTC
    assert council.authors == ["Jelena Urednik"]
    assert tuple(council.published_struct)[:5] == (2026, 11, 11, 17, 40)
    assert tuple(weather.published_struct)[:4] == (2026, 11, 11, 12)
    assert tuple(old.published_struct)[:3] == (2026, 11, 9)
    assert unreadable.published_raw == "prekjuče uveče" and unreadable.published_struct is None


def test_a_feed_with_missing_fields_matches_feedparser():
    parsed = fast_equals_feedparser(
        rss("<item><description>Samo opis.</description></item><item/>")
    )
    assert parsed.title is None and parsed.link is None and parsed.language is None
    bare, empty = parsed.entries
    assert (bare.title, bare.link, bare.guid, bare.published_raw) == ("", None, None, None)
    assert bare.summary_html == "Samo opis." and bare.content_html is None
    assert empty.summary_html is None and empty.authors == [] and empty.categories == []


def test_first_title_wins_and_a_permalink_guid_stands_in_for_the_link():
    body = rss(
        "<item><guid>https://vesti.example.invalid/g1</guid><title>Prvi</title>"
        "<title>Drugi</title></item>"
        "<item><title></title><title>Posle praznog</title>"
        "<link>https://vesti.example.invalid/l2</link><guid>https://vesti.example.invalid/g2</guid>"
        "</item>",
        channel="<title>Kanal</title><title>Drugi kanal</title>",
    )
    parsed = fast_equals_feedparser(body)
    assert parsed.title == "Kanal"
    assert [(e.title, e.link) for e in parsed.entries] == [
        ("Prvi", "https://vesti.example.invalid/g1"),
        ("Posle praznog", "https://vesti.example.invalid/l2"),
    ]


def test_rss_versions_are_named_like_feedparser():
    for attribute, version in (
        ("2.0", "rss20"),
        ("0.92", "rss092"),
        ("0.91", "rss091u"),
        ("", "rss"),
    ):
        body = (
            f'<rss version="{attribute}"><channel><title>V</title>'
            "<item><title>a</title></item></channel></rss>"
        ).encode()
        assert fast_equals_feedparser(body).version == version


def test_unknown_namespaces_are_named_like_feedparsers_sax_reader():
    # feedparser's SAX reader gives no prefix for elements of unknown namespaces: an element in
    # an unknown default namespace is read by its bare name (a second title here).
    body = rss(
        '<item><title>Prvi</title><post-id xmlns="com-wordpress:feed-additions:1">42</post-id>'
        '<title xmlns="http://drugo.example.invalid/">Drugi</title>'
        "<link>https://vesti.example.invalid/p</link><ext:ocena>5</ext:ocena></item>"
        '<item><title xmlns="http://drugo.example.invalid/">Samo ovaj</title></item>',
        namespaces=' xmlns:ext="http://ekstra.example.invalid/ns"',
    )
    parsed = fast_equals_feedparser(body)
    assert [e.title for e in parsed.entries] == ["Prvi", "Samo ovaj"]
    # One namespace under two prefixes: feedparser names both by the first; left to it.
    falls_back(
        rss(
            "<item><title>a</title><b:x>1</b:x></item>",
            namespaces=' xmlns:a="http://isti.example.invalid/" xmlns:b="http://isti.example.invalid/"',
        )
    )


# --- hand-written Atom ----------------------------------------------------------------------

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="bs">
  <title type="text">Sarajevske vijesti</title>
  <link rel="self" href="/atom.xml"/>
  <link rel="alternate" type="text/html" href="/"/>
  <id>tag:vijesti.example.invalid,2026:feed</id>
  <updated>2026-11-12T10:00:00Z</updated>
  <author><name>Redakcija</name></author>
  <entry>
    <id>tag:vijesti.example.invalid,2026:1</id>
    <title type="html">Tramvaj &lt;em&gt;ponovo&lt;/em&gt; vozi</title>
    <link rel="alternate" type="text/html" href="/vijesti/tramvaj"/>
    <link rel="enclosure" type="image/jpeg" href="/slike/tramvaj.jpg"/>
    <published>2026-11-12T08:00:00+01:00</published>
    <updated>2026-11-12T09:30:00+01:00</updated>
    <author><name>Amra Hodžić</name><email>amra@vijesti.example.invalid</email></author>
    <author><name>Emir Begić</name><uri>/autori/emir</uri></author>
    <category term="Grad" label="Grad Sarajevo"/>
    <category term="Saobraćaj" scheme="https://vijesti.example.invalid/teme"/>
    <summary>Kratak sažetak bez oznaka &amp; sa znakom.</summary>
    <content type="html">&lt;p&gt;Linija je &lt;a href="/linije/3"&gt;obnovljena&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Samo sadržaj</title>
    <id>https://vijesti.example.invalid/vijesti/sadrzaj</id>
    <updated>2026-11-11T07:00:00Z</updated>
    <content type="html">&lt;p&gt;Tekst&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Tekstualni sadržaj</title>
    <link href="https://vijesti.example.invalid/vijesti/tekst"/>
    <content>Obični tekst &lt;b&gt; ostaje tekst</content>
  </entry>
</feed>"""


def test_atom_with_html_content_authors_and_categories_matches_feedparser():
    parsed = fast_equals_feedparser(ATOM.encode(), "https://vijesti.example.invalid/atom.xml")
    assert parsed.version == "atom10"
    assert (parsed.title, parsed.link, parsed.language) == (
        "Sarajevske vijesti",
        "https://vijesti.example.invalid/",
        "bs",
    )
    tram, content_only, text_only = parsed.entries
    assert tram.title == "Tramvaj <em>ponovo</em> vozi"
    assert tram.link == "https://vijesti.example.invalid/vijesti/tramvaj"
    assert tram.authors == ["Amra Hodžić", "Emir Begić"]
    assert tram.categories == ["Grad", "Saobraćaj"]
    assert tram.summary_html == "Kratak sažetak bez oznaka & sa znakom."
    assert 'href="https://vijesti.example.invalid/linije/3"' in tram.content_html
    assert tram.published_raw == "2026-11-12T08:00:00+01:00"
    assert tuple(tram.published_struct)[:4] == (2026, 11, 12, 7)
    # No summary: feedparser copies the content; no link: the id stands in.
    assert content_only.summary_html == content_only.content_html == "<p>Tekst</p>"
    assert content_only.link == "https://vijesti.example.invalid/vijesti/sadrzaj"
    assert text_only.content_html == "Obični tekst <b> ostaje tekst"


RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="mk">
  <channel rdf:about="https://vesnik.example.invalid/">
    <title>Скопски весник</title>
    <link>https://vesnik.example.invalid/</link>
    <description>Вести од градот</description>
    <dc:language>mk</dc:language>
    <items><rdf:Seq><rdf:li rdf:resource="https://vesnik.example.invalid/1"/></rdf:Seq></items>
    <image rdf:resource="https://vesnik.example.invalid/logo.png"/>
  </channel>
  <image rdf:about="https://vesnik.example.invalid/logo.png">
    <title>Лого</title><url>https://vesnik.example.invalid/logo.png</url><link>/</link>
  </image>
  <item rdf:about="https://vesnik.example.invalid/1">
    <title>Нов мост преку Вардар</title>
    <link>/vesti/most</link>
    <description>&lt;p&gt;Мостот е &lt;a href="/mapa"&gt;отворен&lt;/a&gt;.&lt;/p&gt;</description>
    <dc:creator>Елена Стојанова</dc:creator>
    <dc:date>2026-11-12T08:30:00+01:00</dc:date>
    <dc:subject>Град</dc:subject>
  </item>
  <item rdf:about="urn:vesnik:2"><title>Без врска</title></item>
</rdf:RDF>"""


def test_rss10_matches_feedparser():
    parsed = fast_equals_feedparser(RDF.encode(), "https://vesnik.example.invalid/rdf.xml")
    assert (parsed.version, parsed.title, parsed.language) == ("rss10", "Скопски весник", "mk")
    bridge, bare = parsed.entries
    assert bridge.guid == "https://vesnik.example.invalid/1"
    assert bridge.link == "https://vesnik.example.invalid/vesti/most"
    assert 'href="https://vesnik.example.invalid/mapa"' in bridge.summary_html
    assert bridge.authors == ["Елена Стојанова"] and bridge.categories == ["Град"]
    assert tuple(bridge.published_struct)[:4] == (2026, 11, 12, 7)
    assert (bare.guid, bare.link) == ("urn:vesnik:2", None)


# --- what must go to feedparser -------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # ill-formed: a bare ampersand, an undefined entity, no closing tags
        rss("<item><title>Vesti & komentari</title></item>"),
        rss("<item><title>Razmak&nbsp;ovde</title></item>"),
        b'<rss version="2.0"><channel><title>T</title><item><title>Bez kraja</title>',
        # a DOCTYPE left in place for feedparser (the Netscape RSS 0.91 marker)
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>N</title><item><title>a</title></item></channel></rss>",
        # xml:base changes every relative URI below it
        rss('<item xml:base="https://drugi.example.invalid/"><link>a</link></item>'),
        rss('<item><link BASE="https://drugi.example.invalid/x/">a</link></item>'),
        # RSS 0.90 and Atom 0.3 roots; RSS 1.0 also declaring Atom (the first declared wins)
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>R</title></channel>'
        b"<item><title>a</title></item></rdf:RDF>",
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:atom="http://www.w3.org/2005/Atom" xmlns="http://purl.org/rss/1.0/">'
        b"<channel><title>R</title></channel><item><title>a</title></item></rdf:RDF>",
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>A</title>'
        b"<entry><title>a</title></entry></feed>",
        # XHTML content, markup inside a title, a source element, two descriptions
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title><content '
        b'type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Tekst</p></div></content>'
        b"</entry></feed>",
        rss("<item><title>Naslov <b>deo</b></title></item>"),
        rss(
            '<item><title>a</title><source url="https://izvor.example.invalid/rss">Izvor</source></item>'
        ),
        rss(
            "<item><title>a</title><description>jedan</description><description>dva</description></item>"
        ),
        # HTML outside the reproduced grammar: an unquoted attribute
        rss(
            "<item><title>a</title><description>&lt;a href=/x&gt;veza&lt;/a&gt;</description></item>"
        ),
        # an element feedparser gives meaning the fast path does not model
        rss(
            "<item><title>a</title><media:title>b</media:title></item>",
            namespaces=' xmlns:media="http://search.yahoo.com/mrss/"',
        ),
    ],
)
def test_documents_the_fast_path_leaves_to_feedparser(body):
    falls_back(body)


def test_ill_formed_document_is_still_parsed_and_flagged():
    body = rss(
        "<item><title>Vesti & komentari</title><link>https://v.example.invalid/1</link></item>"
    )
    parsed = parse_feed(body, base_url=BASE, budget=IN_PROCESS)
    assert parsed.bozo and parsed.bozo_reason
    assert [e.title for e in parsed.entries] == ["Vesti & komentari"]


def test_guard_notes_and_truncation_survive_the_fast_path():
    items = "".join(f"<item><title>V{i}</title></item>" for i in range(5))
    body = rss(items, channel="<title>T</title>")
    fast, slow = both_paths(body)
    assert fast == slow
    capped, capped_slow = both_paths(body, max_items=3)
    assert capped is not None, "the fast path declined the capped document"
    assert capped == capped_slow
    assert [e.title for e in capped.entries] == ["V0", "V1", "V2"]
    assert capped.truncated == 2 and capped.bozo and capped.notes


def test_parse_feed_uses_the_fast_path_through_the_worker():
    parsed = parse_feed(RELATIVE, base_url=BASE)
    fast, _ = both_paths(RELATIVE)
    assert fast is not None
    assert parsed == fast


def test_hostile_nesting_is_still_limited():
    nested = "&lt;div&gt;" * 300 + "jezgro" + "&lt;/div&gt;" * 300
    parsed = fast_equals_feedparser(
        rss(f"<item><title>d</title><description>{nested}</description></item>")
    )
    assert parsed.entries[0].summary_html.count("<div>") == 100


# --- the HTML re-serialisation, differentially ----------------------------------------------

_PIECES = [
    "tekst ", "Šđčćž ", "Москва ", " > ", "&amp;", "&lt;", "&quot;", "&#x27;", "&#39;", "&#34;",
    "&#8212;", "&#150;", "&#X41;", "&nbsp;", "&copy;", "&foo;", "&foo ", "& ", "&", "&#", "&#x;",
    "<p>", "</p>", "<P>", "</P >", "<br>", "<br/>", "<br />", "</br>", "<hr/>", "<div/>",
    "<img src='a.png'>", '<img src="/b.png" alt="x"/>', '<a href="../c" REL="NoFollow">',
    '<a href="javascript:alert(1)">', '<a href="https://x.example.invalid/?a=1&amp;b=2">', "</a>",
    '<p class="x" class="y">', '<input disabled>', '<q cite="d e">', "<!-- napomena -->",
    "<!--x-- >", "<!DOCTYPE html>", "<![CDATA[x]]>", "<?pi?>", "< 3", "<", "<3", "<a href=x>",
    '<span title="it\'s">', "<x:y>", "</x:y>", "<a\nhref=\"/n\">", "<>", "</>",
]  # fmt: skip


def test_html_rewriting_matches_feedparser_on_random_markup(caplog):
    # The markup goes in as an item's content:encoded (HTML by default, so its relative URIs are
    # resolved); parse_fast returns None where its HTML rewriter declines the markup. Both paths
    # strip a text value before rewriting it, so the rewriter is only ever given stripped markup.
    base = "https://vesti.example.invalid/rubrika/strana.html"
    rng = random.Random(20261127)
    taken = 0
    for _ in range(3000):
        html = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        body = rss(f"<item><content:encoded>{escape(html)}</content:encoded></item>")
        raw = parse_fast(as_utf8_xml(body.decode()), base)
        if raw is None:
            continue
        taken += 1
        [entry] = raw["entries"]
        expected = resolve_relative_uris(html.strip(), base, "utf-8", "text/html")
        assert entry["content"] == [{"value": expected}], html
    assert taken > 500
    # parse_fast also returns None (and logs) when it fails unexpectedly: that must not be
    # counted as markup declined.
    assert not [r for r in caplog.records if r.name == fast_module.__name__]


# --- random documents from element pieces, differentially ---------------------------------

_ITEM_PIECES = [
    "<title>Naslov</title>", "<title></title>", "<title>Drugi &amp; treći</title>",
    "<title>&lt;b&gt;x&lt;/b&gt;</title>", "<link>/a/b</link>", "<link></link>",
    "<link>https://x.example.invalid/c?d=1&amp;e=2</link>", "<link>  /razmak </link>",
    "<guid>/g/1</guid>", '<guid isPermaLink="false">g-2</guid>', "<guid></guid>",
    '<guid isPermaLink="true">https://x.example.invalid/g3</guid>', "<description>opis</description>",
    "<description>&lt;p&gt;html&lt;/p&gt;</description>", "<description></description>",
    "<content:encoded><![CDATA[<p>telo <a href='/r'>x</a></p>]]></content:encoded>",
    "<content:encoded></content:encoded>", "<pubDate>Tue, 10 Nov 2026 09:15:00 +0100</pubDate>",
    "<pubDate>2026-11-10T09:15:00Z</pubDate>", "<pubDate></pubDate>", "<dc:date>2026-11-10</dc:date>",
    "<dc:creator>Ana</dc:creator>", "<dc:creator></dc:creator>", "<author>Pera</author>",
    "<author>pera@vesti.example.rs (Pera Perić)</author>", "<category>K1</category>",
    '<category domain="d">K2</category>', '<category domain="d"/>', "<category></category>",
    "<dc:subject>S</dc:subject>", "<comments>/c</comments>", "<fb:origLink>/o</fb:origLink>",
    '<atom:link href="/al" rel="alternate"/>', '<atom:link href="/self" rel="self"/>',
    '<atom:link rel="alternate" href=""/>', "<x:foo>bar</x:foo>", '<x:bar a="1"/>',
    "<enclosure url='/e.mp3'/>", "<!-- c -->", "<atom:summary>s</atom:summary>",
    '<atom:content type="html">&lt;i&gt;c&lt;/i&gt;</atom:content>', "<language>sr</language>",
    "<atom:updated>2026-11-10T09:15:00Z</atom:updated>",
    '<post-id xmlns="com-wordpress:feed-additions:1">7</post-id>',
    '<title xmlns="http://drugo.example.invalid/">T</title>',
]  # fmt: skip
_CHANNEL_PIECES = [
    "<title>K</title>", "<title></title>", "<title>K2</title>", "<link>/</link>",
    '<atom:link href="/feed" rel="self" type="application/rss+xml"/>',
    '<atom:link href="/alt" rel="alternate"/>', "<language>sq</language>", "<language></language>",
    "<dc:language>hr</dc:language>", "<description>opis</description>", "<guid>/kg</guid>",
    "<image><url>/i.png</url><title>Slika</title><link>/</link></image>", "<image><title/></image>",
    "<textinput><title>T</title><name>q</name></textinput>", "<ttl>5</ttl>", "<x:y>z</x:y>",
    "<lastBuildDate>Tue, 10 Nov 2026 09:15:00 +0100</lastBuildDate>", "<copyright>c</copyright>",
]  # fmt: skip
_ENTRY_PIECES = [
    "<title>N</title>", '<title type="html">&lt;em&gt;N&lt;/em&gt; &amp;amp;</title>', "<title/>",
    '<title type="text">a &lt;b&gt;</title>', '<link href="/e1"/>', '<link rel="enclosure" href="/m"/>',
    '<link rel="alternate" type="text/html" href="https://a.example.invalid/e2"/>', "<link>/t</link>",
    '<link rel="alternate" type="application/xhtml+xml" href="/x"/>', '<link rel="related" href="/r"/>',
    "<id>urn:x:1</id>", "<id>/rel/id</id>", "<published>2026-11-10T09:15:00+02:00</published>",
    "<updated>2026-11-11T09:15:00Z</updated>", "<updated>nije datum</updated>",
    "<author><name>A</name></author>", "<author><name>B</name><email>b@x.example.rs</email></author>",
    "<author><email>c@x.example.rs</email><name>C</name><uri>/c</uri></author>",
    '<category term="t1"/>', '<category term="t2" scheme="s" label="L"/>', '<category scheme="s"/>',
    "<category>txt</category>", "<summary>sum &amp; x</summary>", "<content>obično</content>",
    '<summary type="html">&lt;p&gt;s&lt;/p&gt;</summary>', '<content type="text">t</content>',
    '<content type="html">&lt;p&gt;c &lt;a href="/z"&gt;z&lt;/a&gt;&lt;/p&gt;</content>',
    "<rights>r</rights>", "<contributor><name>K</name></contributor>", "<!-- k -->",
]  # fmt: skip
_FEED_PIECES = [
    "<title>F</title>", "<subtitle>s</subtitle>", '<link href="/"/>', '<link rel="self" href="/f"/>',
    "<id>/fid</id>", "<id>tag:x,2026:f</id>", "<updated>2026-11-10T09:15:00Z</updated>",
    "<author><name>R</name></author>", "<icon>/i.png</icon>", '<category term="c"/>',
]  # fmt: skip


def _random_rss(rng: random.Random) -> bytes:
    parts = [rng.choice(_CHANNEL_PIECES) for _ in range(rng.randint(0, 4))]
    for _ in range(rng.randint(0, 4)):
        children = "".join(rng.choice(_ITEM_PIECES) for _ in range(rng.randint(0, 7)))
        parts.append(f"<item>{children}</item>")
        parts += [rng.choice(_CHANNEL_PIECES) for _ in range(rng.randint(0, 2))]
    lang = rng.choice(["", ' xml:lang="bs_BA"', ' xml:lang=""'])
    return rss(
        "".join(parts),
        namespaces=(
            f'{lang} xmlns:atom="http://www.w3.org/2005/Atom" xmlns:x="http://x.example.invalid/ns"'
            ' xmlns:fb="http://rssnamespace.org/feedburner/ext/1.0"'
        ),
    )


def _random_atom(rng: random.Random) -> bytes:
    parts = [rng.choice(_FEED_PIECES) for _ in range(rng.randint(0, 5))]
    for _ in range(rng.randint(0, 4)):
        children = "".join(rng.choice(_ENTRY_PIECES) for _ in range(rng.randint(0, 8)))
        parts.append(f"<entry>{children}</entry>")
    lang = rng.choice(["", ' xml:lang="hr"'])
    return f'<feed xmlns="http://www.w3.org/2005/Atom"{lang}>{"".join(parts)}</feed>'.encode()


def _random_rdf(rng: random.Random) -> bytes:
    channel = "".join(rng.choice(_RDF_CHANNEL_PIECES) for _ in range(rng.randint(0, 6)))
    parts = [f'<channel rdf:about="/kanal">{channel}</channel>']
    parts += [rng.choice(_RDF_TOP_PIECES) for _ in range(rng.randint(0, 2))]
    for _ in range(rng.randint(0, 4)):
        about = rng.choice(
            ["", ' rdf:about="/o/1"', ' rdf:about=" https://x.example.invalid/o/2 "']
        )
        children = "".join(rng.choice(_RDF_ITEM_PIECES) for _ in range(rng.randint(0, 6)))
        parts.append(f"<item{about}>{children}</item>")
    rng.shuffle(parts)
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:x="http://x.example.invalid/ns"'
        f' xmlns:fb="http://rssnamespace.org/feedburner/ext/1.0">{"".join(parts)}</rdf:RDF>'
    ).encode()


_RDF_CHANNEL_PIECES = [
    "<title>K</title>", "<title></title>", "<link>/k</link>", "<description>d</description>",
    "<dc:language>sr</dc:language>", "<language>hr</language>", "<guid>/kg</guid>",
    '<items><rdf:Seq><rdf:li rdf:resource="/1"/><rdf:li resource="/2"/></rdf:Seq></items>',
    '<image rdf:resource="/i.png"/>', '<textinput rdf:resource="/s"/>',
]  # fmt: skip
# Atom elements would need the Atom namespace, which an RSS 1.0 document may not declare here.
_RDF_ITEM_PIECES = [piece for piece in _ITEM_PIECES if "atom:" not in piece]
_RDF_TOP_PIECES = [
    '<image rdf:about="/i.png"><title>Slika</title><url>/i.png</url><link>/</link></image>',
    '<image rdf:about="/i"><title></title></image>',
    '<textinput rdf:about="/s"><title>T</title><name>q</name><link>/s</link></textinput>',
]  # fmt: skip


@pytest.mark.parametrize("make", [_random_rss, _random_atom, _random_rdf])
def test_random_documents_agree_with_feedparser(make):
    rng = random.Random(1127)
    taken = 0
    for _ in range(400):
        body = make(rng)
        fast, slow = both_paths(body, "https://baza.example.invalid/rss/f.xml")
        if fast is not None:
            taken += 1
            assert fast == slow, body.decode()
    assert taken > 250


# --- speed and feedparser's own corpus ------------------------------------------------------


def test_fast_path_is_several_times_faster_than_feedparser(catalog):
    outlet = catalog.outlets[0]
    feed = replace(outlet.feeds[0], kind="rss", full_content=True)
    items = [a for a in catalog.articles if a.outlet == outlet.slug][:50]
    base = "https://newsroom.test.invalid"
    body = render_rss(catalog, outlet, feed, items, base, base + "/x.xml")
    assert fast_equals_feedparser(body, base).entries, "the timed document takes the fast path"

    def best(fn) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    # Both timings include decoding and the guards, the fast one also the mapping to ParsedFeed,
    # so slow > 2 * fast here implies it for the two parsers alone.
    fast = best(lambda: parse_guarded(body, base, None, DEFAULT_MAX_ITEMS))
    slow = best(lambda: guarded_feedparser(body, base, None, DEFAULT_MAX_ITEMS))
    # Measured about 5x on a quiet machine (about 4x with the shared work); 2x leaves room for a
    # loaded one.
    assert slow > 2 * fast
