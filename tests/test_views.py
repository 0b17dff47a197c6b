"""Analyst views and the example queries in sql/queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from tests.support.feeds import ATOM_SR, RSS_SQ
from tests.support.sample_archive import seed

QUERIES = Path(__file__).resolve().parents[1] / "sql" / "queries"
OCTOBER = {"from": "2026-10-01 00:00:00+00", "to": "2026-11-01 00:00:00+00"}


def run_query(engine: sa.Engine, name: str, **params) -> list[tuple]:
    """Run sql/queries/<name>.sql, or its <name>.<dialect>.sql variant."""
    path = QUERIES / f"{name}.{engine.dialect.name}.sql"
    if not path.exists():
        path = QUERIES / f"{name}.sql"
    # Comments mention the parameters too: keep them away from the bind-parameter parser.
    sql = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("--"))
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql), params)]


def recount(connection: sa.Connection) -> set[tuple]:
    """The daily counts recomputed from the articles themselves."""
    rows = connection.execute(
        sa.text("SELECT published_at, first_seen_at, feed_id, language, duplicate_of FROM articles")
    ).all()
    counts: dict[tuple, list[int]] = {}
    for published, seen, feed, language, duplicate_of in rows:
        moment = published or seen
        day = moment.date() if hasattr(moment, "date") else date.fromisoformat(moment[:10])
        key = (day.isoformat(), feed, language or "und")
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += duplicate_of is None
    return {(*k, *v) for k, v in counts.items()}


def stored_counts(connection: sa.Connection) -> set[tuple]:
    rows = connection.execute(
        sa.text(
            "SELECT day, feed_id, language, articles, originals FROM article_daily_counts "
            "WHERE articles > 0"
        )
    ).all()
    return {(str(r[0]), r[1], r[2], r[3], r[4]) for r in rows}


def test_daily_counts_view(archive_url):
    engine = seed(archive_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT day, outlet, language, articles, originals, copies FROM v_daily_counts "
                "WHERE day <= :last ORDER BY day, outlet, language"
            ),
            {"last": "2026-11-20"},
        ).all()
        assert stored_counts(connection) == recount(connection)
    engine.dispose()
    assert [(str(r[0]), *r[1:]) for r in rows] == [
        ("2026-10-05", "beogradski-vesnik", "sr-Cyrl", 1, 1, 0),
        ("2026-10-05", "kronika", "sq", 1, 0, 1),
        ("2026-10-05", "zeri-atlantik", "sq", 1, 1, 0),
        ("2026-10-06", "beogradski-vesnik", "sr-Cyrl", 1, 0, 1),
        ("2026-10-07", "novosadski-dnevnik", "sr-Cyrl", 1, 1, 0),
        ("2026-10-07", "novosadski-dnevnik", "sr-Latn", 1, 1, 0),
        ("2026-10-08", "kronika", "sq", 1, 1, 0),
        # The undated article counts on the day it was first seen.
        ("2026-10-09", "kronika", "sq", 1, 1, 0),
        ("2026-11-02", "kronika", "sq", 1, 0, 1),
        ("2026-11-02", "zeri-atlantik", "sq", 1, 1, 0),
    ]


def test_daily_counts_follow_updates_and_deletes(archive_url):
    engine = seed(archive_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE articles SET language = 'en' WHERE id = 'z1'"))
        connection.execute(sa.text("UPDATE articles SET duplicate_of = 'b1' WHERE id = 'n2'"))
        connection.execute(
            sa.text("UPDATE articles SET feed_id = 20, outlet_id = 2 WHERE id = 'z2'")
        )
        connection.execute(sa.text("UPDATE articles SET title = 'Titull i ri' WHERE id = 'k2'"))
        connection.execute(sa.text("DELETE FROM articles WHERE id = 'k4'"))
    with engine.connect() as connection:
        assert stored_counts(connection) == recount(connection)
        by_key = {(r[0], r[1], r[2]): r[3:] for r in stored_counts(connection)}
    engine.dispose()
    assert by_key[("2026-10-05", 10, "en")] == (1, 1)
    assert ("2026-10-05", 10, "sq") not in by_key
    assert by_key[("2026-10-07", 40, "sr-Latn")] == (1, 0)
    assert ("2026-10-09", 20, "sq") not in by_key


def test_feed_health_view(archive_url):
    engine = seed(archive_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT feed_id, outlet, state, failure_score, last_error_class, fetches_24h, "
                "failures_24h, articles_7d, last_success_at, next_poll_at "
                "FROM v_feed_health ORDER BY feed_id"
            )
        ).all()
    engine.dispose()
    summary = [tuple(r[:8]) for r in rows]
    assert summary == [
        (10, "zeri-atlantik", "ok", 0.0, None, 0, 0, 1),
        (20, "kronika", "ok", 0.0, None, 0, 0, 0),
        (30, "beogradski-vesnik", "failing", 2.5, "http_503", 2, 1, 1),
        (40, "novosadski-dnevnik", "disabled", 9.0, "not_a_feed", 0, 0, 0),
    ]
    assert all(r.last_success_at is not None and r.next_poll_at is not None for r in rows)


def test_republishers_of_outlet(archive_url):
    engine = seed(archive_url)
    rows = run_query(
        engine, "republishers_of_outlet", origin="zeri-atlantik", credit="VOA", **OCTOBER
    )
    engine.dispose()
    assert [(r[0], r[1]) for r in rows] == [("beogradski-vesnik", 1), ("kronika", 1)]


def test_daily_topic_coverage_across_scripts(archive_url):
    engine = seed(archive_url)
    rows = run_query(engine, "daily_topic_sq_vs_sr", topic="vucic", **OCTOBER)
    engine.dispose()
    # Vučić (sq, sr-Latn "Vučićeva") and Вучић (sr-Cyrl) alike.
    assert [(str(r[0]), r[1], r[2]) for r in rows] == [
        ("2026-10-05", 2, 1),
        ("2026-10-06", 0, 1),
        ("2026-10-07", 0, 1),
    ]


def test_first_publisher_of_story(archive_url):
    engine = seed(archive_url)
    rows = run_query(
        engine, "first_publisher_of_story", **{"from": "2026-10-01 00:00:00+00",
                                               "to": "2026-12-01 00:00:00+00"}
    )  # fmt: skip
    engine.dispose()
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("z1", "zeri-atlantik", 3),
        ("z2", "zeri-atlantik", 2),
    ]


def test_outlet_day_coverage(archive_url):
    engine = seed(archive_url)
    rows = run_query(engine, "outlet_day_coverage", from_day="2026-10-05", to_day="2026-10-06")
    engine.dispose()
    assert [(str(r[0]), *r[1:]) for r in rows] == [
        ("2026-10-05", "beogradski-vesnik", 1, 1, 0),
        ("2026-10-05", "kronika", 1, 0, 1),
        ("2026-10-05", "zeri-atlantik", 1, 1, 0),
        ("2026-10-06", "beogradski-vesnik", 1, 0, 1),
    ]


def test_counts_and_search_follow_the_loader(archive_url, web):
    """Ingesting real feeds twice: triggers keep counts and search right through the upserts."""
    base = web.base_url
    feeds = [
        web.add("/rss.xml", RSS_SQ.format(base=base),
                headers={"Content-Type": "application/rss+xml; charset=utf-8"}),
        web.add("/atom.xml", ATOM_SR.format(base=base),
                headers={"Content-Type": "application/atom+xml"}),
    ]  # fmt: skip
    settings = Settings.from_env(archive_url=archive_url, allowed_hosts=frozenset({web.endpoint}))
    ingest_once(settings, feeds)
    ingest_once(settings, feeds)
    engine = sa.create_engine(archive_url)
    with engine.connect() as connection:
        assert stored_counts(connection) == recount(connection)
        total = connection.execute(sa.text("SELECT SUM(articles) FROM v_daily_counts")).scalar()
        assert total == connection.execute(sa.text("SELECT COUNT(*) FROM v_articles")).scalar()
        assert total == 5
    from pipeline.search import SearchOptions, search

    hits = search(engine, SearchOptions("pijaca"))  # Cyrillic "пијаца" in the Atom feed
    engine.dispose()
    assert [h.title for h in hits] == ["Градско веће усвојило план за нову пијацу"]


@pytest.mark.postgres
def test_analyst_role_reads_views_and_cannot_write(pg_url):
    from pipeline.archive.analyst_role import create_analyst_role

    engine = seed(pg_url)
    role = f"analyst_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        create_analyst_role(connection, role, "s3cret-test")
    with engine.begin() as connection:  # idempotent: a second run refreshes the role
        create_analyst_role(connection, role, "s3cret-test")
    analyst = sa.create_engine(
        sa.make_url(pg_url).set(username=role, password="s3cret-test"), poolclass=sa.NullPool
    )
    try:
        with analyst.connect() as connection:
            for view in ("v_articles", "v_stories", "v_feed_health", "v_daily_counts",
                         "v_coverage", "v_article_search"):  # fmt: skip
                connection.exec_driver_sql(f"SELECT * FROM {view} LIMIT 1").all()
            assert connection.exec_driver_sql("SELECT COUNT(*) FROM v_articles").scalar() == 12
        for statement in (
            "INSERT INTO outlets (slug, name, homepage, country, languages, scripts, fulltext, "
            "history, sitemaps) VALUES ('x', 'x', 'x', 'x', '', '', false, '', '')",
            "SELECT * FROM articles",
            "UPDATE feeds SET state = 'ok'",
        ):
            with analyst.connect() as connection, pytest.raises(sa.exc.DBAPIError) as error:
                connection.exec_driver_sql(statement)
            assert error.value.orig.sqlstate in {"42501", "25006"}  # denied / read-only
        # Read-only sessions are a second lock: with a read-write transaction, grants still deny.
        with analyst.connect() as connection, pytest.raises(sa.exc.DBAPIError) as error:
            connection.exec_driver_sql("SET TRANSACTION READ WRITE")
            connection.exec_driver_sql("INSERT INTO article_daily_counts VALUES "
                                       "('2026-01-01', 10, 'sq', 1, 1, 1)")  # fmt: skip
        assert error.value.orig.sqlstate == "42501"
    finally:
        analyst.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
        engine.dispose()


def test_migration_backfills_an_existing_archive(archive_url):
    """0003 on an archive that already holds articles: counts and search cover them."""
    from pipeline.archive.migrate import upgrade
    from pipeline.search import SearchOptions, search
    from tests.support.sample_archive import ARTICLES

    engine = seed(archive_url, revisions=("0002",))
    with engine.connect() as connection:
        assert "article_daily_counts" not in sa.inspect(connection).get_table_names()
    upgrade(engine)
    with engine.connect() as connection:
        assert stored_counts(connection) == recount(connection)
        total = connection.execute(sa.text("SELECT SUM(articles) FROM v_daily_counts")).scalar()
        assert total == len(ARTICLES)
    assert {h.article_id for h in search(engine, SearchOptions("Ђоковић"))} == {"n1"}
    assert {h.article_id for h in search(engine, SearchOptions("Vucic"))} == {
        "z1", "k1", "b1", "b2", "n2"
    }  # fmt: skip
    engine.dispose()


def test_migration_downgrades_cleanly(archive_url):
    from pipeline.archive.db import make_engine
    from pipeline.archive.migrate import downgrade, upgrade

    engine = make_engine(archive_url)
    upgrade(engine, "0003")
    downgrade(engine, "0002")
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        names = set(inspector.get_table_names()) | set(inspector.get_view_names())
    assert not names & {"article_daily_counts", "article_search", "article_search_keys",
                        "v_daily_counts", "v_feed_health", "v_article_search"}  # fmt: skip
    upgrade(engine)
    engine.dispose()
