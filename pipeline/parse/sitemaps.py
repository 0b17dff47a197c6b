"""Sitemaps and sitemap indexes, including Google News extensions (publication date, title).

Parsed with the standard library's expat after refusing any DOCTYPE, so no entity can expand
and no external resource is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

# Sitemaps list at most 50,000 URLs (sitemaps.org); anything beyond is not a sitemap.
MAX_URLS = 50_000
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


class SitemapError(ValueError):
    pass


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    published: datetime | None = None
    title: str | None = None
    language: str | None = None

    @property
    def when(self) -> datetime | None:
        return self.published or self.lastmod


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    entries: list[SitemapEntry]


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """W3C datetime (a subset of ISO 8601): a date, or a date and time with a zone."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    if _DOCTYPE.search(body[:4096]):
        raise SitemapError("sitemap with a DOCTYPE or entity declarations refused")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind not in {"urlset", "sitemapindex"}:
        raise SitemapError(f"root element <{kind}> is not a sitemap")
    entries: list[SitemapEntry] = []
    for element in root:
        if _local(element.tag) not in {"url", "sitemap"}:
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        entries.append(
            SitemapEntry(
                loc=loc,
                lastmod=parse_w3c_datetime(_child_text(element, "lastmod")),
                published=parse_w3c_datetime(_child_text(element, "publication_date")),
                title=_child_text(element, "title"),
                language=_child_text(element, "language"),
            )
        )
        if len(entries) >= MAX_URLS:
            break
    return Sitemap(is_index=kind == "sitemapindex", entries=entries)
