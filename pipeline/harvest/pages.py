"""An article page into a feed-like entry: title, main content, publication time, authors."""

from __future__ import annotations

import json
import time

from bs4 import BeautifulSoup

from pipeline.harvest.sitemaps import SitemapEntry, parse_w3c_datetime
from pipeline.parse.feeds import Entry

# Site furniture that is never the article: navigation, sharing, related links, ads.
_FURNITURE = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
    "button", "svg",
)  # fmt: skip
_FURNITURE_CLASSES = ("share", "related", "ad", "ads", "breadcrumbs", "tags", "meta", "comments")


def decode_page(body: bytes, content_type: str | None) -> str:
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content"):
            return tag["content"].strip()
    return None


def _json_ld(soup: BeautifulSoup) -> dict:
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(tag.string or "")
        except ValueError:
            continue
        if isinstance(data, dict) and "headline" in data:
            return data
    return {}


def _main_html(soup: BeautifulSoup) -> str:
    for tag in soup.find_all(_FURNITURE):
        tag.decompose()
    for tag in soup.find_all(
        class_=lambda c: c and any(k in c.split() for k in _FURNITURE_CLASSES)
    ):
        tag.decompose()
    container = (
        soup.select_one(".entry-content")
        or soup.select_one("[itemprop=articleBody]")
        or soup.find("article")
        or soup.find("main")
        or soup.body
        or soup
    )
    for heading in container.find_all("h1"):
        heading.decompose()
    return str(container)


def page_entry(
    body: bytes, url: str, content_type: str | None, hint: SitemapEntry | None = None
) -> Entry:
    soup = BeautifulSoup(decode_page(body, content_type), "html.parser")
    ld = _json_ld(soup)
    canonical = soup.find("link", attrs={"rel": "canonical"})
    title = _meta(soup, "og:title") or ld.get("headline") or (hint.title if hint else None)
    if not title and soup.title and soup.title.string:
        title = soup.title.string
    published_raw = _meta(soup, "article:published_time") or ld.get("datePublished")
    published = parse_w3c_datetime(published_raw) or (hint.when if hint else None)
    author = ld.get("author", {}).get("name") if isinstance(ld.get("author"), dict) else None
    section = _meta(soup, "article:section")
    link = canonical["href"] if canonical and canonical.get("href") else url
    return Entry(
        guid=link,
        link=link,
        title=title or "",
        summary_html=_meta(soup, "og:description", "description"),
        content_html=_main_html(soup),
        authors=[author] if author else [],
        categories=[section] if section else [],
        published_raw=published_raw or (hint.when.isoformat() if hint and hint.when else None),
        published_struct=time.gmtime(published.timestamp()) if published else None,
    )
