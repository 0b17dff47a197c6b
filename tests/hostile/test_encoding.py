"""docs/hostile-inputs.md, encoding and text: cases 15 to 21."""

from __future__ import annotations

import codecs
import unicodedata

from pipeline.parse import parse_feed
from pipeline.parse.budget import ParseBudget
from tests.hostile.support import (
    assert_archive_clean,
    assert_good_loaded,
    good_feed,
    item,
    query,
    rss,
    run,
    titles,
)

LATIN_TITLES = ["Čačak i Đakovica: šta čeka žitelje", "Ćuprija dobija novi most"]
CYRILLIC_TITLES = ["Вучић посетио Ниш и Ужице", "Џамија у Новом Пазару обновљена"]


def _latin_feed(encoding_decl: str) -> str:
    return rss(
        [item(t, f"http://example.invalid/l{i}", guid=f"l{i}", description=t + ", opširnije.")
         for i, t in enumerate(LATIN_TITLES)],
        encoding=encoding_decl,
    )  # fmt: skip


def test_windows_1250_declared_as_utf8_keeps_diacritics(sqlite_url, hostile):
    body = _latin_feed("UTF-8").encode("windows-1250")
    url = hostile.serve("/cp1250.xml", body, content_type="application/rss+xml; charset=utf-8")
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    run(sqlite_url, [url, good], hostile)
    assert set(LATIN_TITLES) <= titles(sqlite_url)
    assert not any(ch in "".join(titles(sqlite_url)) for ch in "èðžš\ufffd" if ch in "èð\ufffd")
    assert_good_loaded(sqlite_url)


def test_one_invalid_byte_is_replaced_alone(sqlite_url, hostile):
    items = [
        item(f"Vučić na sastanku broj {i}", f"http://example.invalid/v{i}", guid=f"v{i}",
             description=f"Vučić je govorio o Đerdapu i Šumadiji {i} puta.")
        for i in range(20)
    ]  # fmt: skip
    body = rss(items).encode("utf-8").replace(b"broj 7", b"broj \xff7")
    url = hostile.serve("/one-bad-byte.xml", body)
    run(sqlite_url, [url], hostile)
    stored = titles(sqlite_url)
    assert len(stored) == 20
    assert sum("Vučić" in t for t in stored) == 20
    assert {t for t in stored if "\ufffd" in t} == {"Vučić na sastanku broj \ufffd7"}
    texts = [t for (t,) in query(sqlite_url, "SELECT body_text FROM articles")]
    assert sorted(texts) == sorted(
        f"Vučić je govorio o Đerdapu i Šumadiji {i} puta." for i in range(20)
    )


def test_legacy_and_utf16_encodings(sqlite_url, hostile):
    cyr = rss(
        [
            item(t, f"http://example.invalid/c{i}", guid=f"c{i}")
            for i, t in enumerate(CYRILLIC_TITLES)
        ],
        encoding="windows-1251",
    ).encode("windows-1251")
    latin2 = _latin_feed("ISO-8859-2").encode("iso-8859-2")
    utf16 = codecs.BOM_UTF16_LE + rss(
        [item("Šibenik i Split u UTF-16", "http://example.invalid/u16", guid="u16")],
        encoding="UTF-16",
    ).encode("utf-16-le")
    bom = codecs.BOM_UTF8 + rss(
        [item("Žabljak sa BOM-om", "http://example.invalid/bom", guid="bom")]
    ).encode("utf-8")
    urls = [
        hostile.serve("/cp1251.xml", cyr),
        hostile.serve("/latin2.xml", latin2, content_type="text/xml"),
        hostile.serve("/utf16.xml", utf16),
        hostile.serve("/bom.xml", bom),
    ]
    summary = run(sqlite_url, urls, hostile)
    assert summary.errors_by_class == {}
    stored = titles(sqlite_url)
    expected = {*CYRILLIC_TITLES, *LATIN_TITLES, "Šibenik i Split u UTF-16", "Žabljak sa BOM-om"}
    assert expected <= stored


def test_nul_bytes_raw_and_as_references_never_stored(archive_url, hostile):
    doc = rss(
        [
            item("Naslov sa\x00 nulom", "http://example.invalid/n1", guid="n1",
                 description="Tekst\x00 sa nulom i \x07 zvoncem."),
            "<item><title>Referenca &#0; nula i &#x1; jedan</title>"
            "<link>http://example.invalid/n2</link><description>Opis &amp;#0; i &#11; kraj"
            "</description></item>",
        ]
    )  # fmt: skip
    url = hostile.serve("/nul.xml", doc.encode("utf-8"))
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    run(archive_url, [url, good], hostile)
    assert_good_loaded(archive_url)
    assert "Naslov sa nulom" in titles(archive_url)
    assert_archive_clean(archive_url)


def test_zero_width_and_bidi_controls_removed_and_nfc(sqlite_url, hostile):
    title = "Iz\u200bbori u \u202eSrbiji\u202c i \u2066BiH\u2069\ufeff: c\u030cetvrtak"
    url = hostile.serve("/bidi.xml", rss([item(title, "http://example.invalid/b", guid="b")]))
    run(sqlite_url, [url], hostile)
    (stored,) = titles(sqlite_url)
    assert stored == "Izbori u Srbiji i BiH: četvrtak"
    assert unicodedata.is_normalized("NFC", stored)
    assert_archive_clean(sqlite_url)


def test_double_encoded_entities_and_escaped_html(sqlite_url, hostile):
    doc = rss(
        "<item><title>Vlada &amp;amp; opozicija: &amp;quot;dogovor&amp;quot;</title>"
        "<link>http://example.invalid/d</link>"
        "<description>&lt;p&gt;Prvi &lt;b&gt;pasus&lt;/b&gt;&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;"
        "</description></item>"
    )
    url = hostile.serve("/double.xml", doc)
    run(sqlite_url, [url], hostile)
    ((title, text, html),) = query(sqlite_url, "SELECT title, body_text, body_html FROM articles")
    assert title == 'Vlada & opozicija: "dogovor"'
    assert text == "Prvi pasus"
    assert "<script" not in (html or "")


def test_cyrillic_lookalikes_inside_latin_words(sqlite_url, hostile):
    # "ЕU" and "Kоsovo" carry a Cyrillic Е and о; the Cyrillic title stays Cyrillic.
    url = hostile.serve(
        "/mixed.xml",
        rss([
            item("\u0415U i Kоsovo: novi razgovori", "http://example.invalid/eu", guid="eu"),
            item("Европска унија и Косово", "http://example.invalid/eu-c", guid="eu-c"),
        ]),
    )  # fmt: skip
    run(sqlite_url, [url], hostile)
    assert titles(sqlite_url) == {"EU i Kosovo: novi razgovori", "Европска унија и Косово"}


def test_parse_reports_the_encoding_decision():
    body = _latin_feed("UTF-8").encode("windows-1250")
    parsed = parse_feed(
        body, base_url="http://example.invalid/", budget=ParseBudget(isolated=False)
    )
    assert parsed.encoding in {"cp1250", "iso8859-2"}
    assert parsed.notes and parsed.bozo
    assert [e.title for e in parsed.entries] == LATIN_TITLES
