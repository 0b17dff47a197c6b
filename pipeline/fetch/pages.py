"""Fetching article pages (the full text of summary-only feed items): through the hardened
fetcher (deadline, page byte cap, network guard, politeness), two at a time. Nothing is parsed
here; the pages' bytes go to the parse budget (pipeline.parse.pages)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pipeline.config import Settings
from pipeline.fetch.client import FetchOptions, FetchResult, fetch

# At most two requests per host at once (hostile-inputs.md reference figures).
PAGE_WORKERS = 2


def fetch_pages(
    urls: list[str], settings: Settings, workers: int = PAGE_WORKERS
) -> list[FetchResult]:
    """One FetchResult per URL, in order; failures are results too (``ok`` false), never raised."""
    if not urls:
        return []
    options = FetchOptions.from_settings(settings, page=True)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda url: fetch(url, options=options), urls))
