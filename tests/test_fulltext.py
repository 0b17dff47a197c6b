"""Full text from article pages: main text extracted, sanitised; failures keep the summary.

The steps: summaries detected and pages' text applied (pipeline.clean.fulltext), pages fetched
(pipeline.fetch.pages), extracted inside the parse budget by the one article-page extractor
(pipeline.parse.pages), and the flow that joins them (pipeline.flows.fulltext).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.migrate import upgrade
from pipeline.clean.fulltext import FulltextOptions, needs_fulltext, page_main
from pipeline.clean.html import sanitize_html
from pipeline.config import Settings
from pipeline.fetch.pages import fetch_pages
from pipeline.flows import fulltext
from pipeline.flows.article_row import FeedContext
from pipeline.flows.fulltext import enrich_fulltext
from pipeline.flows.process import page_rows
from pipeline.parse import budget
from pipeline.parse.pages import page_entry
from tests.support.rows import article

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
HTML = {"Content-Type": "text/html; charset=utf-8"}
SUMMARY = "Rruga e re mes dy qyteteve [...]"


@pytest.fixture(autouse=True)
def _stop_parse_workers():
    yield
    budget.shutdown()


def test_main_text_extracted_and_sanitised():
    main = page_main(PAGE.encode(), "https://example.com/rruga", None)
    assert main is not None
    assert main.paragraphs[0].startswith("Fjalia numër 0")
    assert "Ballina" not in main.text and "Reklamë" not in main.text and "drejtat" not in main.text
    assert (
        "javascript:" not in main.html and "onerror" not in main.html and "steal" not in main.html
    )
    assert sanitize_html(main.html) == main.html


def test_empty_or_hostile_pages_give_nothing():
    assert page_main(b"", "https://example.com/", None) is None
    assert (
        page_main(b"<html><body><script>x()</script></body></html>", "https://e.x/", None) is None
    )


def test_summary_detection():
    options = FulltextOptions()
    assert needs_fulltext(article(url="https://e.x/1", body_text="Një fjali e shkurtër."), options)
    assert needs_fulltext(article(url="https://e.x/1", body_text="Tekst " * 200 + "[…]"), options)
    assert not needs_fulltext(article(url="https://e.x/1", body_text="Tekst " * 200), options)
    assert not needs_fulltext(article(url=None, body_text="Shkurt"), options)


def test_page_charset_from_the_header_else_from_the_page():
    text = "Đaci iz Šapca čitaju vijesti o gradnji puta između dva grada. " * 12
    page = "<html><head><meta charset='windows-1250'><title>Š</title></head><body><article>"
    body = (page + f"<p>{text}</p></article></body></html>").encode("windows-1250")
    for content_type in ("text/html; charset=windows-1250", "text/html", None):
        entry = page_entry(body, "https://e.x/a", content_type)
        assert entry.title == "Š"
        assert "Đaci iz Šapca" in entry.content_html


def test_failed_page_fetch_keeps_the_summary(web):
    settings = Settings(allowed_hosts=frozenset({web.endpoint}))
    (missing,) = fetch_pages([web.url("/missing")], settings)
    assert not missing.ok
    web.add("/page", PAGE, headers=HTML)
    (page,) = fetch_pages([web.url("/page")], settings)
    assert page.ok and page_main(page.body, page.final_url, page.headers["content-type"])
    # Private addresses stay refused unless allowed.
    (refused,) = fetch_pages([web.url("/page")], Settings())
    assert not refused.ok and refused.body is None
    assert web.hits["/page"] == 1


def _archive(url: str) -> sa.Engine:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO outlets (id, slug, name, homepage, country, languages, scripts, "
                "fulltext, history) VALUES (:id, :slug, 'O', 'https://o.example/', 'XK', 'sq', "
                "'', :fulltext, '')"
            ),
            [
                {"id": 1, "slug": "plot", "fulltext": True},
                {"id": 2, "slug": "pa", "fulltext": False},
            ],
        )
    return engine


def _summary_row(web, path: str, outlet: int = 1):
    """A summary-only item, as a feed without full text gives it."""
    return article(
        id=path.strip("/"), outlet_id=outlet, url=web.url(path), body_text=SUMMARY, partial=True
    )


def test_fulltext_flow_replaces_summaries_and_keeps_them_on_failure(web, sqlite_url):
    web.add("/page", PAGE, headers=HTML)
    engine = _archive(sqlite_url)
    settings = Settings(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))
    rows = [_summary_row(web, "/page"), _summary_row(web, "/missing"), _summary_row(web, "/off", 2)]

    assert enrich_fulltext(engine, rows, settings) == 1
    full, missing, off = rows
    assert full.body_text.startswith("Fjalia numër 0") and full.summary == SUMMARY
    assert full.partial is False and "Reklamë" not in full.body_text
    assert missing.body_text == SUMMARY and missing.partial
    assert off.body_text == SUMMARY and "/off" not in web.hits
    engine.dispose()


def test_harvested_and_fulltext_pages_share_one_extractor(web, sqlite_url):
    """The same page bytes give the same body as a harvested page capture and as a full text."""
    web.add("/page", PAGE, headers=HTML)
    engine = _archive(sqlite_url)
    settings = Settings(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))
    row = _summary_row(web, "/page")
    assert enrich_fulltext(engine, [row], settings) == 0

    context = FeedContext(1, 1, web.url("/sitemap.xml"), "sq", None, datetime.now(UTC))
    harvested = page_rows(PAGE.encode(), web.url("/page"), HTML["Content-Type"], context)
    (page,) = harvested.rows
    assert page.body_text == row.body_text
    assert page.body_html == row.body_html
    assert page.title == "Rruga e re" and not page.partial
    engine.dispose()


def _slow_page_main(body: bytes, url: str, content_type: str | None):
    """The extractor, stuck on pages named slow (a stand-in for a page trafilatura chokes on)."""
    if "slow" in url:
        time.sleep(60)
    return page_main(body, url, content_type)


def test_page_over_the_parse_budget_keeps_its_summary(web, sqlite_url, monkeypatch, caplog):
    web.add("/slow", PAGE, headers=HTML)
    web.add("/page", PAGE, headers=HTML)
    engine = _archive(sqlite_url)
    settings = Settings(
        archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}), parse_timeout_s=3.0
    )
    monkeypatch.setattr(fulltext, "page_main", _slow_page_main)
    rows = [_summary_row(web, "/slow"), _summary_row(web, "/page")]

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pipeline.flows.fulltext"):
        assert enrich_fulltext(engine, rows, settings) == 1
    assert time.monotonic() - started < 20
    slow, page = rows
    assert slow.body_text == SUMMARY and slow.partial
    # The page queued behind the one that overran is extracted by the replaced worker.
    assert page.body_text.startswith("Fjalia numër 0") and not page.partial
    assert any("/slow not extracted" in r.getMessage() for r in caplog.records)
    engine.dispose()
