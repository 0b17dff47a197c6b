"""Feeds, settings and archive checks shared by the hostile-input tests (texts invented here)."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from html import escape

import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.flows.ingest import RunSummary, ingest_once

GOOD_TITLES = ("Tregu i fshatit rihapet pas rindërtimit", "Nova biblioteka otvorena u Šapcu")


def item(
    title: str,
    link: str | None = None,
    *,
    guid: str | None = None,
    description: str = "Kratak opis vesti za test.",
    pub_date: str | None = "Wed, 25 Nov 2026 10:00:00 +0100",
    raw_description: bool = False,
) -> str:
    parts = [f"<title>{escape(title, quote=False)}</title>"]
    if link is not None:
        parts.append(f"<link>{escape(link, quote=False)}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(guid, quote=False)}</guid>')
    if pub_date is not None:
        parts.append(f"<pubDate>{pub_date}</pubDate>")
    body = description if raw_description else escape(description, quote=False)
    parts.append(f"<description>{body}</description>")
    return "<item>" + "".join(parts) + "</item>"


def rss(items: list[str] | str, *, title: str = "Test vesti", encoding: str = "UTF-8") -> str:
    body = "".join(items) if isinstance(items, list) else items
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>{body}</channel></rss>"
    )


def good_feed(base: str) -> str:
    return rss(
        [
            item(GOOD_TITLES[0], f"{base}/lajme/tregu", guid="good-1",
                 description="Tregu i fshatit u rihap të shtunën me tezga të reja."),
            item(GOOD_TITLES[1], f"{base}/vesti/biblioteka", guid="good-2",
                 description="Gradska biblioteka dobila je novu zgradu sa čitaonicom."),
        ]
    )  # fmt: skip


def settings(db_url: str, *servers, **overrides) -> Settings:
    endpoints = frozenset(s.endpoint for s in servers)
    values = {"per_host_spacing_s": 0.0, "deadline_s": 5.0, "connect_timeout_s": 2.0}
    values.update(overrides)
    return Settings.from_env(archive_url=db_url, allowed_hosts=endpoints, **values)


@contextmanager
def bounded(seconds: float):
    """Fails when the block takes longer than ``seconds`` (a generous bound against hangs)."""
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s, bound {seconds} s"


def run(db_url: str, urls: list[str], *servers, **overrides) -> RunSummary:
    return ingest_once(settings(db_url, *servers, **overrides), urls)


def query(db_url: str, sql: str, **params) -> list:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()


def fetch_errors(db_url: str) -> dict[str, str | None]:
    """Feed URL -> error class of its latest fetch."""
    rows = query(
        db_url,
        "SELECT f.url, x.error_class FROM fetches x JOIN feeds f ON f.id = x.feed_id ORDER BY x.id",
    )
    return {url: error for url, error in rows}


def titles(db_url: str) -> set[str]:
    return {row[0] for row in query(db_url, "SELECT title FROM articles")}


_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff]"
)


def assert_archive_clean(db_url: str) -> None:
    """Nothing stored that should not be: controls, bidi, javascript: links, scripts."""
    rows = query(
        db_url,
        "SELECT url, guid, title, summary, body_text, body_html, section, authors, published_raw "
        "FROM articles",
    )
    for row in rows:
        for value in row:
            if value is None:
                continue
            assert not _CONTROL.search(value), f"control character stored: {value[:80]!r}"
            assert "javascript:" not in value.lower(), f"javascript: stored: {value[:80]!r}"
        url, body_html = row[0], row[5]
        assert url is None or url.startswith(("http://", "https://"))
        if body_html:
            lowered = body_html.lower()
            for bad in ("<script", "onerror", "<iframe", "<style", "onload"):
                assert bad not in lowered, f"{bad} stored in body_html"


def assert_good_loaded(db_url: str) -> None:
    assert set(GOOD_TITLES) <= titles(db_url)
