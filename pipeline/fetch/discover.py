"""Feed autodiscovery from an outlet's homepage: ``<link rel="alternate">`` candidates.

Only ever run on request (``python -m pipeline discover URL``), when an outlet's listed feed
stops working: the candidates are printed for a person to choose from, never switched to
silently (docs/hostile-inputs.md case 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from pipeline.config import Settings
from pipeline.fetch.client import FetchOptions, fetch
from pipeline.parse.decode import decode_document
from pipeline.parse.feeds import safe_link

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
    "application/json": "json",
    "text/xml": "xml",
    "application/xml": "xml",
}
# A homepage with more alternate links than this is not listing feeds for readers.
MAX_CANDIDATES = 50


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: str
    title: str


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and len(self.links) < MAX_CANDIDATES * 4:
            self.links.append({k.lower(): (v or "") for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            # Alternate links belong in <head>; the body is not read.
            raise _StopParsing


class _StopParsing(Exception):
    pass


def candidates_from_html(html: str, base_url: str) -> list[Candidate]:
    collector = _LinkCollector()
    try:
        collector.feed(html)
        collector.close()
    except _StopParsing:
        pass
    found: dict[str, Candidate] = {}
    for link in collector.links:
        rels = link.get("rel", "").lower().split()
        kind = FEED_TYPES.get(link.get("type", "").split(";")[0].strip().lower())
        url = safe_link(link.get("href"), base_url)
        if "alternate" in rels and kind and url and url not in found:
            found[url] = Candidate(url, kind, " ".join(link.get("title", "").split())[:200])
    return list(found.values())[:MAX_CANDIDATES]


def discover_feeds(homepage: str, settings: Settings) -> tuple[list[Candidate], str | None]:
    """(candidates, error class): fetched with the same guards as feeds, page-sized cap."""
    result = fetch(homepage, options=FetchOptions.from_settings(settings, page=True))
    if result.error_class or not result.body:
        return [], result.error_class or "empty_body"
    text = decode_document(result.body, result.headers.get("content-type")).text
    return candidates_from_html(text, result.final_url), None
