"""Decoding and XML guards before feedparser."""

from __future__ import annotations

import codecs

import pytest

from pipeline.parse import ParseError, parse_feed
from pipeline.parse.budget import ParseBudget
from pipeline.parse.decode import as_utf8_xml, decode_document
from pipeline.parse.guard import cap_items, limit_nesting, strip_entity_declarations

IN_PROCESS = ParseBudget(isolated=False)
TEXT = "Šef Đorđe čita žute vesti o Ćupriji"
CYR = "Шеф Ђорђе чита жуте вести о Ћуприји"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "method"),
    [
        (TEXT.encode(), None, "utf-8", "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), None, "utf-8", "bom"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), None, "utf-16-le", "bom"),
        (TEXT.encode("iso-8859-2"), "text/xml; charset=ISO-8859-2", "iso8859-2", "declared"),
        (b'<?xml version="1.0" encoding="windows-1251"?>' + CYR.encode("cp1251"), None, "cp1251", "declared"),
    ],
)  # fmt: skip
def test_decoding_order(body, content_type, encoding, method):
    decoded = decode_document(body, content_type)
    assert (decoded.encoding, decoded.method) == (encoding, method)
    assert TEXT in decoded.text or CYR in decoded.text


def test_windows_1250_mislabelled_as_utf8_is_detected():
    body = (f'<?xml version="1.0" encoding="utf-8"?><t>{TEXT}. {TEXT}.</t>').encode("cp1250")
    decoded = decode_document(body, "application/xml; charset=utf-8")
    assert decoded.method == "detected" and TEXT in decoded.text


def test_one_bad_byte_replaces_only_itself():
    body = (TEXT + " ").encode() * 50 + b"\xff" + (" " + TEXT).encode() * 50
    decoded = decode_document(body)
    assert decoded.method == "utf-8-repaired" and decoded.replaced == 1
    assert decoded.text.count(TEXT) == 100 and decoded.text.count("\ufffd") == 1


def test_declaration_is_rewritten_to_utf8():
    data = as_utf8_xml('\ufeff  <?xml version="1.0" encoding="windows-1250"?><rss/>')
    assert data == b'<?xml version="1.0" encoding="utf-8"?><rss/>'


def test_doctype_with_entities_is_stripped_and_char_entities_inlined():
    long = "x" * 65
    text = (
        '<?xml version="1.0"?><!-- <!DOCTYPE in a comment --><!DOCTYPE rss [<!-- a ] > comment -->'
        '<!ENTITY nbsp "&#160;"><!ENTITY at "AT&#38;T"><!ENTITY lol "lol">'
        f'<!ENTITY big "{long}"><!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        "<rss>&nbsp;&lol;&big;&ext;&amp;<![CDATA[<!DOCTYPE x>]]></rss>"
    )
    out, notes = strip_entity_declarations(text)
    assert out == (
        '<?xml version="1.0"?><!-- <!DOCTYPE in a comment -->'
        "<rss>&#160;lol&big;&ext;&amp;<![CDATA[<!DOCTYPE x>]]></rss>"
    )
    assert notes


def test_unterminated_doctype_is_rejected():
    with pytest.raises(ParseError) as err:
        parse_feed(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">', base_url="http://e.invalid/",
                   budget=IN_PROCESS)  # fmt: skip
    assert err.value.error_class == "parse_error"


def test_item_cap_cuts_and_closes_the_document():
    text = "<rss><channel>" + "<item>x</item>" * 10 + "</channel></rss>"
    out, total, dropped = cap_items(text, 3)
    assert (total, dropped) == (10, 7)
    assert out == "<rss><channel>" + "<item>x</item>" * 3 + "</channel></rss>"
    atom = "<feed xmlns='http://www.w3.org/2005/Atom'>" + "<entry/>" * 5 + "</feed>"
    assert cap_items(atom, 2)[0].endswith("<entry/><entry/></feed>")


def test_nesting_is_limited_and_text_kept():
    html = "<div>" * 500 + "jezgro" + "</div>" * 500
    out = limit_nesting(html, 10)
    assert out.count("<div>") == 10 and "jezgro" in out


@pytest.mark.parametrize(
    ("body", "error_class"),
    [
        (b"", "empty_body"),
        (b"   \n", "empty_body"),
        # JSON Feed is read (tests/test_json_feed.py); other JSON is not a feed format we know.
        (b'{"data": [], "items": []}', "unsupported_format"),
        (b"[1, 2, 3]", "unsupported_format"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "not_a_feed"),
        (b"samo obican tekst", "not_a_feed"),
        (b"<nije><feed", "parse_error"),
    ],
)
def test_non_feeds_are_classified(body, error_class):
    with pytest.raises(ParseError) as err:
        parse_feed(body, base_url="http://e.invalid/", budget=IN_PROCESS)
    assert err.value.error_class == error_class


def test_links_are_http_only_and_resolved():
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>../a</link></item>"
        b"<item><title>b</title><link>javascript:alert(1)</link></item>"
        b"<item><title>c</title><link>//cdn.example/c</link></item>"
        b"<item><title>d</title><link>data:text/html,x</link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(body, base_url="https://news.example/rss/feed.xml", budget=IN_PROCESS)
    assert [e.link for e in parsed.entries] == [
        "https://news.example/a",
        None,
        "https://cdn.example/c",
        None,
    ]


def test_parse_error_survives_the_worker_boundary():
    with pytest.raises(ParseError) as err:
        parse_feed(b"<!DOCTYPE html><html></html>", base_url="http://e.invalid/")
    assert err.value.error_class == "not_a_feed"


def _parse_in_daemon(queue) -> None:
    parsed = parse_feed(
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title></item></channel></rss>',
        base_url="http://e.invalid/",
    )
    queue.put(len(parsed.entries))


def test_daemonic_parent_parses_in_process():
    # Celery's prefork workers are daemonic and may not start a parse worker.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_parse_in_daemon, args=(queue,), daemon=True)
    child.start()
    child.join(30)
    assert child.exitcode == 0 and queue.get(timeout=5) == 1
