"""Feed entries into article records: links, text, dates, language, keys. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from pipeline.clean.credits import metadata_source
from pipeline.clean.dates import from_struct, resolve_published, resolve_updated
from pipeline.clean.html import clean_html, html_to_text
from pipeline.clean.text import clean_line
from pipeline.dedup.keys import article_id, content_hash
from pipeline.dedup.urls import canonicalize_url
from pipeline.parse.feeds import Entry
from pipeline.text.controls import truncate
from pipeline.types import Article

# Per-field caps (docs/hostile-inputs.md case 22): a 14 MB description must not reach the archive whole.
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 5_000
MAX_TEXT_CHARS = 500_000
MAX_HTML_CHARS = 1_000_000
MAX_AUTHORS_CHARS = 1_000
MAX_URL_CHARS = 2_048


@dataclass(frozen=True)
class FeedContext:
    feed_id: int
    outlet_id: int
    feed_url: str
    language: str | None
    capture_id: int | None
    seen_at: datetime


@dataclass(frozen=True)
class Rejected:
    item_key: str
    reason: str
    detail: str
    excerpt: str


def _http_link(link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if len(link) > MAX_URL_CHARS or urlsplit(link).scheme.lower() not in {"http", "https"}:
        return None
    return link


def build_article(entry: Entry, ctx: FeedContext) -> Article | Rejected:
    """One article row (without language, dedup links) or the reason it cannot be stored."""
    link = _http_link(entry.orig_link) or _http_link(entry.link)
    canonical = canonicalize_url(link) if link else None
    guid = clean_line(entry.guid)[:MAX_URL_CHARS] or None
    title = truncate(
        clean_line(html_to_text(entry.title) if "<" in entry.title else entry.title),
        MAX_TITLE_CHARS,
    )
    main_html = entry.content_html or entry.summary_html
    cleaned = clean_html(main_html, item_url=link)
    text = truncate(cleaned.text, MAX_TEXT_CHARS)
    digest = content_hash(title, text)
    key = article_id(canonical_url=canonical, guid=guid, feed_url=ctx.feed_url, digest=digest)
    if not title and not text:
        return Rejected(
            key,
            "empty_item",
            "the item has neither a title nor text",
            (entry.link or entry.guid or "")[:500],
        )
    if not canonical and not guid and not text:
        return Rejected(key, "no_identity", "no http(s) link, no guid and no text", title[:500])
    summary = (
        truncate(html_to_text(entry.summary_html), MAX_SUMMARY_CHARS)
        if entry.content_html
        else None
    )
    body_html = cleaned.html
    date = resolve_published(
        from_struct(entry.published_struct), entry.published_raw, seen_at=ctx.seen_at
    )
    return Article(
        id=key,
        outlet_id=ctx.outlet_id,
        feed_id=ctx.feed_id,
        url=canonical,
        guid=guid,
        title=title or truncate(text.split("\n", 1)[0], 200),
        summary=summary or None,
        body_text=text or None,
        body_html=body_html if 0 < len(body_html) <= MAX_HTML_CHARS else None,
        section=truncate(clean_line(", ".join(entry.categories)), 500) or None,
        authors=truncate(clean_line(", ".join(entry.authors)), MAX_AUTHORS_CHARS) or None,
        published_at=date.value,
        published_raw=truncate(clean_line(date.raw), 200) or None,
        date_flag=date.flag,
        first_seen_at=ctx.seen_at,
        content_hash=digest,
        capture_id=ctx.capture_id,
        updated_at=resolve_updated(
            from_struct(entry.updated_struct), entry.updated_raw, seen_at=ctx.seen_at
        ),
        # Text from a summary only: it never replaces a fuller text of the same article
        # (pipeline.flows.load).
        partial=entry.content_html is None,
        # Credited by the item's metadata; a credit line in the text wins (pipeline.flows.load).
        syndicated_from=metadata_source(
            entry.authors, entry.categories, canonical, entry.source_name, ctx.feed_url
        ),
        # Paragraph -> its comparison text, for dedup and the search index.
        folded=dict(zip(cleaned.paragraphs, cleaned.folded, strict=True)),
    )
