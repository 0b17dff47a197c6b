"""Full text for feeds that carry only a summary: which items need it, and an article page's
main text put in place of the summary. No I/O here: the flow (pipeline.flows.fulltext) looks up
the outlets and stored texts, the fetcher fetches the pages (pipeline.fetch.pages).

The page's main content comes from the one article-page extractor (pipeline.parse.pages, the
same that reads harvested pages) and then goes through the same cleaning and sanitising as feed
HTML, so a page cannot put anything into the archive a feed could not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.clean.html import CleanHtml, clean_html
from pipeline.parse.pages import page_entry
from pipeline.text.controls import truncate
from pipeline.types import Article

# Feeds that cut the text end it with an ellipsis or a "[...]" marker.
_CUT = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\[\s*more\s*\])\s*$", re.IGNORECASE)
_MAX_TEXT_CHARS = 500_000
_MAX_HTML_CHARS = 1_000_000


@dataclass(frozen=True)
class FulltextOptions:
    # A feed item below this many characters is a summary; news articles run 1,500 and more.
    min_chars: int = 600
    # Pages fetched per batch at most: a feed of 2,000 summaries must not stall the run.
    max_pages: int = 200
    # At most two requests per host at once (hostile-inputs.md reference figures).
    workers: int = 2


def needs_fulltext(row: Article, options: FulltextOptions) -> bool:
    text = row.body_text or ""
    return bool(row.url) and (len(text) < options.min_chars or bool(_CUT.search(text)))


def page_main(body: bytes, url: str, content_type: str | None) -> CleanHtml | None:
    """Main text of an article page, cleaned and sanitised; None when nothing is found.

    Runs in the parse worker (``pipeline.parse.feeds.start_in_budget``)."""
    entry = page_entry(body, url, content_type)
    if not entry.content_html:
        return None
    cleaned = clean_html(entry.content_html)
    return cleaned if cleaned.paragraphs else None


def apply_page(row: Article, main: CleanHtml) -> bool:
    """Put a page's main text in place of the row's summary, if it is longer; True if it was."""
    text = truncate(main.text, _MAX_TEXT_CHARS)
    if len(text) <= len(row.body_text or ""):
        return False
    row.summary = row.summary or row.body_text
    row.body_text = text
    row.body_html = main.html if 0 < len(main.html) <= _MAX_HTML_CHARS else None
    row.partial = False
    return True


def apply_stored(row: Article, stored: tuple[str | None, str | None] | None) -> bool:
    """Put the text stored before for the article (body_text, body_html) in place of the row's
    summary, if it is longer; True if it was (the page need not be fetched again)."""
    text, html = stored or (None, None)
    if not text or len(text) <= len(row.body_text or ""):
        return False
    row.summary = row.summary or row.body_text
    row.body_text, row.body_html = text, html
    row.partial = False
    return True
