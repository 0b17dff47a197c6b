"""Parse feed documents with feedparser, always from bytes (never a URL or a path)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from time import struct_time

import feedparser

# Entries beyond this are dropped; hostile feeds list 100,000 items (hostile-inputs.md case 23).
DEFAULT_MAX_ITEMS = 2000


class ParseError(Exception):
    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(f"{error_class}: {message}")
        self.error_class = error_class
        self.message = message


@dataclass
class Entry:
    guid: str | None
    link: str | None
    title: str
    summary_html: str | None
    content_html: str | None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    published_raw: str | None = None
    published_struct: struct_time | None = None
    orig_link: str | None = None


@dataclass
class ParsedFeed:
    version: str
    title: str | None
    link: str | None
    language: str | None
    entries: list[Entry]
    bozo: bool = False
    bozo_reason: str | None = None
    truncated: int = 0


def _looks_like_html_page(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


def _entry(raw: feedparser.FeedParserDict) -> Entry:
    content = raw.get("content") or []
    content_html = "\n".join(c.get("value", "") for c in content) or None
    authors = [a.get("name", "") for a in raw.get("authors", []) if a.get("name")]
    if not authors and raw.get("author"):
        authors = [raw["author"]]
    published_raw = raw.get("published") or raw.get("updated") or raw.get("created")
    struct = raw.get("published_parsed") or raw.get("updated_parsed") or raw.get("created_parsed")
    return Entry(
        guid=raw.get("id") or None,
        link=raw.get("link") or None,
        title=raw.get("title", "") or "",
        summary_html=raw.get("summary") or None,
        content_html=content_html,
        authors=authors,
        categories=[t.get("term", "") for t in raw.get("tags", []) if t.get("term")],
        published_raw=published_raw,
        published_struct=struct,
        orig_link=raw.get("feedburner_origlink") or None,
    )


def parse_feed(
    body: bytes,
    *,
    base_url: str,
    content_type: str | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> ParsedFeed:
    """Parse ``body`` as RSS or Atom; relative links resolve against ``base_url``."""
    if not body or not body.strip():
        raise ParseError("empty_body", "the document is empty")
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        if _looks_like_html_page(body):
            raise ParseError("not_a_feed", "an HTML page where a feed was expected")
        if body.lstrip().startswith(b"{"):
            raise ParseError("unsupported_format", "JSON is not a supported feed format")
        reason = parsed.get("bozo_exception")
        raise ParseError("parse_error", f"not a parsable feed: {reason}")
    entries = [_entry(e) for e in parsed.entries[:max_items]]
    feed = parsed.get("feed", {})
    bozo_exc = parsed.get("bozo_exception")
    return ParsedFeed(
        version=version,
        title=feed.get("title"),
        link=feed.get("link"),
        language=feed.get("language"),
        entries=entries,
        bozo=bool(parsed.get("bozo")),
        bozo_reason=f"{type(bozo_exc).__name__}: {bozo_exc}" if bozo_exc else None,
        truncated=max(0, len(parsed.entries) - max_items),
    )
