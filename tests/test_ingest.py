"""The walking skeleton end to end: loopback feeds into the archive, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from tests.support.feeds import ATOM_SR, HTML_PAGE, RSS_SQ


def _serve_feeds(web) -> list[str]:
    base = web.base_url
    return [
        web.add(
            "/rss.xml",
            RSS_SQ.format(base=base),
            headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        ),
        web.add(
            "/atom.xml", ATOM_SR.format(base=base), headers={"Content-Type": "application/atom+xml"}
        ),
        web.add("/page.html", HTML_PAGE, headers={"Content-Type": "text/html"}),
        web.url("/missing.xml"),
    ]


def _settings(url: str, web) -> Settings:
    return Settings.from_env(archive_url=url, allowed_hosts=frozenset({web.endpoint}))


def _checksum(engine: sa.Engine) -> dict[str, str]:
    queries = {
        "articles": "SELECT * FROM articles ORDER BY id",
        "outlets": "SELECT * FROM outlets ORDER BY id",
        "feeds_identity": "SELECT id, outlet_id, url, language FROM feeds ORDER BY id",
        "capture_bodies": "SELECT sha256, size FROM capture_bodies ORDER BY sha256",
        "quarantine": "SELECT feed_id, item_key, reason FROM quarantine ORDER BY id",
    }
    with engine.connect() as connection:
        return {
            name: hashlib.sha256(repr(connection.exec_driver_sql(q).all()).encode()).hexdigest()
            for name, q in queries.items()
        }


def test_ingest_loads_articles_and_classifies_failures(archive_url, web):
    feeds = _serve_feeds(web)
    summary = ingest_once(_settings(archive_url, web), feeds)

    assert summary.feeds == 4
    assert summary.new == 5
    assert summary.errors_by_class == {"not_a_feed": 1, "http_404": 1}
    engine = sa.create_engine(archive_url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT outlet, url, title, body_text, section, authors, language, script "
            "FROM v_articles ORDER BY title"
        ).all()
        fetches = dict(
            connection.exec_driver_sql(
                "SELECT f.url, x.error_class FROM fetches x JOIN feeds f ON f.id = x.feed_id"
            ).all()
        )
    engine.dispose()
    by_title = {r.title: r for r in rows}
    budget = by_title["Komuna e Prizrenit miraton buxhetin për vitin e ardhshëm"]
    # Tracking parameters are gone from the canonical URL; the script tag from the text.
    assert budget.url == web.url("/lajme/buxheti-prizren")
    assert "alert" not in budget.body_text
    assert budget.body_text.startswith("Kuvendi komunal i Prizrenit miratoi")
    assert "\n\nPjesa më e madhe" in budget.body_text
    assert budget.section == "Kosova & Bota"
    assert budget.authors == "Arta Krasniqi"
    assert budget.language == "sq"
    # The javascript: link is not stored; the item is kept under its guid.
    unsafe = by_title["Lajm pa lidhje të vlefshme"]
    assert unsafe.url is None
    # Relative Atom links resolve against the feed's URL.
    market = by_title["Градско веће усвојило план за нову пијацу"]
    assert market.url == web.url("/vesti/nova-pijaca")
    assert market.authors == "Милош Јовановић"
    assert fetches[feeds[2]] == "not_a_feed"
    assert fetches[feeds[3]] == "http_404"
    assert fetches[feeds[0]] is None


def test_second_run_adds_no_row(archive_url, web):
    feeds = _serve_feeds(web)
    settings = _settings(archive_url, web)
    ingest_once(settings, feeds)
    engine = sa.create_engine(archive_url)
    before = _checksum(engine)

    again = ingest_once(settings, feeds)

    assert again.new == 0
    assert again.not_modified == 2  # the ETag round trip
    assert _checksum(engine) == before
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 5
        assert connection.exec_driver_sql("SELECT count(*) FROM fetches").scalar() == 8
    engine.dispose()


def test_unchanged_body_is_not_parsed_again(sqlite_url, web):
    # A server without validators: the body hash catches the repeat before parsing.
    url = web.add("/plain.xml", RSS_SQ.format(base=web.base_url), etag=False)
    settings = _settings(sqlite_url, web)
    ingest_once(settings, [url])
    again = ingest_once(settings, [url])
    assert again.unchanged == 1
    assert again.items_seen == 0
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM capture_bodies").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM captures").scalar() == 2
    engine.dispose()


def test_private_address_refused_without_opt_in(sqlite_url, web):
    url = web.add("/rss.xml", RSS_SQ.format(base=web.base_url))
    summary = ingest_once(Settings.from_env(archive_url=sqlite_url), [url])
    assert summary.errors_by_class == {"blocked_address": 1}
    assert web.hits == {}
