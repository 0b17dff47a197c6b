"""Republished stories through the whole path: loopback outlets, ingest_once, the archive.

Four invented outlets: an origin in Albanian and a portal that republishes it under a new headline
with "/ VOA" and a "latest news" line; an origin in Serbian Cyrillic and a Bosnian portal whose
feed carries only a summary (full text on) and whose article page has the text in Latin script
with an "Izvor:" credit, between navigation, ads and comments.
"""

from __future__ import annotations

import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once

SQ_PARAGRAPHS = [
    "Qeveria e Kosovës miratoi të mërkurën projektligjin për energjinë e ripërtëritshme, i cili parasheh që deri në vitin 2031 një e katërta e energjisë elektrike të prodhohet nga dielli dhe era.",
    "Ministrja e Ekonomisë tha se investitorët privatë do të mund të marrin leje për parqe diellore përmes një procedure të vetme, pa pritur muaj të tërë në disa institucione.",
    "Dhoma Ekonomike mirëpriti vendimin, por paralajmëroi se rrjeti i transmetimit duhet të përforcohet para se të lidhen kapacitete të reja.",
    "Projektligji tani dërgohet në Kuvend, ku pritet të shqyrtohet në lexim të parë para pushimeve dimërore.",
]  # fmt: skip
SR_PARAGRAPHS = [
    "Градска управа за саобраћај у Нишу објавила је да ће од понедељка бити затворен део булевара Немањића због замене водоводних цеви испод коловоза.",
    "Радови ће трајати шест недеља, а возила јавног превоза ићи ће измењеним трасама преко Обилићевог венца и улице Вожда Карађорђа.",
    "Из јавног комуналног предузећа наводе да су цеви старе више од педесет година и да су ове године пуцале једанаест пута.",
    "Грађанима се саветује да у вршним сатима користе алтернативне правце и да прате обавештења на сајту градске управе.",
]  # fmt: skip
EN_TRANSLATION = [
    "Kosovo's government on Wednesday approved a draft law on renewable energy that foresees a quarter of electricity coming from sun and wind by 2031.",
    "The economy minister said private investors would be able to obtain permits for solar parks through a single procedure.",
    "The draft now goes to parliament, where a first reading is expected before the winter recess. / VOA",
]  # fmt: skip


def _latin(text: str) -> str:
    from pipeline.text.fold import transliterate

    return transliterate(text)


def _rss(base: str, title: str, language: str, items: list[dict]) -> str:
    entries = "".join(
        f"""<item><title>{i["title"]}</title><link>{base}{i["path"]}</link>
        <guid isPermaLink="false">{i["path"]}</guid><pubDate>{i["date"]}</pubDate>
        <description><![CDATA[{i["html"]}]]></description></item>"""
        for i in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>
    <link>{base}/</link><language>{language}</language>{entries}</channel></rss>"""


def _paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


ARTICLE_PAGE = """<!DOCTYPE html><html lang="bs"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><nav><a href="/">Naslovna</a> <a href="/vijesti">Vijesti</a> <a href="/sport">Sport</a></nav></header>
<div class="banner ad">Reklama: najbolje cijene kredita</div>
<main><article><h1>{title}</h1><p class="meta">27.11.2026. 10:15</p>
{body}
<div class="share-buttons"><a href="https://facebook.com/share">Podijeli na Facebooku</a></div>
</article>
<section id="comments"><h3>Komentari (2)</h3><p>Komentar: konačno nešto rade u tom gradu, bilo je vrijeme.</p></section>
</main><footer><p>Sva prava zadržana. Portal Dolina 2026.</p></footer></body></html>"""


def _registry(web) -> str:
    base = web.base_url
    sq_html = _paragraphs(SQ_PARAGRAPHS)
    copy_html = (
        _paragraphs(SQ_PARAGRAPHS[:-1])
        + f"<p>{SQ_PARAGRAPHS[-1]} / VOA</p>"
        + '<div class="social-share"><a href="#">Shpërndaje</a></div>'
        + "<p>Lajmet e fundit nga VOA</p>"
    )
    feeds = {
        "/zeri.xml": _rss(base, "Zëri", "sq", [
            {"title": "Qeveria miraton projektligjin për energjinë e ripërtëritshme",
             "path": "/zeri/energjia", "date": "Wed, 25 Nov 2026 09:00:00 +0000", "html": sq_html},
        ]),
        "/kanali.xml": _rss(base, "Kanali", "sq", [
            {"title": "Deri në 2031, një e katërta e rrymës nga dielli dhe era",
             "path": "/kanali/rryma-dielli?utm_source=rss", "date": "Wed, 25 Nov 2026 11:30:00 +0000",
             "html": copy_html},
            {"title": "Kosovo approves renewable energy draft law",
             "path": "/kanali/en/renewables", "date": "Wed, 25 Nov 2026 12:00:00 +0000",
             "html": _paragraphs(EN_TRANSLATION)},
        ]),
        "/vesti.xml": _rss(base, "Вести", "sr", [
            {"title": "Затвара се део булевара Немањића", "path": "/vesti/bulevar",
             "date": "Thu, 26 Nov 2026 07:00:00 +0000", "html": _paragraphs(SR_PARAGRAPHS)},
        ]),
        "/dolina.xml": _rss(base, "Dolina", "bs", [
            {"title": "Niš: zatvara se bulevar zbog zamjene cijevi", "path": "/dolina/nis-bulevar",
             "date": "Thu, 26 Nov 2026 10:15:00 +0000",
             "html": "Gradska uprava za saobraćaj u Nišu objavila je da će od ponedjeljka biti zatvoren dio bulevara..."},
        ]),
    }  # fmt: skip
    for path, body in feeds.items():
        web.add(path, body, headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    page = ARTICLE_PAGE.format(
        title="Niš: zatvara se bulevar zbog zamjene cijevi",
        body=_paragraphs([_latin(p) for p in SR_PARAGRAPHS]) + "<p>Izvor: Vesti</p>",
    )
    web.add("/dolina/nis-bulevar", page, headers={"Content-Type": "text/html; charset=utf-8"})
    outlets = [
        ("zeri", "sq", "/zeri.xml", False),
        ("kanali", "sq", "/kanali.xml", False),
        ("vesti", "sr", "/vesti.xml", False),
        ("dolina", "bs", "/dolina.xml", True),
    ]
    return "\n".join(
        f"""[[outlet]]
slug = "{slug}"
name = "{slug.title()}"
homepage = "{base}/{slug}/"
country = "XK"
languages = ["{lang}"]
fulltext = {"true" if fulltext else "false"}
feeds = [{{ url = "{base}{path}", language = "{lang}" }}]
"""
        for slug, lang, path, fulltext in outlets
    )


def test_republished_stories_are_linked_to_their_origin(archive_url, web, tmp_path):
    registry = tmp_path / "outlets.toml"
    registry.write_text(_registry(web), encoding="utf-8")
    settings = Settings.from_env(
        archive_url=archive_url, sources=str(registry), allowed_hosts=frozenset({web.endpoint})
    )

    summary = ingest_once(settings)

    assert summary.new == 5
    assert summary.duplicates == 2
    engine = sa.create_engine(archive_url)
    with engine.connect() as connection:
        rows = {
            r.outlet + ":" + r.url.rsplit("/", 1)[-1]: r
            for r in connection.execute(
                sa.text(
                    "SELECT article_id, outlet, url, title, body_text, story_id, duplicate_of, "
                    "syndicated_from FROM v_articles"
                )
            )
        }
        stories = {
            r.first_outlet: r
            for r in connection.execute(sa.text("SELECT * FROM v_stories WHERE copies > 1"))
        }
    engine.dispose()
    origin, copy = rows["zeri:energjia"], rows["kanali:rryma-dielli"]
    assert origin.duplicate_of is None and origin.syndicated_from is None
    assert copy.duplicate_of == origin.article_id
    assert copy.story_id == origin.story_id
    assert copy.syndicated_from == "VOA"
    # The credit stays in the text; the "latest news" line and the share widget do not.
    assert copy.body_text.endswith("para pushimeve dimërore. / VOA")
    assert "Lajmet e fundit" not in copy.body_text and "Shpërndaje" not in copy.body_text
    # A translation is not a copy, but its credit still names the source.
    translation = rows["kanali:renewables"]
    assert translation.duplicate_of is None and translation.syndicated_from == "VOA"
    # Summary-only feed, full text on: the page's main text, in Latin, linked to the Cyrillic origin.
    cyrillic, latin = rows["vesti:bulevar"], rows["dolina:nis-bulevar"]
    assert latin.duplicate_of == cyrillic.article_id
    assert latin.story_id == cyrillic.story_id
    assert latin.syndicated_from == "Vesti"
    assert "Radovi će trajati šest nedelja" in latin.body_text
    for furniture in ("Reklama", "Naslovna", "Komentar", "Podijeli", "Sva prava"):
        assert furniture not in latin.body_text
    assert web.hits["/dolina/nis-bulevar"] == 1
    assert stories["zeri"].outlets == "kanali,zeri" and stories["zeri"].copies == 2
    assert (
        stories["vesti"].outlets == "dolina,vesti"
        and stories["vesti"].languages == "sr-Cyrl,sr-Latn"
    )

    again = ingest_once(settings)
    assert again.new == 0
    assert web.hits["/dolina/nis-bulevar"] == 1
