"""Captures loaded together in one transaction come out as if loaded one by one in fetch order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pipeline.archive import store
from pipeline.archive.db import make_engine
from pipeline.archive.migrate import upgrade
from pipeline.config import Settings
from pipeline.flows.ingest import process_captures
from tests.support.rows import article

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _rss(items: list[tuple[str, str, str | None]]) -> bytes:
    """An RSS document; each item is (slug, title, full text or None for a summary only)."""
    parts = []
    for slug, title, full in items:
        content = f"<content:encoded><![CDATA[<p>{full}</p>]]></content:encoded>" if full else ""
        parts.append(
            f"<item><title>{title}</title><link>https://lajme.example/{slug}</link>"
            f"<description>{title}: shkurt.</description>{content}"
            "<pubDate>Fri, 20 Nov 2026 07:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Lajme</title>'
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


FULL = (
    "Kuvendi miratoi sot buxhetin e vitit të ardhshëm pas një debati të gjatë për pagat e "
    "mësuesve dhe investimet në rrugët rurale të veriut."
)
# Feed A lists the shared article with a summary only, first; feed B has its full text, later.
DOC_A = _rss(
    [("buxheti", "Kuvendi miratoi buxhetin", None), ("zgjedhjet", "Zgjedhjet lokale", None)]
)
DOC_B = _rss(
    [
        ("buxheti", "Kuvendi miratoi buxhetin", FULL),
        ("energjia", "Çmimi i energjisë mbetet i njëjtë", "ERE vendosi sot të mos ndryshojë."),
    ]
)


def _poll(connection: sa.Connection, feed_url: str, body: bytes, fetched: datetime) -> int:
    """A successful poll of ``feed_url`` as fetching records it: body, capture, fetch row."""
    feed_id = store.ensure_adhoc_feed(connection, feed_url)
    digest = store.store_body(connection, body, fetched)
    capture = store.insert_capture(
        connection, feed_id=feed_id, fetched_at=fetched, url=feed_url, final_url=feed_url,
        http_status=200, content_type="application/rss+xml", etag=None, last_modified=None,
        body_sha256=digest, kind="feed",
    )  # fmt: skip
    store.insert_fetch(
        connection, feed_id=feed_id, run_id=None, started_at=fetched, duration_ms=5,
        url=feed_url, final_url=feed_url, http_status=200, bytes=len(body),
        not_modified=False, unchanged=False, capture_id=capture,
    )  # fmt: skip
    return capture


def _archive(url: str) -> tuple[sa.Engine, list[int]]:
    engine = make_engine(url)
    upgrade(engine)
    captures = []
    with engine.begin() as connection:
        for n, (path, body) in enumerate([("a.xml", DOC_A), ("b.xml", DOC_B)]):
            feed_url = f"https://lajme.example/{path}"
            captures.append(_poll(connection, feed_url, body, T0 + timedelta(minutes=10 * n)))
    return engine, captures


def _state(engine: sa.Engine) -> dict:
    with engine.connect() as connection:
        articles = connection.exec_driver_sql(
            "SELECT a.url, f.url, a.first_seen_at, a.body_text, a.story_id IS NOT NULL, "
            "a.language, a.script, a.language_confidence "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY a.url"
        ).all()
        fetches = connection.exec_driver_sql(
            "SELECT f.url, x.items_seen, x.items_new FROM fetches x "
            "JOIN feeds f ON f.id = x.feed_id ORDER BY f.url"
        ).all()
    return {"articles": articles, "fetches": fetches}


def _run(url: str, batch: int, workers: int = 2) -> dict:
    engine, captures = _archive(url)
    settings = Settings(archive_url=url, process_batch=batch, parse_workers=workers)
    outcome = process_captures(engine, captures, settings)
    state = _state(engine)
    engine.dispose()
    assert outcome.captures == 2 and outcome.counts.new == 3
    return state


def test_one_batch_equals_one_capture_at_a_time(tmp_path):
    together = _run(f"sqlite:///{tmp_path / 'together.db'}", batch=1000)
    apart = _run(f"sqlite:///{tmp_path / 'apart.db'}", batch=1)
    assert together == apart
    shared = next(a for a in together["articles"] if a[0].endswith("/buxheti"))
    # First sighting (feed A, 08:00) keeps the identity; the fuller text (feed B) is stored.
    assert shared[1] == "https://lajme.example/a.xml"
    assert str(shared[2]).startswith("2026-11-20 08:00:00")  # SQLite: UTC text
    assert shared[3] == FULL
    # The shared article is new for the capture that listed it first only.
    assert together["fetches"] == [
        ("https://lajme.example/a.xml", 2, 2),
        ("https://lajme.example/b.xml", 2, 1),
    ]


def test_captures_parsed_in_several_workers_load_as_if_parsed_in_one(tmp_path, monkeypatch):
    """Parse workers take captures in turn; their rows are still loaded in capture order."""
    from pipeline.flows import process

    monkeypatch.setattr(process, "CAPTURES_PER_EXTRA_WORKER", 1)  # a worker for each capture
    assert process._workers_for(2, Settings(parse_workers=3)) == 3
    one = _run(f"sqlite:///{tmp_path / 'one.db'}", batch=1, workers=1)
    three = _run(f"sqlite:///{tmp_path / 'three.db'}", batch=1, workers=3)
    assert one == three
    assert one["fetches"][1][1:] == (2, 1)


def test_batches_on_postgres(pg_url):
    state = _run(pg_url, batch=1000)
    assert [a[0].rsplit("/", 1)[1] for a in state["articles"]] == [
        "buxheti",
        "energjia",
        "zgjedhjet",
    ]
    assert state["fetches"][1][1:] == (2, 1)
    assert state["articles"][0][1] == "https://lajme.example/a.xml"
    assert state["articles"][0][2] == T0


def test_folded_paragraphs_from_cleaning_give_the_same_keys_as_folding_again():
    """Dedup and search reuse the comparison texts cleaning computed; nothing may change."""
    from pipeline.dedup.compare import comparison as _comparison
    from pipeline.dedup.compare import search_word_list as _search_words
    from pipeline.flows.article_row import FeedContext, build_article
    from pipeline.parse.feeds import Entry
    from pipeline.search.words import search_words

    ctx = FeedContext(1, 1, "https://lajme.example/a.xml", "sr", None, T0)
    entry = Entry(
        guid=None,
        link="https://lajme.example/gas",
        title="Вучић: гасовод до Ниша следеће године",
        summary_html="<p>Кратко: гасовод.</p>",
        content_html=(
            "<p>БЕОГРАД (Бета) – Гасовод ће бити завршен до краја следеће године.</p>"
            "<p>Radovi kod Niša počinju u martu, a vrednost je 85,5 miliona evra.</p>"
            "<p>Извор: Танјуг</p>"
        ),
    )
    row = build_article(entry, ctx)
    assert row.folded  # cleaning handed its comparison texts on
    bare = replace(row, folded=None)
    assert _comparison(row) == _comparison(bare)
    assert _search_words(row) == search_words(row.title, row.summary, row.body_text)
    # A paragraph changed after cleaning (boilerplate, credits) is folded again, not looked up.
    row.body_text = row.body_text.replace("martu", "aprilu")
    bare.body_text = row.body_text
    assert _comparison(row) == _comparison(bare)
    assert "aprilu" in _search_words(row) and "martu" not in _search_words(row)


def test_what_the_worker_compared_is_used_only_while_the_texts_are_the_ones_it_read():
    """The parse worker attaches each row's comparison texts, hash, signature and search words;
    the loader takes them as long as title, summary and text are unchanged, and computes them
    again when boilerplate or an article page changed the text."""
    from pipeline.dedup import compare
    from pipeline.flows.article_row import FeedContext, build_article
    from pipeline.flows.capture_rows import content_key
    from pipeline.parse.feeds import Entry

    ctx = FeedContext(1, 1, "https://lajme.example/a.xml", "sq", None, T0)
    paragraphs = [FULL, "Ministria e Financave tha se deficiti do të mbetet nën tre për qind.",
                  "Opozita votoi kundër dhe kërkoi rishikimin e shpenzimeve kapitale."]  # fmt: skip
    entry = Entry(guid=None, link="https://lajme.example/b", title="Kuvendi miratoi buxhetin",
                  summary_html=None, content_html="".join(f"<p>{p}</p>" for p in paragraphs))  # fmt: skip
    row = build_article(entry, ctx)
    key = content_key(row)
    bare = replace(row, folded=None)
    compare.attach([row])
    attached = row.compared
    assert content_key(row) == key  # derived, so not part of what a row stores
    assert compare.compared(row) is attached
    # Computed from cleaning's folded paragraphs, which then go: the same as folding afresh.
    assert row.folded is None and attached == compare.compute(bare)
    assert attached.signature is not None and attached.hashable
    # Boilerplate taken out by the loader: a different text, so computed afresh.
    row.body_text = "\n\n".join(paragraphs[:2])
    fresh = compare.compared(row)
    assert fresh is not attached and fresh.source[2] == row.body_text
    assert fresh.content_hash != attached.content_hash
    assert "kapitale" in attached.search and "kapitale" not in fresh.search
    assert compare.compared(row) is fresh


def test_the_quick_look_for_overlong_tokens_never_misses_one():
    """search_text filters the words only when a token could pass PostgreSQL's lexeme limit; the
    quick test in front of the regular expression must say "maybe" whenever it would match."""
    import random

    from pipeline.dedup.compare import _LONG_TOKEN, _may_have_long_token

    rng = random.Random(7)
    lengths = [1, 9, 255, 256, 257, 300, 510, 511, 512, 513, 700, 1100]
    matched = 0
    for _ in range(5000):
        words = ["x" * rng.choice(lengths) for _ in range(rng.randint(0, 6))]
        text = rng.choice([" ", "\n", "  ", " \t"]).join(words)
        if _LONG_TOKEN.search(text):
            matched += 1
            assert _may_have_long_token(text), [len(w) for w in words]
    assert matched > 1000  # the sample holds plenty of overlong tokens
    assert not _may_have_long_token(("rijec " * 100).strip())


def _polls(url: str) -> tuple[sa.Engine, list[int]]:
    """Three polls of one feed: the second repeats the first's item and adds one, the third
    repeats both (as a reprocessed window does all day)."""
    engine = make_engine(url)
    upgrade(engine)
    items = [("buxheti", "Kuvendi miratoi buxhetin", FULL), ("zgjedhjet", "Zgjedhjet", FULL)]
    docs = [_rss(items[:1]), _rss(items), _rss(items[::-1])]
    feed_url = "https://lajme.example/a.xml"
    captures = []
    with engine.begin() as connection:
        for n, body in enumerate(docs):
            captures.append(_poll(connection, feed_url, body, T0 + timedelta(minutes=15 * n)))
    return engine, captures


def test_items_repeated_by_later_polls_are_counted_but_not_loaded_again(tmp_path):
    one_call_url = f"sqlite:///{tmp_path / 'one.db'}"
    engine, captures = _polls(one_call_url)
    outcome = process_captures(engine, captures, Settings(archive_url=one_call_url))
    assert (outcome.counts.seen, outcome.counts.new, outcome.counts.updated) == (5, 2, 0)
    one_call = _state(engine)
    # Repeats the parse worker left unlabelled are loaded with their first sighting's label.
    assert {a[5:7] for a in one_call["articles"]} == {("sq", "Latn")}
    engine.dispose()

    apart_url = f"sqlite:///{tmp_path / 'apart.db'}"
    engine, captures = _polls(apart_url)
    for capture in captures:
        process_captures(engine, [capture], Settings(archive_url=apart_url))
    assert _state(engine) == one_call
    engine.dispose()
    with sa.create_engine(one_call_url).connect() as connection:
        news = connection.exec_driver_sql("SELECT items_seen, items_new FROM fetches ORDER BY id")
        assert news.all() == [(1, 1), (2, 1), (2, 0)]


def test_a_repeat_is_recognised_across_sightings_and_a_change_is_not():
    from pipeline.flows.process import _Loaded, _Prepared

    loaded = _Loaded()
    first = article(id="a", title="T", body_text="x", capture_id=1, first_seen_at=T0,
                    published_at=T0, date_flag=None, folded={"x": "x"})  # fmt: skip
    rows, keys, repeated = loaded.split([first])
    assert (len(rows), repeated) == (1, 0)
    loaded.remember([_Prepared(None, 1, rows, [], [], 0, 0, keys)])
    later = replace(first, capture_id=2, first_seen_at=T0 + timedelta(minutes=15))
    changed = replace(later, body_text="y")
    rows, _keys, repeated = loaded.split([later, changed])
    assert rows == [changed] and repeated == 1
    # A capture still missing article pages is not remembered: its items load again.
    pending = _Loaded()
    _rows, keys, _ = pending.split([first])
    pending.remember([_Prepared(None, 1, [first], [], [], 1, 0, keys)])
    assert pending.split([later])[2] == 0


def test_the_worker_labels_a_row_once_per_run_and_the_repeat_takes_that_label():
    from pipeline.flows.capture_rows import label_languages
    from pipeline.flows.process import _Loaded

    loaded = _Loaded()
    first = article(id="a", title="Kuvendi miratoi buxhetin", body_text=FULL, capture_id=1,
                    first_seen_at=T0, published_at=T0, date_flag=None, feed_id=1)  # fmt: skip
    later = replace(first, capture_id=2, first_seen_at=T0 + timedelta(minutes=15))
    label_languages([first], None, loaded.run)
    label_languages([later], None, loaded.run)
    assert first.language == "sq" and later.language is None
    # Another run labels it again.
    again = replace(later)
    label_languages([again], None, "another run")
    assert again.language == "sq"
    assert loaded.split([first])[0] == [first]
    (kept,), _keys, repeated = loaded.split([later])  # not stored yet: loaded, with the label
    assert repeated == 0
    columns = ("language", "script", "language_confidence")
    assert [getattr(kept, c) for c in columns] == [getattr(first, c) for c in columns]


def test_rows_the_worker_could_not_label_are_labelled_by_the_task(tmp_path, monkeypatch):
    """Language models that do not fit the parse worker's memory budget cost nothing but time."""
    from pipeline.flows import capture_rows

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    # Parsed in this process (parse_isolated off), so the failure can be planted.
    monkeypatch.setattr(capture_rows, "label_languages", out_of_memory)
    monkeypatch.setattr(capture_rows, "_models_fit", True)
    url = f"sqlite:///{tmp_path / 'small.db'}"
    engine, captures = _archive(url)
    settings = Settings(archive_url=url, parse_isolated=False)
    outcome = process_captures(engine, captures, settings)
    assert not outcome.errors and outcome.counts.new == 3
    assert {a[5:7] for a in _state(engine)["articles"]} == {("sq", "Latn")}
    assert capture_rows._models_fit is False  # and it stopped trying
    engine.dispose()


def test_article_texts_are_stored_compressed_once_with_lz4_where_the_server_offers_it(pg_url):
    """Migration 0007 gives the text columns LZ4; the staging table takes the target's method,
    so the stored values are LZ4 too (a value is copied as it was compressed in the stage)."""
    long_text = " ".join(f"{FULL} Paragrafi {n}." for n in range(30))  # over the 2 kB threshold
    doc = _rss([("gjate", "Raporti vjetor i buxhetit", long_text)])
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as connection:
        capture = _poll(connection, "https://lajme.example/c.xml", doc, T0)
        offered = connection.exec_driver_sql(
            "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar()
    outcome = process_captures(engine, [capture], Settings(archive_url=pg_url))
    assert outcome.counts.new == 1
    with engine.connect() as connection:
        method, text = connection.exec_driver_sql(
            "SELECT pg_column_compression(body_text), body_text FROM articles"
        ).one()
    engine.dispose()
    assert text.startswith(FULL) and len(text) > 2500
    assert method == ("lz4" if "lz4" in offered else "pglz")


def test_the_staging_search_words_take_the_search_vectors_method_not_the_default(pg_url):
    """The search words travel in a text column of the staging table named like the target's
    search vector; it takes that column's method (LZ4) rather than the server's default (pglz)."""
    from pipeline.archive.bulk import create_stage

    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as connection:
        offered = connection.exec_driver_sql(
            "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar()
        stage = create_stage(connection, "articles", ["id", "body_text"], ["search_tsv"])
        methods = dict(
            connection.exec_driver_sql(
                "SELECT attname, attcompression FROM pg_attribute "
                f"WHERE attrelid = '{stage}'::regclass AND attnum > 0"
            ).all()
        )
    engine.dispose()
    expected = "l" if "lz4" in offered else ""
    assert methods["search_tsv"] == expected
    assert methods["body_text"] == expected
    assert methods["id"] == ""
