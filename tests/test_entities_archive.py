"""Named entities end to end: loopback feeds ingested into SQLite and PostgreSQL, then
``v_mentions``, ``v_mention_daily``, ``python -m pipeline mentions`` / ``entities`` and search
asked for names written in each script, case and language's spelling."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.cli import main
from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from pipeline.flows.process import process_captures
from pipeline.search import SearchOptions, search

# Invented articles: one feed per language, two items each (written for this test).
ITEMS = {
    "sq": [
        (
            "sq-1",
            "Kurti takon emisarin e BE-së",
            "Kryeministri Albin Kurti tha në Prishtinë se Vuçiqi po bllokon dialogun. "
            "Sipas Kurtit, Bashkimi Evropian duhet të veprojë. Delegacioni u kthye nga "
            "Beogradi pa marrëveshje, ndërsa KFOR-i rriti patrullat në Mitrovicë.",
        ),
        (
            "sq-2",
            "Festivali i filmit hapet në Prizren",
            "Festivali i filmit dokumentar u hap mbrëmë në Prizren me një shfaqje në natyrë. "
            "Drejtoresha Teuta Berisha tha se këtë vit erdhën mbi njëqind filma.",
        ),
    ],
    "sr-Latn": [
        (
            "srl-1",
            "Vučić razgovarao sa izaslanikom Evropske unije",
            "Predsednik Aleksandar Vučić sastao se u Beogradu sa izaslanikom Evropske unije. "
            "Prema rečima Vučića, Priština ne poštuje dogovore. Sastanak sa Kurtijem nije "
            "zakazan, a komandant KFOR-a posetio je Mitrovicu.",
        ),
    ],
    "sr-Cyrl": [
        (
            "src-1",
            "Вучић: Приштина мора да поштује договор",
            "Председник Вучић рекао је у Београду да Приштина мора да поштује договор. "
            "Вучић је са представницима ЕУ разговарао о Куртију и о безбедности на северу, "
            "где КФОР има појачане патроле.",
        ),
        (
            "src-2",
            "Београд добија нови мост",
            "Градска управа објавила је тендер за нови мост у Београду. Радови почињу "
            "на пролеће, рекао је градски менаџер Милан Тодоровић.",
        ),
    ],
    "en": [
        (
            "en-1",
            "Leaders meet EU envoy",
            "Serbian President Aleksandar Vucic and Kosovo Prime Minister Albin Kurti met "
            "the European Union envoy on Tuesday. Vucic said Belgrade wanted calm, while "
            "Kurti said Pristina would not give in.",
        ),
    ],
}
VUCIC = {"srl-1", "src-1", "en-1", "sq-1"}
KURTI = {"sq-1", "srl-1", "src-1", "en-1"}
BELGRADE = {"sq-1", "srl-1", "src-1", "src-2", "en-1"}
EU = {"sq-1", "srl-1", "src-1", "en-1"}


def _rss(base: str, language: str, items) -> str:
    entries = "".join(
        f"""
  <item>
    <title>{title}</title>
    <link>{base}/{language}/{guid}</link>
    <guid isPermaLink="false">{guid}</guid>
    <pubDate>Tue, 0{2 + i} Dec 2026 09:30:00 +0000</pubDate>
    <description>{text}</description>
  </item>"""
        for i, (guid, title, text) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Vesti {language}</title><link>{base}/</link><language>{language}</language>"
        f"{entries}\n</channel></rss>"
    )


def _serve(web, items=ITEMS) -> list[str]:
    return [
        web.add(
            f"/{language}.xml",
            _rss(web.base_url, language, entries),
            headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        )
        for language, entries in items.items()
    ]


@pytest.fixture
def archive(archive_url, web):
    settings = Settings.from_env(archive_url=archive_url, allowed_hosts=frozenset({web.endpoint}))
    feeds = _serve(web)
    ingest_once(settings, feeds)
    engine = make_engine(archive_url)
    yield engine, settings, feeds
    engine.dispose()


def _guids(engine, article_ids) -> set[str]:
    if not article_ids:
        return set()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, guid FROM articles WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": sorted(article_ids)},
        )
        return {guid for _id, guid in rows}


def _cli_json(capsys, *argv) -> tuple[int, list]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else []


@pytest.mark.parametrize(
    "name",
    ["Vučić", "Vučića", "Vučićem", "Вучић", "Вучића", "Vuçiq", "Vuçiqi", "Vuçiqit", "Vucic"],
)
def test_mentions_cli_finds_every_form_of_a_person(archive, archive_url, capsys, name):
    engine, _s, _f = archive
    code, hits = _cli_json(capsys, "mentions", name, "--db", archive_url, "--json")

    assert code == 0
    assert _guids(engine, {h["article_id"] for h in hits}) == VUCIC
    for hit in hits:
        assert hit["entity_key"] == "aleksandar vucic"
        assert hit["entity_label"] == "Aleksandar Vučić"
        assert set(hit) >= {"title", "surface", "language", "outlet", "published_at"}
    surfaces = {h["surface"] for h in hits}
    assert surfaces == {"Vuçiqi", "Aleksandar Vučić", "Вучић", "Aleksandar Vucic"}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Kurti", "Kurtija", "Kurtijem", "Курти", "Куртија", "Kurtit"], KURTI),
        (["Beograd", "Beogradu", "Београд", "Beogradi", "Beogradit", "Belgrade"], BELGRADE),
        (["Bashkimi Evropian", "BE", "Evropska unija", "EU", "ЕУ", "European Union"], EU),
        (["KFOR", "КФОР"], {"sq-1", "srl-1", "src-1"}),
        (["Mitrovicë", "Mitrovica", "Митровица"], {"sq-1", "srl-1"}),
    ],
)
def test_mentions_cli_finds_places_and_organizations(archive, archive_url, capsys, names, expected):
    engine, _s, _f = archive
    for name in names:
        code, hits = _cli_json(capsys, "mentions", name, "--db", archive_url, "--json")
        assert code == 0, name
        assert _guids(engine, {h["article_id"] for h in hits}) == expected, name


def test_mentions_filters_and_plain_output(archive, archive_url, capsys):
    engine, _s, _f = archive
    code, hits = _cli_json(
        capsys, "mentions", "Vucic", "--db", archive_url, "--lang", "sr", "--json"
    )
    assert code == 0
    assert _guids(engine, {h["article_id"] for h in hits}) == {"srl-1", "src-1"}
    code, hits = _cli_json(
        capsys, "mentions", "Vucic", "--db", archive_url, "--from", "2026-12-03", "--json"
    )
    assert _guids(engine, {h["article_id"] for h in hits}) == set()  # all are of Dec 2

    assert main(["mentions", "Вучић", "--db", archive_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all("Aleksandar Vučić" in line for line in lines)
    # An unknown name: nothing found, exit 1 as search's no match.
    assert main(["mentions", "Nepostojević", "--db", archive_url]) == 1


def test_unknown_people_become_entities_by_their_folded_key(archive, archive_url, capsys):
    engine, _s, _f = archive
    for name in ["Milan Todorović", "Милан Тодоровић", "Todorović", "Todoroviq"]:
        code, hits = _cli_json(capsys, "mentions", name, "--db", archive_url, "--json")
        assert code == 0, name
        assert _guids(engine, {h["article_id"] for h in hits}) == {"src-2"}, name


def test_entities_cli_lists_the_most_mentioned(archive, archive_url, capsys):
    code, top = _cli_json(capsys, "entities", "--db", archive_url, "--top", "3", "--json")
    assert code == 0
    assert top[0] == {
        "entity_key": "beograd",
        "entity_label": "Beograd",
        "entity_kind": "place",
        "articles": 5,
        "mentions": 6,  # the second Belgrade article names it in its title and its text
        "outlets": 1,
    }
    assert {row["entity_label"] for row in top[1:]} <= {
        "Aleksandar Vučić",
        "Albin Kurti",
        "Evropska unija",
    }
    code, people = _cli_json(capsys, "entities", "--db", archive_url, "--kind", "person", "--json")
    assert {row["entity_kind"] for row in people} == {"person"}
    assert [row["articles"] for row in people[:2]] == [4, 4]


def test_views_show_the_surface_and_daily_counts(archive):
    engine, _s, _f = archive
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT surface, entity_kind FROM v_mentions WHERE entity_key = 'aleksandar vucic' "
                "ORDER BY surface"
            )
        ).all()
        daily = connection.execute(
            sa.text(
                "SELECT CAST(day AS TEXT), language, articles FROM v_mention_daily "
                "WHERE entity_label = 'Aleksandar Vučić' ORDER BY language"
            )
        ).all()
    assert {r[0] for r in rows} == {
        "Aleksandar Vucic", "Vucic", "Aleksandar Vučić", "Vučić", "Vučića", "Vuçiqi", "Вучић"
    }  # fmt: skip
    assert {r[1] for r in rows} == {"person"}
    assert [(d[0][:10], d[1], d[2]) for d in daily] == [
        ("2026-12-02", "en", 1),
        ("2026-12-02", "sq", 1),
        ("2026-12-02", "sr-Cyrl", 1),
        ("2026-12-02", "sr-Latn", 1),
    ]


def test_search_for_a_name_finds_its_other_forms(archive):
    engine, _s, _f = archive
    # "Belgrade" is a prefix of no word of the Serbian and Albanian texts: the mentions find them.
    hits = search(engine, SearchOptions("Belgrade"))
    assert _guids(engine, {h.article_id for h in hits}) == BELGRADE
    hits = search(engine, SearchOptions("Vuçiqit"))
    assert _guids(engine, {h.article_id for h in hits}) == VUCIC
    # A query that names nothing still matches words only.
    hits = search(engine, SearchOptions("tender"))
    assert _guids(engine, {h.article_id for h in hits}) == {"src-2"}


def _mention_rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT article_id, entity_key, surface, count FROM mentions ORDER BY 1, 2, 3")
        ).all()


def test_reingest_is_idempotent_and_a_changed_text_replaces_its_mentions(archive, web):
    engine, settings, feeds = archive
    before = _mention_rows(engine)
    ingest_once(settings, feeds)
    assert _mention_rows(engine) == before

    changed = dict(ITEMS)
    changed["sr-Latn"] = [
        (
            "srl-1",
            "Dačić razgovarao sa izaslanikom",
            # Longer than the first text: a shorter summary never replaces a stored text.
            "Ministar Ivica Dačić sastao se u Nišu sa izaslanikom. Dačić je rekao da je "
            "razgovor bio otvoren i da će se nastaviti sledeće nedelje, posle konsultacija "
            "sa predstavnicima lokalnih vlasti i privrede, kao i sa stručnjacima za bezbednost "
            "saobraćaja i infrastrukturu na jugu zemlje.",
        )
    ]
    _serve(web, changed)
    ingest_once(settings, feeds)
    with engine.connect() as connection:
        srl = connection.execute(sa.text("SELECT id FROM articles WHERE guid = 'srl-1'")).scalar()
    assert {(r[1], r[2]) for r in _mention_rows(engine) if r[0] == srl} == {
        ("ivic dacic", "Ivica Dačić"),
        ("ivic dacic", "Dačić"),
        ("nis", "Nišu"),
    }


def test_reprocessing_old_captures_fills_mentions_of_older_articles(archive):
    engine, settings, _feeds = archive
    before = _mention_rows(engine)
    assert before
    with engine.begin() as connection:
        # The archive as it was before mentions existed.
        connection.execute(sa.text("DELETE FROM mentions"))
        connection.execute(sa.text("DELETE FROM mention_sources"))
        connection.execute(sa.text("DELETE FROM entities"))
        captures = [
            r[0] for r in connection.execute(sa.text("SELECT id FROM captures ORDER BY id"))
        ]
    process_captures(engine, captures, settings)
    assert _mention_rows(engine) == before


@pytest.mark.postgres
def test_analyst_role_reads_the_mention_views(pg_url, web):
    import uuid

    from pipeline.archive.analyst_role import create_analyst_role

    settings = Settings.from_env(archive_url=pg_url, allowed_hosts=frozenset({web.endpoint}))
    ingest_once(settings, _serve(web))
    engine = make_engine(pg_url)
    role = f"analyst_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        create_analyst_role(connection, role, "s3cret-test")
    analyst = sa.create_engine(
        sa.make_url(pg_url).set(username=role, password="s3cret-test"), poolclass=sa.NullPool
    )
    try:
        with analyst.connect() as connection:
            mentions = connection.exec_driver_sql("SELECT COUNT(*) FROM v_mentions").scalar()
            daily = connection.exec_driver_sql(
                "SELECT SUM(articles) FROM v_mention_daily WHERE entity_key = 'aleksandar vucic'"
            ).scalar()
        assert mentions > 20 and daily == 4
        with analyst.connect() as connection, pytest.raises(sa.exc.DBAPIError) as error:
            connection.exec_driver_sql("SELECT * FROM mentions")
        assert error.value.orig.sqlstate == "42501"
    finally:
        analyst.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
        engine.dispose()


def test_mentions_and_entities_bad_input_is_one_line(sqlite_url, web, capsys):
    settings = Settings.from_env(archive_url=sqlite_url, allowed_hosts=frozenset({web.endpoint}))
    ingest_once(settings, _serve(web))
    cases = [
        (
            ["mentions", "Vučić", "--db", sqlite_url, "--from", "2026-12-05", "--to", "2026-12-01"],
            7,
        ),
        (["mentions", "Vučić", "--db", sqlite_url, "--outlet", "no-such-outlet"], 8),
        (["mentions", "Vučić", "--db", sqlite_url, "--from", "yesterday"], 6),
        (["entities", "--db", sqlite_url, "--kind", "planet"], 2),
        (["mentions", "", "--db", sqlite_url], 1),
    ]
    for argv, code in cases:
        assert main(argv) == code, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert code == 1 or (err.startswith("error: ") and err.count("\n") == 1), argv
