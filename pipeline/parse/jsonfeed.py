"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into feedparser's shape.

The result has the keys ``feeds._parsed_feed`` reads from feedparser, so a JSON Feed goes
through the same caps as RSS and Atom there: the item cap, per-field caps, control characters
stripped and only http(s) links resolved against the final URL. Values of the wrong JSON type
are ignored rather than trusted (a title that is a list is no title).
"""

from __future__ import annotations

import html
import json
from typing import Any

VERSION_PREFIX = "https://jsonfeed.org/version/"


class NotJsonFeed(ValueError):
    pass


def looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _authors(item: dict, feed_authors: list[dict]) -> list[dict]:
    authors = item.get("authors")
    if not isinstance(authors, list):
        single = item.get("author")  # JSON Feed 1.0
        authors = [single] if isinstance(single, dict) else feed_authors
    return [{"name": a["name"]} for a in authors if isinstance(a, dict) and _string(a.get("name"))]


def _date(text: str | None):
    if not text:
        return None
    from feedparser.datetimes import _parse_date

    return _parse_date(text)


def _entry(item: dict, feed_authors: list[dict]) -> dict:
    entry: dict[str, Any] = {}
    if item.get("id") is not None and isinstance(item["id"], str | int | float):
        entry["id"] = str(item["id"])
    for key, target in (("url", "link"), ("title", "title"), ("summary", "summary")):
        if _string(item.get(key)):
            entry[target] = item[key]
    body = _string(item.get("content_html"))
    if body is None and _string(item.get("content_text")):
        body = "<p>" + html.escape(item["content_text"]).replace("\n\n", "</p><p>") + "</p>"
    if body is not None:
        entry["content"] = [{"value": body, "type": "text/html"}]
    authors = _authors(item, feed_authors)
    if authors:
        entry["authors"] = authors
        entry["author"] = authors[0]["name"]
    tags = item.get("tags")
    if isinstance(tags, list):
        entry["tags"] = [{"term": t} for t in tags if _string(t)]
    for key, target in (("date_published", "published"), ("date_modified", "updated")):
        value = _string(item.get(key))
        if value:
            entry[target] = value
            entry[f"{target}_parsed"] = _date(value)
    if _string(item.get("external_url")) and "link" not in entry:
        entry["link"] = item["external_url"]
    return entry


def parse_json_feed(text: str, max_items: int) -> tuple[dict, int]:
    """feedparser's result shape for a JSON Feed document, with its first ``max_items`` items,
    and the number of items dropped; raises NotJsonFeed for anything else."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotJsonFeed(f"JSON that does not parse: {exc}") from None
    if not isinstance(data, dict):
        raise NotJsonFeed("JSON that is not a JSON Feed (no top-level object)")
    version = data.get("version")
    if not (isinstance(version, str) and version.startswith(VERSION_PREFIX)):
        raise NotJsonFeed("JSON that is not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotJsonFeed("a JSON Feed without an items list")
    feed_authors = _authors(data, [])
    feed: dict[str, Any] = {}
    for key, target in (("title", "title"), ("home_page_url", "link"), ("language", "language")):
        if _string(data.get(key)):
            feed[target] = data[key]
    number = version.removeprefix(VERSION_PREFIX).replace(".", "")[:4]
    kept = [item for item in items[:max_items] if isinstance(item, dict)]
    result = {
        "version": f"json{number}",
        "bozo": False,
        "feed": feed,
        "entries": [_entry(item, feed_authors) for item in kept],
    }
    return result, max(0, len(items) - max_items)
