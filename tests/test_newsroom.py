"""The offline newsroom: feeds, archives, sitemaps, conditional GET and its ground truth."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest

from newsroom import (
    CatalogOptions,
    NewsroomServer,
    build_catalog,
    expected_articles,
    newsroom_registry,
    synthetic_articles,
)
from newsroom.catalog import (
    Catalog,
    date_archive_feed_path,
    default_catalog,
    feed_path,
    sitemap_index_path,
)
from newsroom.outlets import script_of
from newsroom.registry_file import registry_toml, toml_string, write_registry
from newsroom.translit import cyrillic_to_latin, latin_to_cyrillic
from pipeline.sources.registry import FeedSpec, Outlet, Registry, load_registry, parse_registry

ANCHOR = datetime(2026, 3, 8, tzinfo=UTC)  # the 14 days before it span two months
LIVE_ITEMS = 3
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class Clock:
    def __init__(self) -> None:
        self.now = ANCHOR

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(CatalogOptions(anchor=ANCHOR, live_items=LIVE_ITEMS))


@pytest.fixture(scope="module")
def room(catalog):
    clock = Clock()
    with NewsroomServer(catalog=catalog, clock=clock) as server:
        server.test_clock = clock
        yield server


@pytest.fixture
def clock(room):
    room.test_clock.now = ANCHOR
    yield room.test_clock
    room.test_clock.now = ANCHOR


@pytest.fixture(scope="module")
def truth(room):
    return expected_articles(room.catalog, room.base_url)


def get(url: str, headers: dict[str, str] | None = None):
    """(status, headers, body) without raising on 3xx/4xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def rss_links(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]
    return [item.findtext("link") for item in root.iter("item")]


def strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def test_every_registry_feed_answers_xml_of_its_kind(room, clock):
    registry = room.registry()
    assert len(registry.outlets) >= 8
    kinds = Counter()
    for outlet, feed in registry.feeds():
        status, headers, body = get(feed.url)
        assert status == 200, feed.url
        root = ET.fromstring(body)
        kinds[feed.kind] += 1
        if feed.kind == "atom":
            assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
            assert root.tag == f"{ATOM}feed"
        else:
            assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
            assert root.tag == "rss" and root.findtext("channel/language")
        assert rss_links(body), feed.url
        status, headers, body = get(outlet.homepage)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert f'type="application/{"atom" if feed.kind == "atom" else "rss"}+xml"' in body.decode()
    assert set(kinds) == {"rss", "atom", "wordpress"}
    langs = {lang for o in registry.outlets for lang in o.languages}
    assert {"sq", "sr-Cyrl", "sr-Latn", "bs", "hr", "mk", "en"} <= langs


def test_registry_file_loads_like_any_registry(room, tmp_path):
    path = room.write_registry(tmp_path / "newsroom.toml")
    assert path == tmp_path / "newsroom.toml"
    registry = load_registry(str(path))
    assert [o.slug for o in registry.outlets] == [o.slug for o in room.registry().outlets]
    by_slug = {o.slug: o for o in registry.outlets}
    assert by_slug["zeri-atlantik"].fulltext and not by_slug["kronika"].fulltext
    assert by_slug["tirana-ditore"].history == ("wp-date-archive", "wp-paged")
    assert by_slug["beogradski-vesnik"].sitemaps == (
        f"{room.base_url}/beogradski-vesnik/sitemap.xml",
    )


REPO = Path(__file__).resolve().parents[1]


def _registry_built_directly(base_url: str, catalog: Catalog) -> Registry:
    """The registry as the newsroom built it before it wrote a file (registry objects made from
    the catalog): the reference of the round trip through the file."""
    base = base_url.rstrip("/")
    outlets = []
    for o in catalog.outlets:
        feeds = tuple(
            FeedSpec(
                url=base + feed_path(o, f),
                language=f.language,
                section=f.sections[0] if f.sections and len(f.sections) == 1 else None,
                kind=f.kind,
                verified=True,
            )
            for f in o.feeds
        )
        outlets.append(
            Outlet(
                slug=o.slug,
                name=o.name,
                homepage=f"{base}/{o.slug}/",
                country=o.country,
                languages=o.all_languages,
                scripts=tuple(dict.fromkeys(script_of(lang) for lang in o.all_languages)),
                feeds=feeds,
                fulltext=o.fulltext,
                history=o.history,
                sitemaps=(base + sitemap_index_path(o.slug),) if o.news_sitemap else (),
                notes=o.notes,
            )
        )
    return Registry(outlets=tuple(outlets))


@pytest.mark.parametrize("base", ["http://127.0.0.1:8765", "http://127.0.0.1:8765/"])
def test_registry_file_round_trips_the_default_catalog(base):
    text = registry_toml(base)
    reference = _registry_built_directly(base, default_catalog())
    assert parse_registry(text) == reference
    assert newsroom_registry(base) == reference
    assert "[[outlet]]" in text and "[[outlet.feeds]]" in text
    # A feed mixing sections has no section: the key is left out, not written empty.
    assert any(f.section is None for _o, f in reference.feeds())
    assert any(o.notes for o in reference.outlets) and any(o.sitemaps for o in reference.outlets)


def test_registry_file_round_trips_a_scaled_catalog(catalog):
    big = build_catalog(CatalogOptions(anchor=ANCHOR, extra_feeds=12, extra_feed_items=1))
    base = "http://127.0.0.1:9"
    assert parse_registry(registry_toml(base, big)) == _registry_built_directly(base, big)
    assert newsroom_registry(base, catalog) == _registry_built_directly(base, catalog)


def test_registry_file_keeps_only_the_outlets_asked_for(catalog):
    text = registry_toml("http://h", catalog, outlets=["beogradski-vesnik", "kronika"])
    # In the catalog's order, whatever the order asked.
    assert [o.slug for o in parse_registry(text).outlets] == ["kronika", "beogradski-vesnik"]
    with pytest.raises(ValueError, match="no-such-outlet"):
        registry_toml("http://h", catalog, outlets=["kronika", "no-such-outlet"])


@pytest.mark.parametrize(
    "value",
    [
        "",
        'say "hi"',
        r"back\slash \u0041 is not an escape here",
        "tab\there, new\nline, cr\r, bell\a, nul\x00, esc\x1b, del\x7f, ff\f, bs\b, us\x1f",
        "Kronika e Kosovës – Београдски весник # not a comment",
        "'single' and '''triple''' and \"\"\" and a trailing backslash \\",
        "emoji \U0001f4f0, line separator \u2028, NEL \x85",
    ],
)
def test_toml_strings_escape_what_toml_requires(value):
    written = toml_string(value)
    assert tomllib.loads(f"v = {written}")["v"] == value
    assert "\n" not in written and "\r" not in written  # one line, whatever the value


def test_toml_strings_refuse_lone_surrogates():
    with pytest.raises(ValueError, match="surrogate"):
        toml_string("bad \ud800")


def test_write_registry_writes_the_file_whole(tmp_path, catalog):
    target = tmp_path / "deeper" / "newsroom.toml"
    written = write_registry(target, "http://127.0.0.1:1", catalog)
    assert written == target
    assert target.read_text(encoding="utf-8") == registry_toml("http://127.0.0.1:1", catalog)
    assert os.listdir(target.parent) == ["newsroom.toml"]  # no temporary file left behind
    assert load_registry(str(target)) == newsroom_registry("http://127.0.0.1:1", catalog)


def test_server_writes_its_registry_only_once_bound(tmp_path, catalog):
    with pytest.raises(RuntimeError, match="start"):
        NewsroomServer(catalog=catalog).write_registry(tmp_path / "early.toml")
    assert not (tmp_path / "early.toml").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_module_writes_its_registry_before_serving(tmp_path):
    """`python -m newsroom --registry-out PATH`: the file appears once the port is bound, with
    feed URLs under that port, and the feeds it lists answer."""
    port = _free_port()
    target = tmp_path / "newsroom-registry.toml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsroom", "--port", str(port), "--registry-out", str(target)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not target.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no registry file after 60 s"
            time.sleep(0.05)
        registry = load_registry(str(target))
        assert registry == newsroom_registry(f"http://127.0.0.1:{port}")
        _outlet, feed = registry.feeds()[0]
        status, _, body = get(feed.url)
        assert status == 200 and rss_links(body)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_product_does_not_import_the_newsroom():
    code = (
        "import sys, pipeline.cli, pipeline.config, pipeline.sources.registry\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'newsroom']\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_live_feed_lists_latest_items_at_the_clock(room, clock, truth):
    clock.now = ANCHOR - timedelta(days=2)
    path = "/tirana-ditore/feed/"
    _, _, body = get(room.url(path))
    root = ET.fromstring(body)
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in root.iter("item")]
    wanted = sorted(
        (a for a in truth if a.outlet == "tirana-ditore" and a.published_at <= clock.now),
        key=lambda a: a.published_at,
        reverse=True,
    )[:LIVE_ITEMS]
    assert rss_links(body) == [a.url for a in wanted]
    assert dates == [a.published_at for a in wanted] and all(d <= clock.now for d in dates)
    assert len(wanted) == LIVE_ITEMS
    later = [a for a in truth if a.outlet == "tirana-ditore" and a.published_at > clock.now]
    assert later and not {a.url for a in later} & set(rss_links(body))


def test_paged_feed_pages_through_everything_then_404s(room, clock, truth):
    path = "/tirana-ditore/feed/"
    seen: list[str] = []
    page = 1
    while True:
        status, _, body = get(room.url(path + ("" if page == 1 else f"?paged={page}")))
        if status == 404:
            break
        assert status == 200
        seen += rss_links(body)
        page += 1
    wanted = [a.url for a in reversed(truth) if a.outlet == "tirana-ditore"]
    assert seen == wanted and page > 2


def test_date_archive_feed_lists_exactly_that_days_items(room, clock, truth):
    checked = 0
    for slug in ("tirana-ditore", "novosadski-dnevnik", "balkan-wire"):
        for back in range(0, 16):
            day = (ANCHOR - timedelta(days=back)).date()
            status, _, body = get(room.url(date_archive_feed_path(slug, day)))
            assert status == 200
            wanted = {a.url for a in truth if a.outlet == slug and a.published_at.date() == day}
            assert set(rss_links(body)) == wanted
            checked += len(wanted)
    assert checked == sum(
        1 for a in truth if a.outlet in ("tirana-ditore", "novosadski-dnevnik", "balkan-wire")
    )
    assert get(room.url("/tirana-ditore/2026/13/01/feed/"))[0] == 404
    assert get(room.url("/kronika/2026/03/01/feed/"))[0] == 404  # not a WordPress outlet


def test_past_items_fall_out_of_the_live_feed_but_stay_in_archives(room, clock, truth):
    live = set(rss_links(get(room.url("/novosadski-dnevnik/feed/"))[2]))
    old = [a for a in truth if a.outlet == "novosadski-dnevnik" and a.url not in live]
    assert old
    for article in old:
        day_feed = room.url(
            date_archive_feed_path("novosadski-dnevnik", article.published_at.date())
        )
        assert day_feed in article.feed_urls
        assert article.url in rss_links(get(day_feed)[2])


def test_news_sitemap_index_and_children_agree(room, clock, truth):
    for slug in ("beogradski-vesnik", "jadranski-list", "zeri-atlantik"):
        status, headers, body = get(room.url(f"/{slug}/sitemap.xml"))
        assert status == 200 and headers["Content-Type"] == "application/xml; charset=utf-8"
        index = ET.fromstring(body)
        children = [(s.findtext(f"{SM}loc"), s.findtext(f"{SM}lastmod")) for s in index]
        urls: list[str] = []
        for loc, lastmod in children:
            child = ET.fromstring(get(loc)[2])
            entries = list(child.iter(f"{SM}url"))
            assert entries
            for entry in entries:
                news = entry.find(f"{NEWS}news")
                assert news.findtext(f"{NEWS}title")
                assert news.findtext(f"{NEWS}publication/{NEWS}language")
                published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
                assert loc.endswith(f"sitemap-{published.astimezone(UTC):%Y-%m}.xml")
                urls.append(entry.findtext(f"{SM}loc"))
            newest = max(datetime.fromisoformat(e.findtext(f"{SM}lastmod")) for e in entries)
            assert datetime.fromisoformat(lastmod) == newest
        assert sorted(urls) == sorted(a.url for a in truth if a.outlet == slug)
    assert get(room.url("/kronika/sitemap.xml"))[0] == 404
    assert len(children) == 2  # the last sitemap checked spans February and March


def test_conditional_get_answers_304(room, clock):
    url = room.url("/kronika/rss/")
    status, headers, body = get(url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and last_modified
    assert get(url, {"If-None-Match": etag})[0] == 304
    assert get(url, {"If-Modified-Since": last_modified})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200
    clock.now = ANCHOR - timedelta(days=3)  # the feed looked different then
    assert get(url, {"If-None-Match": etag})[0] == 200
    earlier = format_datetime(
        parsedate_to_datetime(last_modified) - timedelta(days=30), usegmt=True
    )
    clock.now = ANCHOR
    assert get(url, {"If-Modified-Since": earlier})[0] == 200


def test_gzip_when_asked_and_validators_per_representation(room, clock):
    url = room.url("/jadranski-list/feed.atom")
    _, plain_headers, plain = get(url)
    status, headers, body = get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain
    assert headers["ETag"] != plain_headers["ETag"]
    assert get(url, {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304


def test_articles_pages_tracking_urls_and_404s(room, clock, truth):
    tracked = [a for a in truth if a.tracking_urls]
    assert tracked
    main_feed = set(rss_links(get(room.url("/sarajevski-glas/rss/"))[2]))
    section_feed = set(rss_links(get(room.url("/sarajevski-glas/rss/sarajevo/"))[2]))
    assert all("utm_source=" in u for u in main_feed)
    assert section_feed and all("?" not in u for u in section_feed)
    both = {strip_query(u) for u in main_feed} & section_feed
    article = next(a for a in tracked if a.url in both)
    clean, via_tracking = get(article.url)[2], get(article.tracking_urls[0])[2]
    assert clean == via_tracking
    page = clean.decode()
    assert f'<link rel="canonical" href="{article.url}">' in page
    for furniture in (
        "<nav",
        "<footer",
        "<script",
        'class="ad ',
        'class="share"',
        'class="related"',
    ):
        assert furniture in page
    assert all(p.replace('"', "&quot;").replace("'", "&#x27;") in page for p in article.paragraphs)
    assert get(room.url("/no-such-outlet/"))[0] == 404
    assert get(room.url("/kronika/no/such/article"))[0] == 404
    clock.now = ANCHOR - timedelta(days=20)  # before every article
    assert get(article.url)[0] == 404


def test_ground_truth_republications_and_translations(truth):
    by_url = {a.url: a for a in truth}
    copies = [a for a in truth if a.republished_from]
    assert copies
    for copy in copies:
        origin = by_url[copy.republished_from]
        assert origin.published_at < copy.published_at and origin.story_key == copy.story_key
    voa = next(
        a for a in truth if a.outlet == "kronika" and a.credit == "VOA" and a.language == "sq"
    )
    origin = by_url[voa.republished_from]
    assert origin.outlet == "zeri-atlantik" and voa.title != origin.title
    assert voa.paragraphs[-1].endswith(" / VOA") and voa.paragraphs[:-1] == origin.paragraphs[:-1]
    assert voa.boilerplate == ("Lajmet e fundit nga Kronika",)
    english = next(a for a in truth if a.outlet == "kronika" and a.language == "en")
    assert english.translation_of == origin.url and english.story_key != origin.story_key
    assert english.paragraphs[-1].endswith("/ VOA") and english.republished_from is None
    bbc = next(a for a in truth if a.credit == "BBC")
    assert bbc.outlet == "sarajevski-glas" and bbc.language == "sr-Latn"


def test_cyrillic_and_latin_copies_transliterate_exactly(truth):
    tanjug = [a for a in truth if a.credit == "Tanjug"]
    cyr = next(a for a in tanjug if a.language == "sr-Cyrl")
    lat = next(a for a in tanjug if a.language == "sr-Latn")
    assert cyr.story_key == lat.story_key and cyr.script == "Cyrl" and lat.script == "Latn"
    assert cyrillic_to_latin(cyr.title) == lat.title
    assert [cyrillic_to_latin(p) for p in cyr.paragraphs] == list(lat.paragraphs)
    assert cyr.paragraphs[-1] == "Извор: Танјуг" and lat.paragraphs[-1] == "Izvor: Tanjug"
    assert latin_to_cyrillic(lat.text) == cyr.text


def test_seed_stories_cover_the_brief(truth):
    seeds = [a for a in truth if not a.synthetic]
    texts = {a.text for a in seeds}
    assert len(texts) >= 30
    assert all(3 <= len(a.paragraphs) <= 6 for a in seeds)
    assert {"sq", "en", "sr-Cyrl", "sr-Latn", "bs", "hr", "mk", "cnr"} <= {
        a.language for a in seeds
    }
    assert len({a.url for a in truth}) == len(truth) == len({a.guid for a in truth})
    water = [a for a in seeds if a.section == "Prishtina"]
    assert len(water) == 2 and water[0].story_key != water[1].story_key
    quote = next(
        a
        for a in seeds
        if a.outlet == "tirana-ditore" and any("“This bridge" in p for p in a.paragraphs)
    )
    assert quote.language == "sq"


def test_texts_are_in_one_script(truth):
    for article in truth:
        letters = [c for c in article.title + article.text if c.isalpha()]
        cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
        expected = len(letters) if article.script == "Cyrl" else 0
        assert cyrillic == expected, article.key


def test_catalog_is_deterministic_and_spreads_over_days():
    a = build_catalog(CatalogOptions(anchor=ANCHOR, days=7))
    b = build_catalog(CatalogOptions(anchor=ANCHOR, days=7))
    assert expected_articles(a, "http://h") == expected_articles(b, "http://h")
    days = {x.published_at.date() for x in a.articles if not x.copy_of}
    assert min(days) >= (ANCHOR - timedelta(days=7)).date() and max(days) < ANCHOR.date()
    assert len(days) >= 5


def test_synthetic_articles_are_unique_and_realistic_in_length():
    stories = synthetic_articles(200, seed=7)
    assert stories == synthetic_articles(200, seed=7)
    texts = ["\n\n".join(s.paragraphs) for s in stories]
    assert len(set(texts)) == 200 and len({s.title for s in stories}) == 200
    assert all(1500 <= len(t) <= 4000 for t in texts)
    assert {s.language for s in stories} >= {"sq", "sr-Cyrl", "sr-Latn", "bs", "hr", "mk", "en"}


def test_extra_feeds_scale_the_registry(catalog):
    big = build_catalog(
        CatalogOptions(anchor=ANCHOR, synthetic=50, extra_feeds=40, extra_feed_items=2)
    )
    base_feeds = len(newsroom_registry("http://h", catalog).feeds())
    registry = newsroom_registry("http://h", big)
    assert len(registry.feeds()) == base_feeds + 40
    assert len(big.articles) == len(catalog.articles) + 50 + 40 * 2
    with NewsroomServer(catalog=big, clock=lambda: ANCHOR) as server:
        for _outlet, feed in server.registry().feeds()[-3:]:
            status, _, body = get(feed.url)
            assert status == 200 and len(rss_links(body)) == 2
