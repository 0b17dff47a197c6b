"""Full text from article pages: main text extracted, sanitised; failures keep the summary."""

from __future__ import annotations

from pipeline.clean.fulltext import FulltextOptions, _fetch_main, extract_main, needs_fulltext
from pipeline.clean.html import sanitize_html
from pipeline.config import Settings

BODY = " ".join(
    f"Fjalia numër {i} e artikullit flet për ndërtimin e rrugës së re mes dy qyteteve."
    for i in range(8)
)
PAGE = f"""<!DOCTYPE html><html><head><title>Rruga e re</title><script>steal()</script></head>
<body><nav><a href="/">Ballina</a><a href="/sport">Sport</a></nav>
<div class="ad">Reklamë</div>
<article><h1>Rruga e re</h1><p>{BODY}</p>
<p>Paragrafi i dytë ka <a href="javascript:alert(1)">një lidhje</a> dhe
<img src="x" onerror="alert(1)"> përfundon këtu me një fjali të gjatë mjaftueshëm për nxjerrje.</p>
</article><footer>Të gjitha të drejtat e rezervuara.</footer></body></html>"""


def test_main_text_extracted_and_sanitised():
    main = extract_main(PAGE.encode(), "https://example.com/rruga")
    assert main is not None
    assert main.paragraphs[0].startswith("Fjalia numër 0")
    assert "Ballina" not in main.text and "Reklamë" not in main.text and "drejtat" not in main.text
    assert (
        "javascript:" not in main.html and "onerror" not in main.html and "steal" not in main.html
    )
    assert sanitize_html(main.html) == main.html


def test_empty_or_hostile_pages_give_nothing():
    assert extract_main(b"") is None
    assert extract_main(b"<html><body><script>x()</script></body></html>") is None


def test_summary_detection():
    options = FulltextOptions()
    assert needs_fulltext({"url": "https://e.x/1", "body_text": "Një fjali e shkurtër."}, options)
    assert needs_fulltext({"url": "https://e.x/1", "body_text": "Tekst " * 200 + "[…]"}, options)
    assert not needs_fulltext({"url": "https://e.x/1", "body_text": "Tekst " * 200}, options)
    assert not needs_fulltext({"url": None, "body_text": "Shkurt"}, options)


def test_failed_page_fetch_keeps_the_summary(web):
    settings = Settings(allowed_hosts=frozenset({web.endpoint}))
    assert _fetch_main(web.url("/missing"), settings) is None
    web.add("/page", PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    assert _fetch_main(web.url("/page"), settings) is not None
    # Private addresses stay refused unless allowed.
    assert _fetch_main(web.url("/page"), Settings()) is None
    assert web.hits["/page"] == 1
