"""JSON Feed 1.1 (and 1.0) read like RSS and Atom, behind the same guards."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from pipeline.parse.feeds import ParseError, parse_feed, parse_guarded

BASE = "https://vesti.example/feed.json"


def json_feed(base: str, **extra) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Izmišljeni \u0007list",
            "home_page_url": f"{base}/",
            "language": "sr-Latn",
            "authors": [{"name": "Redakcija"}],
            "items": [
                {
                    "id": "jf-1",
                    "url": "/vesti/most-na-savi",
                    "title": "Novi most na Savi otvoren za saobraćaj\u0000",
                    "content_html": "<p>Most povezuje dva naselja koja je reka delila zimi.</p>",
                    "date_published": "2026-12-01T08:30:00+01:00",
                    "tags": ["grad", "saobraćaj"],
                },
                {
                    "id": 2,
                    "url": "javascript:alert(1)",
                    "title": "Vest bez bezbedne veze",
                    "content_text": "Tekst ostaje, veza ne.\n\nDrugi pasus.",
                    "date_published": "2026-12-02T10:00:00Z",
                    "authors": [{"name": "Marija Petrović"}],
                },
            ],
            **extra,
        },
        ensure_ascii=False,
    )


def test_json_feed_fields_and_guards():
    parsed = parse_guarded(json_feed("https://vesti.example").encode(), BASE, None, 100)
    assert parsed.version == "json11"
    assert parsed.title == "Izmišljeni list"  # control character stripped
    assert parsed.language == "sr-Latn"
    first, second = parsed.entries
    assert first.link == "https://vesti.example/vesti/most-na-savi"  # resolved, absolute
    assert first.title == "Novi most na Savi otvoren za saobraćaj"
    assert first.authors == ["Redakcija"]  # the feed's authors, as the spec says
    assert first.categories == ["grad", "saobraćaj"]
    assert first.published_struct.tm_hour == 7  # 08:30+01:00 in UTC
    assert second.guid == "2" and second.link is None  # javascript: dropped
    assert second.content_html == "<p>Tekst ostaje, veza ne.</p><p>Drugi pasus.</p>"
    assert second.authors == ["Marija Petrović"]


def test_json_feed_item_cap_and_refusals():
    items = [{"id": str(i), "url": f"/v/{i}", "title": f"Vest {i}"} for i in range(50)]
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": items}).encode()
    capped = parse_guarded(body, BASE, None, 10)
    assert len(capped.entries) == 10 and capped.truncated == 40 and capped.version == "json1"

    with pytest.raises(ParseError) as not_a_feed:
        parse_guarded(b'{"hello": "world"}', BASE, None, 10)
    assert not_a_feed.value.error_class == "unsupported_format"
    with pytest.raises(ParseError) as broken:
        parse_guarded(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', BASE, None, 10)
    assert broken.value.error_class == "unsupported_format"
    with pytest.raises(ParseError) as deep:
        parse_feed(b"[" * 200_000, base_url=BASE)
    assert deep.value.error_class in {"parse_error", "unsupported_format"}


def test_json_feed_ingested(sqlite_url, web):
    url = web.add(
        "/feed.json",
        json_feed(web.base_url),
        headers={"Content-Type": "application/feed+json"},
    )
    summary = ingest_once(
        Settings(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint})), [url]
    )
    assert summary.failed == 0 and summary.new == 2
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT title, url, authors FROM v_articles ORDER BY title")
        ).all()
    engine.dispose()
    assert [r.title for r in rows] == [
        "Novi most na Savi otvoren za saobraćaj",
        "Vest bez bezbedne veze",
    ]
    assert rows[0].url == f"{web.base_url}/vesti/most-na-savi"
