"""Article versions: an outlet edits a published article between two polls of a loopback feed.

The feed (invented Atom, one outlet) changes from poll to poll: the headline and a number are
corrected, a paragraph is added, a correction line appended; then only whitespace, markup and a
tracking parameter change, which is no new version. Reprocessing the captures rebuilds the same
versions, twice over nothing is added, and two overlapping runs store one version, not two.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.types import UTCDateTime
from pipeline.clean.changes import FIRST, summarise_change, version_hash
from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once, process_captures
from pipeline.flows.load import load_articles
from pipeline.flows.versions import MAX_VERSIONS

FEED = "/vijesti.xml"
PATH = "/vijesti/most"

P1 = "Gradsko vijeće u Mostaru usvojilo je u srijedu plan obnove starog mosta preko rijeke."
P2 = "Radovi bi trebali koštati 12 miliona maraka i trajati dvije godine."
P2_FIXED = "Radovi bi trebali koštati 15 miliona maraka i trajati dvije godine."
P3 = "Izvođač će biti izabran na javnom tenderu koji se raspisuje sljedećeg mjeseca."
NOTE = "Ispravka: u ranijoj verziji teksta pogrešno je navedeno ime izvođača."

VERSIONS = [
    ("Mostar usvaja plan obnove mosta", [P1, P2], "2026-11-25T09:00:00Z"),
    ("Mostar usvojio plan obnove mosta vrijedan 15 miliona", [P1, P2_FIXED], "2026-11-25T10:00:00Z"),
    ("Mostar usvojio plan obnove mosta vrijedan 15 miliona", [P1, P2_FIXED, P3], "2026-11-25T11:00:00Z"),
    ("Mostar usvojio plan obnove mosta vrijedan 15 miliona", [P1, P2_FIXED, P3, NOTE], "2026-11-25T12:00:00Z"),
]  # fmt: skip


def _atom(base: str, title: str, paragraphs: list[str], updated: str, *, noisy=False) -> str:
    if noisy:  # the same text: other whitespace, markup and a tracking parameter
        body = "".join(f"<p>  <span>{p.replace(' ', '  ')}</span>\n</p>" for p in paragraphs)
        link = f"{base}{PATH}?utm_source=rss&amp;utm_medium=feed"
    else:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        link = f"{base}{PATH}"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="bs"><title>Vijesti</title>
<id>{base}/</id><updated>{updated}</updated><link href="{base}/"/>
<entry><title>{title}</title><link href="{link}"/><id>{base}{PATH}</id>
<published>2026-11-25T08:30:00Z</published><updated>{updated}</updated>
<content type="html"><![CDATA[{body}]]></content></entry>
<entry><title>Bez datuma: sajam knjiga u Tuzli</title><link href="{base}/vijesti/sajam"/>
<id>{base}/vijesti/sajam</id><content type="html"><![CDATA[<p>Sajam knjiga u Tuzli otvara se u petak i traje do nedjelje.</p>]]></content></entry>
</feed>"""


def _registry(web, tmp_path) -> Settings:
    registry = tmp_path / "outlets.toml"
    registry.write_text(
        f"""[[outlet]]
slug = "vijesti"
name = "Vijesti"
homepage = "{web.base_url}/"
country = "BA"
languages = ["bs"]
feeds = [{{ url = "{web.base_url}{FEED}", language = "bs" }}]
""",
        encoding="utf-8",
    )
    return registry


def _serve(web, index: int, *, noisy: bool = False) -> None:
    title, paragraphs, updated = VERSIONS[index]
    web.add(
        FEED,
        _atom(web.base_url, title, paragraphs, updated, noisy=noisy),
        headers={"Content-Type": "application/atom+xml; charset=utf-8"},
    )


def _versions(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT a.url, v.version, v.title, v.body_text, v.change FROM v_article_versions v "
                "JOIN v_articles a ON a.article_id = v.article_id "
                "WHERE a.url LIKE '%/vijesti/most' ORDER BY v.version"
            )
        ).all()


def _article(engine: sa.Engine) -> sa.Row:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT article_id, title, body_text, versions, last_changed_at, updated_at, "
                "date_flag, published_at FROM v_articles WHERE url LIKE '%/vijesti/most'"
            )
        ).one()


def _ingest_all(archive_url, web, tmp_path) -> tuple[Settings, sa.Engine]:
    settings = Settings.from_env(
        archive_url=archive_url,
        sources=str(_registry(web, tmp_path)),
        allowed_hosts=frozenset({web.endpoint}),
    )
    for index in range(len(VERSIONS)):
        _serve(web, index)
        ingest_once(settings)
    # Whitespace, markup and a tracking parameter only: a new document, no new version.
    _serve(web, len(VERSIONS) - 1, noisy=True)
    ingest_once(settings)
    return settings, make_engine(archive_url)


def _captures(engine: sa.Engine) -> list[int]:
    with engine.connect() as connection:
        return [r[0] for r in connection.exec_driver_sql("SELECT id FROM captures ORDER BY id")]


def test_each_substantive_edit_is_a_version(archive_url, web, tmp_path):
    settings, engine = _ingest_all(archive_url, web, tmp_path)
    try:
        assert len(_captures(engine)) == 5  # every document differed, the last by noise only
        versions = _versions(engine)
        assert [v[1] for v in versions] == [1, 2, 3, 4]
        assert [v[4] for v in versions] == [
            FIRST,
            "title changed; 1 paragraph edited; numbers 12 -> 15",
            "1 paragraph added",
            "1 paragraph added (correction)",
        ]
        assert versions[0][3] == f"{P1}\n\n{P2}" and versions[0][2] == VERSIONS[0][0]
        article = _article(engine)
        assert article.title == VERSIONS[3][0] and article.body_text == versions[3][3]
        assert article.versions == 4
        assert article.last_changed_at is not None
        assert str(article.updated_at).startswith("2026-11-25 12:00:00")
        with engine.connect() as connection:
            undated = connection.execute(
                sa.text(
                    "SELECT date_flag, published_at, first_seen_at, versions, last_changed_at "
                    "FROM v_articles WHERE url LIKE '%/vijesti/sajam'"
                )
            ).one()
        assert undated.date_flag == "missing" and undated.published_at == undated.first_seen_at
        assert undated.versions == 1 and undated.last_changed_at is None
    finally:
        engine.dispose()


@pytest.mark.slow
def test_reprocessing_rebuilds_versions_and_adds_nothing_twice(archive_url, web, tmp_path):
    settings, engine = _ingest_all(archive_url, web, tmp_path)
    try:
        before = _versions(engine)
        captures = _captures(engine)
        # An old capture reprocessed alone leaves the newest text in place.
        process_captures(engine, captures[:1], settings)
        assert _article(engine).title == VERSIONS[3][0]
        assert _article(engine).body_text == before[-1][3]
        # The history lost (as in an archive older than migration 0009): rebuilt from captures.
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM article_versions")
        process_captures(engine, captures, settings)
        assert _versions(engine) == before
        process_captures(engine, captures, settings)
        assert _versions(engine) == before
        assert _article(engine).versions == 4
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_overlapping_runs_store_one_version(pg_url, web, tmp_path):
    settings, engine = _ingest_all(pg_url, web, tmp_path)
    try:
        before = _versions(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "DELETE FROM article_versions WHERE seen_at > "
                "(SELECT MIN(seen_at) FROM article_versions v2 "
                " WHERE v2.article_id = article_versions.article_id)"
            )
        assert len(_versions(engine)) == 1
        captures = _captures(engine)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def task() -> None:
            own = make_engine(pg_url)
            try:
                barrier.wait(timeout=60)
                process_captures(own, captures, settings)
            except BaseException as exc:  # noqa: BLE001 - the test inspects it
                errors.append(exc)
            finally:
                own.dispose()

        runs = [threading.Thread(target=task) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=180)
        assert not errors, errors
        assert _versions(engine) == before
    finally:
        engine.dispose()


def _ticker_row(n: int, seen: datetime):
    from pipeline.flows.article_row import FeedContext, build_article
    from pipeline.parse.feeds import Entry

    entry = Entry(
        guid="ticker-1",
        link="http://ticker.example/uzivo",
        title="Uživo: izbori u Sarajevu",
        summary_html=None,
        content_html=f"<p>Prebrojano je {n} glasačkih mjesta.</p><p>Izlaznost je bila visoka.</p>",
    )
    ctx = FeedContext(1, 1, "http://ticker.example/feed", "bs", None, seen)
    return build_article(entry, ctx)


def _small_archive(url: str) -> sa.Engine:
    from pipeline.archive.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO outlets (id, slug, name, homepage, country, languages, scripts, "
            "fulltext, history, sitemaps) VALUES (1, 'tik', 'Tik', 'http://ticker.example/', "
            "'BA', 'bs', '', false, '', '')"
        )
        connection.exec_driver_sql(
            "INSERT INTO feeds (id, outlet_id, url, kind, verified, active, state, "
            "failure_score, consecutive_failures) VALUES "
            "(1, 1, 'http://ticker.example/feed', 'rss', false, true, 'ok', 0, 0)"
        )
    return engine


def test_the_modified_time_never_goes_back(archive_url):
    engine = _small_archive(archive_url)
    seen = datetime(2026, 11, 25, 8, tzinfo=UTC)
    later = seen + timedelta(hours=2)
    for updated, sighted in ((later, seen), (None, seen + timedelta(hours=3)), (seen, seen)):
        row = _ticker_row(1, sighted)
        row.updated_at = updated
        with engine.begin() as connection:
            load_articles(connection, [row])
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT updated_at FROM v_articles").columns(updated_at=UTCDateTime())
            ).scalar()
        assert stored == later
    engine.dispose()


@pytest.mark.slow
def test_a_ticker_keeps_the_first_and_the_newest_versions(sqlite_url):
    engine = _small_archive(sqlite_url)
    start = datetime(2026, 11, 25, 8, tzinfo=UTC)
    edits = 1000
    for n in range(edits):
        with engine.begin() as connection:
            load_articles(connection, [_ticker_row(n, start + timedelta(minutes=n))])
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT version, body_text FROM v_article_versions ORDER BY version"
        ).all()
        article = connection.exec_driver_sql("SELECT body_text, versions FROM v_articles").one()
    assert len(rows) == MAX_VERSIONS == article.versions
    assert "Prebrojano je 0 " in rows[0][1]  # the first sighting stays
    assert f"Prebrojano je {edits - 1} " in rows[-1][1] == article.body_text
    assert f"Prebrojano je {edits - MAX_VERSIONS + 1} " in rows[1][1]
    engine.dispose()


def test_history_command_shows_versions_and_diff(sqlite_url, web, tmp_path, capsys):
    from pipeline.cli import main

    _settings, engine = _ingest_all(sqlite_url, web, tmp_path)
    engine.dispose()
    url = f"{web.base_url}{PATH}?utm_source=x"
    assert main(["history", url, "--db", sqlite_url]) == 0
    shown = capsys.readouterr().out
    assert "4 version(s)" in shown and "version 4" in shown
    assert f"+{NOTE}" in shown and f"-{P2}" in shown and f"+{P2_FIXED}" in shown
    assert main(["history", url, "--db", sqlite_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in data["versions"]] == [1, 2, 3, 4]
    assert data["versions"][0]["diff"] == [] and f"+{P3}" in data["versions"][2]["diff"]
    assert main(["history", "no-such-article", "--db", sqlite_url]) == 1
    error = capsys.readouterr().err
    assert error.strip() == "error: no article with the id 'no-such-article'"
    missing = tmp_path / "missing.sqlite"
    assert main(["history", "abc", "--db", f"sqlite:///{missing}"]) == 4
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "python -m pipeline migrate" in error
    assert not missing.exists()  # a query command never creates an archive
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    assert main(["history", "abc", "--db", f"sqlite:///{empty}"]) == 3
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "python -m pipeline migrate" in error


def test_change_summaries():
    assert summarise_change(None, ("T", "a")) == FIRST
    assert summarise_change(("T", "a\n\nb"), ("T", "a")) == "1 paragraph removed"
    assert summarise_change(("T", "a"), ("U", "a")) == "title changed"
    assert (
        summarise_change(("T", "Dva 2 i 3."), ("T", "Dva 2 i 4.\n\nNovo."))
        == "1 paragraph added; 1 paragraph edited; numbers 3 -> 4"
    )
    assert version_hash("T", "a") != version_hash("T a", "") and len(version_hash("", None)) == 64


def test_updated_time_fast_path_matches_feedparser_and_pages_give_it():
    from pipeline.parse.fast import parse_fast
    from pipeline.parse.feeds import _feedparser
    from pipeline.parse.pages import page_entry

    doc = _atom("http://x.example", "T", [P1], "2026-11-25T12:00:00+01:00").encode()
    fast = parse_fast(doc, "http://x.example/feed")
    slow = _feedparser(doc, "http://x.example/feed")
    assert fast is not None
    assert fast["entries"][0]["updated_parsed"] == slow["entries"][0]["updated_parsed"]
    rss = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/">'
        b"<channel><title>t</title><link>http://x.example/</link><item><title>a</title>"
        b"<link>http://x.example/a</link><pubDate>Wed, 25 Nov 2026 09:00:00 +0000</pubDate>"
        b"<dcterms:modified>2026-11-25T11:00:00Z</dcterms:modified></item></channel></rss>"
    )
    fast, slow = parse_fast(rss, "http://x.example/"), _feedparser(rss, "http://x.example/")
    assert fast is not None
    assert fast["entries"][0]["updated_parsed"] == slow["entries"][0]["updated_parsed"]
    page = (
        '<html><head><meta property="article:published_time" content="2026-11-25T08:00:00Z">'
        '<meta property="article:modified_time" content="2026-11-25T10:30:00+01:00">'
        "<title>Naslov</title></head><body><article><p>Tekst članka.</p></article></body></html>"
    ).encode()
    entry = page_entry(page, "http://x.example/a", "text/html")
    assert entry.updated_raw == "2026-11-25T10:30:00+01:00"
    assert tuple(entry.updated_struct)[:5] == (2026, 11, 25, 9, 30)


def test_updated_time_is_sanity_checked():
    from pipeline.clean.dates import resolve_updated

    seen = datetime(2026, 11, 25, tzinfo=UTC)
    assert resolve_updated(None, "2026-11-24 10:00", seen_at=seen) is not None
    assert resolve_updated(seen + timedelta(days=3), None, seen_at=seen) is None  # future
    assert resolve_updated(None, "sutra", seen_at=seen) is None
    assert resolve_updated(None, None, seen_at=seen) is None


@pytest.mark.postgres
def test_analyst_role_reads_the_versions(pg_url, web, tmp_path):
    from pipeline.archive.analyst_role import create_analyst_role

    _settings, engine = _ingest_all(pg_url, web, tmp_path)
    role = f"analyst_{uuid.uuid4().hex[:10]}"
    analyst = None
    try:
        with engine.begin() as connection:
            create_analyst_role(connection, role, "s3cret-test")
        analyst = sa.create_engine(
            sa.make_url(pg_url).set(username=role, password="s3cret-test"),
            poolclass=sa.NullPool,
        )
        with analyst.connect() as connection:
            count = connection.exec_driver_sql("SELECT COUNT(*) FROM v_article_versions").scalar()
            flags = connection.exec_driver_sql(
                "SELECT date_flag, versions FROM v_articles ORDER BY versions"
            ).all()
        assert count == 5 and [tuple(f) for f in flags] == [("missing", 1), (None, 4)]
    finally:
        if analyst is not None:
            analyst.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
        engine.dispose()


def test_export_carries_the_new_columns(sqlite_url, web, tmp_path):
    from pipeline.flows.export import COLUMNS

    _settings, engine = _ingest_all(sqlite_url, web, tmp_path)
    with engine.connect() as connection:
        view = list(connection.exec_driver_sql("SELECT * FROM v_articles LIMIT 1").keys())
    engine.dispose()
    assert tuple(view) == COLUMNS
    assert {"date_flag", "updated_at", "versions", "last_changed_at"} <= set(COLUMNS)


def test_migration_backfills_versions_and_goes_down_and_up(archive_url):
    from pipeline.archive.migrate import downgrade, upgrade

    engine = make_engine(archive_url)
    upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO outlets (id, slug, name, homepage, country, languages, scripts, "
            "fulltext, history, sitemaps) VALUES (1, 'o', 'O', 'http://o.example/', 'BA', "
            "'bs', '', false, '', '')"
        )
        connection.exec_driver_sql(
            "INSERT INTO feeds (id, outlet_id, url, kind, verified, active, state, "
            "failure_score, consecutive_failures) VALUES "
            "(1, 1, 'http://o.example/feed', 'rss', false, true, 'ok', 0, 0)"
        )
        connection.execute(
            sa.text(
                "INSERT INTO articles (id, outlet_id, feed_id, url, title, body_text, "
                "published_at, first_seen_at, content_hash) VALUES ('a1', 1, 1, "
                "'http://o.example/a', :title, :body, :seen, :seen, 'h')"
            ).bindparams(sa.bindparam("seen", type_=UTCDateTime())),
            {
                "title": "Naslov č",
                "body": f"{P1}\n\n{P2}",
                "seen": datetime(2026, 11, 25, 8, tzinfo=UTC),
            },
        )
    for _ in range(2):
        upgrade(engine, "0009")
        with engine.connect() as connection:
            stored = connection.exec_driver_sql(
                "SELECT text_hash, change FROM article_versions"
            ).all()
            versions = connection.exec_driver_sql("SELECT versions FROM v_articles").scalar()
        assert stored == [(version_hash("Naslov č", f"{P1}\n\n{P2}"), FIRST)] and versions == 1
        downgrade(engine, "0008")
        names = set(sa.inspect(engine).get_table_names())
        assert "article_versions" not in names and "v_article_versions" not in set(
            sa.inspect(engine).get_view_names()
        )
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT COUNT(*) FROM v_articles").scalar() == 1
    engine.dispose()
