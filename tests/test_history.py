"""History for a past window: harvesting archives, reprocessing captures, ledger, gaps, coverage."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from newsroom.catalog import CatalogOptions, build_catalog, expected_articles
from newsroom.server import NewsroomServer
from pipeline.archive.coverage import refresh_coverage
from pipeline.archive.db import engine_for
from pipeline.config import Settings
from pipeline.dedup.urls import canonicalize_url
from pipeline.flows.harvest import history_captures, site_root
from pipeline.flows.ingest import ingest_once, prepare, process_captures
from pipeline.flows.window import Window
from pipeline.parse.sitemaps import SitemapError, parse_sitemap

ANCHOR = datetime(2026, 3, 20, tzinfo=UTC)
HISTORY_OUTLETS = {
    "zeri-atlantik", "tirana-ditore", "beogradski-vesnik", "novosadski-dnevnik",
    "jadranski-list", "balkan-wire",
}  # fmt: skip


@pytest.fixture
def newsroom(tmp_path):
    # Live feeds list only the 3 latest items: the past is reachable only through archives.
    catalog = build_catalog(CatalogOptions(anchor=ANCHOR, live_items=3))
    server = NewsroomServer(catalog=catalog, clock=lambda: ANCHOR).start()
    server.write_registry(tmp_path / "newsroom.toml")
    yield server, catalog
    server.stop()


def _settings(url: str, server: NewsroomServer) -> Settings:
    return Settings.from_env(
        archive_url=url,
        sources=str(server.registry_file),
        allowed_hosts=frozenset({server.base_url.removeprefix("http://")}),
    )


def _expected_urls(catalog, base: str, days: set[date]) -> set[str]:
    return {
        canonicalize_url(e.url)
        for e in expected_articles(catalog, base)
        if e.outlet in HISTORY_OUTLETS and e.published_at.date() in days
    }


def _checksum(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id, url, title, body_text, published_at, language, story_id, duplicate_of "
            "FROM articles ORDER BY id"
        ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _history(engine, settings, day: date):
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    window = Window(start, start + timedelta(days=1), "history")
    found = history_captures(engine, window, settings, run_id="test")
    processed = process_captures(engine, found.capture_ids, settings)
    refresh_coverage(engine, window.days)
    return found, processed


def test_harvest_recovers_exactly_the_days_articles_once(archive_url, newsroom):
    server, catalog = newsroom
    settings = _settings(archive_url, server)
    engine, _ = prepare(settings)
    days = sorted({e.published_at.date() for e in expected_articles(catalog)})
    busy = [d for d in days if len(_expected_urls(catalog, server.base_url, {d})) >= 2][:2]
    assert len(busy) == 2

    for day in busy:
        _history(engine, settings, day)

    with engine.connect() as connection:
        urls = [r[0] for r in connection.exec_driver_sql("SELECT url FROM v_articles")]
        ledger = connection.exec_driver_sql(
            "SELECT method, status FROM harvests ORDER BY method"
        ).all()
        coverage = connection.exec_driver_sql("SELECT sum(articles) FROM coverage_daily").scalar()
    assert sorted(urls) == sorted(_expected_urls(catalog, server.base_url, set(busy)))
    assert len(urls) == len(set(urls))
    assert {m for m, _ in ledger} == {"wp-date-archive", "news-sitemap"}
    assert coverage == len(urls)


def test_second_history_run_reprocesses_and_changes_nothing(sqlite_url, newsroom):
    server, catalog = newsroom
    settings = _settings(sqlite_url, server)
    engine, _ = prepare(settings)
    day = (ANCHOR - timedelta(days=2)).date()
    first, _ = _history(engine, settings, day)
    before = _checksum(engine)
    fetches_before = _count(engine, "fetches")

    second, processed = _history(engine, settings, day)

    assert first.harvested_days > 0 and second.harvested_days == 0
    # The second run reprocessed what the first captured instead of fetching again.
    assert second.reprocessed == len(first.capture_ids)
    assert processed.counts.new == 0
    assert _count(engine, "fetches") == fetches_before
    assert _checksum(engine) == before


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def test_window_reprocess_of_live_captures_is_idempotent(archive_url, newsroom):
    server, _catalog = newsroom
    settings = _settings(archive_url, server)
    ingest_once(settings)
    engine = engine_for(archive_url)
    before = _checksum(engine)
    now = datetime.now(UTC)
    window = Window(now - timedelta(hours=1), now + timedelta(minutes=1), "history")

    found = history_captures(engine, window, settings)
    processed = process_captures(engine, found.capture_ids, settings)

    assert found.reprocessed > 0 and processed.counts.seen > 0
    assert processed.counts.new == 0
    assert _checksum(engine) == before


def test_all_new_poll_after_an_earlier_one_marks_a_gap(sqlite_url, web):
    from tests.support.feeds import RSS_SQ

    first = RSS_SQ.format(base=web.base_url)
    url = web.add("/rss.xml", first, etag=False)
    settings = Settings.from_env(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))
    ingest_once(settings, [url])
    # Every item replaced between two polls: the feed rolled over more than it lists.
    web.add(
        "/rss.xml", first.replace("/lajme/", "/te-reja/").replace("lugina-", "lugina-x"), etag=False
    )
    ingest_once(settings, [url])

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as connection:
        gaps = connection.exec_driver_sql("SELECT reason FROM coverage_gaps").all()
    engine.dispose()
    assert [g[0] for g in gaps] == ["all_items_new"]


def test_sitemap_parser_refuses_entities_and_reads_news_fields():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://example.org/a</loc><lastmod>2026-03-02</lastmod>
    <news:news><news:publication_date>2026-03-01T10:00:00+01:00</news:publication_date>
    <news:title>Naslov</news:title><news:language>bs</news:language></news:news></url>
</urlset>"""
    sitemap = parse_sitemap(body)
    assert not sitemap.is_index
    (entry,) = sitemap.entries
    assert entry.when == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert (entry.title, entry.language) == ("Naslov", "bs")
    with pytest.raises(SitemapError):
        parse_sitemap(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><urlset/>')


def test_site_root_of_wordpress_feeds():
    assert site_root("https://example.org/feed/") == "https://example.org/"
    assert site_root("https://example.org/news/feed/?paged=2") == "https://example.org/news/"


def test_maintenance_harvests_gap_days_and_marks_them(sqlite_url, newsroom):
    from pipeline.flows.maintenance import harvest_gaps

    server, catalog = newsroom
    settings = _settings(sqlite_url, server)
    engine, _ = prepare(settings)
    day = (ANCHOR - timedelta(days=3)).date()
    with engine.begin() as connection:
        feed_id = connection.exec_driver_sql(
            "SELECT f.id FROM feeds f JOIN outlets o ON o.id = f.outlet_id "
            "WHERE o.slug = 'tirana-ditore' ORDER BY f.id LIMIT 1"
        ).scalar()
        connection.exec_driver_sql(
            "INSERT INTO coverage_gaps (feed_id, day, reason, detected_at) "
            f"VALUES ({feed_id}, '{day.isoformat()}', 'all_items_new', '2026-03-17 10:00:00')"
        )

    result = harvest_gaps(engine, settings)

    assert (result.gaps, result.harvested) == (1, 1)
    expected = {
        canonicalize_url(e.url)
        for e in expected_articles(catalog, server.base_url)
        if e.outlet == "tirana-ditore" and e.published_at.date() == day
    }
    with engine.connect() as connection:
        urls = {r[0] for r in connection.exec_driver_sql("SELECT url FROM v_articles")}
        left = connection.exec_driver_sql(
            "SELECT count(*) FROM coverage_gaps WHERE harvested_at IS NULL"
        ).scalar()
    assert expected and expected <= urls
    assert left == 0
    assert harvest_gaps(engine, settings).gaps == 0


def test_prune_drops_old_captures_and_orphan_bodies_only(sqlite_url, web):
    from pipeline.flows.maintenance import prune_captures
    from tests.support.feeds import RSS_SQ

    url = web.add("/rss.xml", RSS_SQ.format(base=web.base_url), etag=False)
    settings = Settings.from_env(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))
    ingest_once(settings, [url])
    engine = engine_for(sqlite_url)

    assert prune_captures(engine, older_than=timedelta(days=1)) == 0
    removed = prune_captures(
        engine, older_than=timedelta(0), now=datetime.now(UTC) + timedelta(seconds=1)
    )

    assert removed == 1
    assert _count(engine, "captures") == 0
    assert _count(engine, "capture_bodies") == 0
    assert _count(engine, "articles") == 3  # articles outlive their raw captures
