"""Search across scripts and diacritics, on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from pipeline.cli import main
from pipeline.search import SearchOptions, search
from pipeline.search.query import query_terms
from tests.support.sample_archive import seed

VUCIC = {"z1", "k1", "b1", "b2", "n2"}


@pytest.fixture
def archive(archive_url):
    engine = seed(archive_url)
    yield engine
    engine.dispose()


def ids(engine, query: str, **filters) -> set[str]:
    return {hit.article_id for hit in search(engine, SearchOptions(query, **filters))}


def test_query_terms_are_folded():
    assert query_terms("Вучић, Đoković!") == ["vucic", "djokovic"]
    assert query_terms("  ") == []


@pytest.mark.parametrize("query", ["Vucic", "vučić", "Вучић", "VUČIĆ"])
def test_any_spelling_finds_every_script(archive, query):
    # Latin with and without diacritics, Cyrillic, and the inflected "Vučićeva" (prefix match).
    assert ids(archive, query) == VUCIC


@pytest.mark.parametrize("query", ["Djokovic", "Đoković", "Ђоковић", "djokovic sangaj"])
def test_dj_and_cyrillic_dje(archive, query):
    assert ids(archive, query) == {"n1"}


def test_albanian_diacritics(archive):
    assert ids(archive, "Shqiperia marreveshje") == {"k2"}
    assert ids(archive, "shqipëria") == {"k2"}


def test_filters(archive):
    assert ids(archive, "Vucic", language="sr") == {"b1", "b2", "n2"}
    assert ids(archive, "Vucic", language="sr-Latn") == {"n2"}
    assert ids(archive, "Vucic", outlet="kronika") == {"k1"}
    assert ids(archive, "Vucic", date_from=date(2026, 10, 6)) == {"b2", "n2"}
    assert ids(archive, "Vucic", date_to=date(2026, 10, 5)) == {"z1", "k1", "b1"}
    assert ids(archive, "Vucic", date_from=date(2026, 10, 6), date_to=date(2026, 10, 6)) == {"b2"}


def test_results_are_newest_first_and_limited(archive):
    hits = search(archive, SearchOptions("Vucic", limit=2))
    assert [h.article_id for h in hits] == ["n2", "b2"]
    assert hits[0].outlet == "novosadski-dnevnik"
    assert hits[0].url == "https://example.org/n2"
    assert hits[0].published_at.isoformat() == "2026-10-07T12:00:00+00:00"


def test_index_follows_edits(archive):
    with archive.begin() as connection:
        connection.execute(sa.text("UPDATE articles SET title = 'Ђоковић и Вучић' WHERE id = 'k2'"))
        connection.execute(sa.text("DELETE FROM articles WHERE id = 'n1'"))
    assert ids(archive, "djokovic") == {"k2"}
    assert ids(archive, "shqiperia") == set()


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(pg_url):
    engine = seed(pg_url)
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in connection.exec_driver_sql(
                "EXPLAIN SELECT id FROM articles "
                "WHERE search_tsv @@ to_tsquery('simple', '''vucic'':*')"
            )
        )
    engine.dispose()
    assert "ix_articles_search_tsv" in plan


def test_cli_search_prints_outlet_date_and_link(archive_url, capsys):
    seed(archive_url).dispose()
    code = main(["search", "Вучић", "--db", archive_url, "--lang", "sr", "--from", "2026-10-06"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines == [
        "2026-10-07 12:00\tnovosadski-dnevnik\tsr-Latn\tVučićeva izjava o energetici\t"
        "https://example.org/n2",
        "2026-10-06 10:00\tbeogradski-vesnik\tsr-Cyrl\tВучић и Курти у Бриселу (превод)\t"
        "https://example.org/b2",
    ]
    assert main(["search", "nothing-like-this", "--db", archive_url]) == 1


# Texts whose words the loader (Python) and the SQL fallback must split and fold alike.
_WORD_SAMPLES = [
    "Вучић и Курти у Бриселу: разговор о енергетици",
    "Shqipëria dhe Kosova nënshkruan marrëveshje, 12.5 milionë euro",
    "Đoković osvojio turnir u Šangaju; e-mail: info@primer.rs (snake_case)",
    "Македонија: Ѓорѓи и Ќире ја посетија Охрид",
    "",
]


@pytest.mark.postgres
@pytest.mark.parametrize("text", _WORD_SAMPLES)
def test_loader_words_equal_the_sql_fallback(pg_url, text):
    from pipeline.search.words import search_words

    engine = seed(pg_url)
    with engine.connect() as connection:
        sql_words = connection.execute(
            sa.text("SELECT tsvector_to_array(news_search_words(:t))"), {"t": f"  {text}"}
        ).scalar_one()
    engine.dispose()
    assert sorted(sql_words) == search_words(None, None, text)


@pytest.mark.postgres
def test_the_loader_writes_the_words_and_the_trigger_keeps_them(pg_url):
    """The loader sends search_tsv itself (migration 0006); an UPDATE of the text alone is
    re-indexed by the trigger."""
    from datetime import UTC, datetime

    from pipeline.flows.article_row import FeedContext, build_article
    from pipeline.flows.load import load_articles
    from pipeline.parse.feeds import Entry
    from pipeline.search.words import search_words

    engine = seed(pg_url)
    feed_id, outlet_id = 1, 1
    with engine.connect() as connection:
        feed_id, outlet_id = connection.execute(
            sa.text("SELECT id, outlet_id FROM feeds ORDER BY id LIMIT 1")
        ).one()
    ctx = FeedContext(feed_id, outlet_id, "https://example.org/feed", "sr", None, datetime.now(UTC))
    entry = Entry(
        guid=None,
        link="https://example.org/loader-words",
        title="Курти и Вучић о гасоводу",
        summary_html=None,
        content_html="<p>Razgovor o gasovodu kroz Šumadiju trajao je tri sata.</p>",
    )
    row = build_article(entry, ctx)
    row.language, row.script, row.language_confidence = "sr", "Cyrl", 1.0
    with engine.begin() as connection:
        load_articles(connection, [row])
    words_sql = "SELECT tsvector_to_array(search_tsv) FROM articles WHERE id = :id"
    with engine.begin() as connection:
        stored = connection.execute(sa.text(words_sql), {"id": row.id}).scalar_one()
        assert sorted(stored) == search_words(row.title, None, row.body_text)
        assert {"kurti", "vucic", "sumadiju"} <= set(stored)
        connection.execute(
            sa.text("UPDATE articles SET body_text = 'Novi tekst o Zrenjaninu' WHERE id = :id"),
            {"id": row.id},
        )
        stored = connection.execute(sa.text(words_sql), {"id": row.id}).scalar_one()
    engine.dispose()
    assert "zrenjaninu" in stored and "sumadiju" not in stored
