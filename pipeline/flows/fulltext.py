"""Full text for feeds that carry only a summary: fetch the article page, extract its main text.

Per outlet on or off (``outlets.fulltext`` in the registry). The steps: which rows are summaries
(pipeline.clean.fulltext), which outlets want their pages and what text is stored already
(pipeline.archive.articles), fetching the pages (pipeline.fetch.pages), and extracting each
page's main text inside the parse budget, with the extractor harvested pages go through
(pipeline.parse.pages), cleaned as feed HTML is.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from pipeline.archive.articles import fulltext_outlets, stored_bodies
from pipeline.clean.fulltext import (
    FulltextOptions,
    apply_page,
    apply_stored,
    needs_fulltext,
    page_main,
)
from pipeline.config import Settings
from pipeline.fetch.client import FetchResult
from pipeline.fetch.pages import fetch_pages
from pipeline.parse.budget import ParseBudget
from pipeline.parse.feeds import ParseError, PendingParse, start_in_budget
from pipeline.types import Article

log = logging.getLogger(__name__)

# The parse worker of article pages: apart from the lanes of feed captures, so that a page
# never waits behind (nor, overrunning, kills) a capture parsed ahead.
PAGE_LANE = -1


def _start_extraction(result: FetchResult, budget: ParseBudget) -> PendingParse | None:
    if not result.ok or not result.body:
        log.info("full text of %s not fetched: %s", result.url, result.error_class or result.status)
        return None
    content_type = result.headers.get("content-type")
    return start_in_budget(
        budget, page_main, result.body, result.final_url, content_type, lane=PAGE_LANE
    )


def _extracted(result: FetchResult, extraction: PendingParse | None):
    """The page's cleaned main text, or None (the row keeps its summary)."""
    if extraction is None:
        return None
    try:
        return extraction.result()
    except ParseError as exc:  # over the time or memory budget
        log.warning("full text of %s not extracted: %s", result.url, exc)
    except Exception as exc:  # noqa: BLE001 - a page that breaks the extractor keeps its summary
        log.warning("full text of %s not extracted: %r", result.url, exc)
    return None


def enrich_fulltext(
    engine: Engine, rows: list[Article], settings: Settings, options: FulltextOptions | None = None
) -> int:
    """Replace summary-only text with the page's main text, in place, for rows of outlets with
    full text on. Articles already stored keep the text fetched before.

    Returns how many of those rows are still without their full text (a page that failed, or
    more pages than one capture may fetch): the caller then leaves the feed's validators alone,
    so the next poll processes the same document again and retries them."""
    options = options or FulltextOptions()
    # The outlets are looked up only for summaries: most captures of full-text feeds have none.
    candidates = [r for r in rows if needs_fulltext(r, options)]
    if not candidates:
        return 0
    with engine.connect() as connection:
        outlets = fulltext_outlets(connection, {r.outlet_id for r in candidates})
        wanted = [r for r in candidates if r.outlet_id in outlets]
        if not wanted:
            return 0
        stored = stored_bodies(connection, [r.id for r in wanted])
    to_fetch = [row for row in wanted if not apply_stored(row, stored.get(row.id))]
    if not to_fetch:
        return 0
    fetching = to_fetch[: options.max_pages]
    results = fetch_pages([r.url for r in fetching], settings, workers=options.workers)
    budget = ParseBudget.from_settings(settings)
    # All started at once: the worker takes them in turn, each charged only for its own time.
    extractions = [_start_extraction(result, budget) for result in results]
    applied = 0
    for row, result, extraction in zip(fetching, results, extractions, strict=True):
        main = _extracted(result, extraction)
        if main is not None and apply_page(row, main):
            applied += 1
    return len(to_fetch) - applied
