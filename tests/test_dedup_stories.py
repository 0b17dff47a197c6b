"""Stories in the archive: origins, late-arriving originals, re-runs, learned boilerplate."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pipeline.flows.load import load_articles
from tests.test_dedup_eval import T0, Doc, _row, _setup

STORY = [
    "Ministria e Shëndetësisë njoftoi se nga muaji janar të gjitha barnat për sëmundjet kronike do të jenë falas në barnatoret e licencuara.",
    "Lista e re përfshin 112 barna, nga 80 sa ishin deri tani, ndërsa kostoja vjetore vlerësohet në 19 milionë euro.",
    "Shoqatat e pacientëve e mirëpritën vendimin, por kërkuan që barnat të jenë në dispozicion edhe në fshatra.",
]  # fmt: skip
OTHER = [
    "Komuna e Pejës hapi sot tregun e ri të gjelbër në qendër të qytetit, me 140 tezga për fermerët vendorë.",
    "Shitësit thanë se qiraja është më e ulët se në tregun e vjetër, por parkingu mbetet i vogël.",
]  # fmt: skip
FOOTER = "Abonohuni në buletinin tonë javor për të marrë lajmet më të rëndësishme çdo të premte në mëngjes."


def _load(engine, ids, docs):
    with engine.begin() as connection:
        return load_articles(connection, [_row(d, ids) for d in docs])


def _links(engine):
    with engine.connect() as connection:
        return {
            r.title: r
            for r in connection.execute(
                sa.text("SELECT id, title, story_id, duplicate_of, body_text FROM articles")
            )
        }


def _tables(engine):
    with engine.connect() as connection:
        return [
            connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("articles", "dedup_signatures", "dedup_lsh", "boilerplate_segments")
        ] + [
            connection.execute(
                sa.text("SELECT sum(article_count) FROM boilerplate_segments")
            ).scalar()
        ]


def test_original_arriving_after_its_copy_becomes_the_origin(archive_url):
    engine, ids = _setup(archive_url)
    copy = Doc(
        "copy", "s", 1, "Barnat falas nga janari", [*STORY, "/ VOA"], T0 + timedelta(hours=5), "sq"
    )
    original = Doc("orig", "s", 0, "Barnat për sëmundjet kronike falas", STORY, T0, "sq")
    second = Doc(
        "copy2",
        "s",
        2,
        "Barna falas",
        STORY[:2] + [STORY[2] + " Ministri foli sot."],
        T0 + timedelta(hours=9),
        "sq",
    )
    first = _load(engine, ids, [copy])
    assert first.new == 1 and first.duplicates == 0
    later = _load(engine, ids, [original, second])
    # copy2 is linked, and the first copy now points at the original: two copies more.
    assert later.new == 2 and later.duplicates == 2
    links = _links(engine)
    origin = links["Barnat për sëmundjet kronike falas"]
    assert origin.duplicate_of is None
    assert links["Barnat falas nga janari"].duplicate_of == origin.id
    assert links["Barna falas"].duplicate_of == origin.id
    # The story is named by its earliest copy, as if the copies had been loaded in order.
    assert {r.story_id for r in links.values()} == {origin.id}
    with engine.connect() as connection:
        story = connection.execute(sa.text("SELECT * FROM v_stories")).one()
    engine.dispose()
    assert story.origin_article_id == origin.id
    assert story.first_outlet == "outlet-0"
    assert (story.copies, story.outlet_count) == (3, 3)
    assert story.outlets == "outlet-0,outlet-1,outlet-2"
    assert story.languages == "sq"


def test_rerun_changes_nothing(archive_url):
    engine, ids = _setup(archive_url)
    docs = [
        Doc("a", "s", 0, "Barnat falas", STORY, T0, "sq"),
        Doc("b", "s", 1, "Barnat falas nga janari", [*STORY, "Burimi: KosovaPress"], T0 + timedelta(hours=1), "sq"),
        Doc("c", "o", 0, "Tregu i ri në Pejë", OTHER, T0 + timedelta(hours=2), "sq"),
    ]  # fmt: skip
    _load(engine, ids, docs)
    before_links, before_tables = _links(engine), _tables(engine)
    again = _load(engine, ids, docs)
    assert (again.new, again.updated, again.duplicates) == (0, 0, 0)
    assert _links(engine) == before_links
    assert _tables(engine) == before_tables
    assert before_links["Barnat falas nga janari"].duplicate_of == before_links["Barnat falas"].id
    assert before_links["Tregu i ri në Pejë"].duplicate_of is None
    engine.dispose()


def test_boilerplate_is_learned_per_outlet_and_remembered(archive_url):
    engine, ids = _setup(archive_url)
    texts = [
        f"Lajmi numër {i}: " + s
        for i, s in enumerate(
            [
                "Policia arrestoi dy persona për vjedhje në Gjakovë gjatë natës së kaluar.",
                "Aeroporti i Prishtinës shënoi rekord të udhëtarëve gjatë muajit gusht.",
                "Universiteti hap konkurs për 300 bursa për studentët e shkencave natyrore.",
                "Në Ferizaj u inaugurua parku i ri me fusha sportive për të rinjtë e qytetit.",
                "Ministria e Bujqësisë shpall grante për fermerët që kultivojnë pemë.",
                "Qeveria miratoi rregulloren për orarin e punës së administratës publike.",
                "Kuvendi seancë të jashtëzakonshme për ligjin mbi pagat në sektorin publik.",
            ]
        )
    ]
    docs = [
        Doc(f"n{i}", f"n{i}", 3, f"Lajm {i}", [t, FOOTER], T0 + timedelta(hours=i), "sq")
        for i, t in enumerate(texts)
    ]
    # One article per run: what a run learns, the next one finds in the archive.
    for doc in docs[:4]:
        _load(engine, ids, [doc])
    engine.dispose()
    engine, _ = _setup_again(archive_url)
    _load(engine, ids, [docs[4]])
    _load(engine, ids, [docs[5]])
    # Another outlet with the same footer has learned nothing.
    other = Doc("x", "x", 4, "Lajm tjetër", [texts[6], FOOTER], T0 + timedelta(days=1), "sq")
    _load(engine, ids, [other])
    links = _links(engine)
    engine.dispose()
    assert FOOTER in links["Lajm 3"].body_text
    assert links["Lajm 4"].body_text == texts[4]  # the fifth sighting makes it boilerplate
    assert links["Lajm 5"].body_text == texts[5]
    assert FOOTER in links["Lajm tjetër"].body_text


def _setup_again(url):
    from pipeline.archive.db import make_engine

    return make_engine(url), None


def test_items_with_almost_no_text_are_not_linked(sqlite_url):
    engine, ids = _setup(sqlite_url)
    docs = [Doc(f"v{n}", f"v{n}", n, "Video", [], T0 + timedelta(hours=n), "sq") for n in range(3)]
    counts = _load(engine, ids, docs)
    links = _links(engine)
    engine.dispose()
    assert counts.duplicates == 0
    assert links["Video"].duplicate_of is None


def test_lookup_window_forgets_old_buckets_but_keeps_exact_matches(archive_url):
    from pipeline.dedup.stories import forget_buckets_before

    engine, ids = _setup(archive_url)
    _load(engine, ids, [Doc("a", "s", 0, "Barnat falas", STORY, T0, "sq")])
    with engine.begin() as connection:
        assert forget_buckets_before(connection, T0 + timedelta(days=1)) == 20
    late = T0 + timedelta(days=40)
    edited = Doc("b", "s", 1, "Barna", [STORY[0], STORY[1] + " Sot.", STORY[2]], late, "sq")
    exact = Doc("c", "s", 2, "Barnat falas", STORY, late, "sq")
    near = _load(engine, ids, [edited])
    same = _load(engine, ids, [exact])
    engine.dispose()
    assert near.duplicates == 0  # the origin is outside the lookup window
    assert same.duplicates == 1  # the exact copy is found through the content hash


def test_origin_stored_as_a_summary_is_linked_once_its_full_text_arrives(archive_url):
    # The origin's article page failed: it was stored with its lead only, and a copy loaded
    # meanwhile could not match it. Its full text arrives on a later run.
    engine, ids = _setup(archive_url)
    lead_only = Doc("orig", "s", 0, "Barnat për sëmundjet kronike falas", STORY[:1], T0, "sq")
    copy = Doc(
        "copy", "s", 1, "Barnat falas nga janari", [*STORY, "/ VOA"], T0 + timedelta(hours=5), "sq"
    )
    _load(engine, ids, [lead_only])
    _load(engine, ids, [copy])
    assert _links(engine)["Barnat falas nga janari"].duplicate_of is None

    full = Doc("orig", "s", 0, "Barnat për sëmundjet kronike falas", STORY, T0, "sq")
    _load(engine, ids, [full])

    links = _links(engine)
    origin = links["Barnat për sëmundjet kronike falas"]
    assert (origin.duplicate_of, origin.story_id) == (None, origin.id)
    copied = links["Barnat falas nga janari"]
    assert (copied.duplicate_of, copied.story_id) == (origin.id, origin.id)
    # Re-signed once: one signature per article, whatever was stored before.
    assert _tables(engine)[1] == 2
    engine.dispose()
