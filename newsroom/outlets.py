"""The newsroom's invented outlets: names, languages, feed layouts and URL styles."""

from __future__ import annotations

from dataclasses import dataclass

# Query string one feed appends to its item links, as newsletters and social tools do.
TRACKING_QUERY = "?utm_source=rss&utm_medium=feed&utm_campaign=lajme"


@dataclass(frozen=True)
class FeedDef:
    path: str  # below the outlet root, e.g. "feed/" -> /<slug>/feed/
    kind: str  # rss | atom | wordpress
    title: str
    language: str  # BCP 47, for the registry
    # Sections the feed carries; None = every section of the outlet.
    sections: tuple[str, ...] | None = None
    full_content: bool = True  # content:encoded / atom:content with the whole text
    tracking: str = ""  # appended to item links


@dataclass(frozen=True)
class OutletDef:
    slug: str
    name: str
    country: str
    language: str  # BCP 47 of most of its articles
    feeds: tuple[FeedDef, ...]
    # wp: /slug/YYYY/MM/DD/title/ | section: /slug/section/ID/title | html: /slug/a/ID.html
    url_style: str
    guid_style: str  # permalink | tag | wp
    languages: tuple[str, ...] = ()  # all languages it publishes in (default: language)
    sections: tuple[str, ...] = ()  # sections in its main language (synthetic articles use them)
    history: tuple[str, ...] = ()
    news_sitemap: bool = False
    boilerplate: str | None = None  # line the outlet puts under every article in its own language
    feed_language: str = ""  # what the feed's <language> says (outlets are not always precise)
    utc_offset_hours: int = 1  # offset in which dates are written (the instant is the same)
    tagline: str = ""
    notes: str = ""

    @property
    def all_languages(self) -> tuple[str, ...]:
        return self.languages or (self.language,)

    @property
    def fulltext(self) -> bool:
        """True when no feed of the outlet carries the whole text."""
        return not any(f.full_content for f in self.feeds)

    @property
    def is_wordpress(self) -> bool:
        return any(f.kind == "wordpress" for f in self.feeds)


def script_of(language: str) -> str:
    if language in ("sr-Cyrl", "mk", "bg", "ru"):
        return "Cyrl"
    return "Latn"


WP_HISTORY = ("wp-date-archive", "wp-paged")

OUTLETS: tuple[OutletDef, ...] = (
    OutletDef(
        slug="kronika",
        name="Kronika e Kosovës",
        country="XK",
        language="sq",
        languages=("sq", "en"),
        sections=("Kosova & Bota", "Prishtina", "Politikë", "Sport"),
        feeds=(
            FeedDef(
                "rss/",
                "rss",
                "Kronika – Lajme",
                "sq",
                sections=("Kosova & Bota", "Prishtina", "Politikë", "Sport"),
            ),
            FeedDef("rss/english/", "rss", "Kronika – English", "en", sections=("English",)),
        ),
        url_style="section",
        guid_style="tag",
        boilerplate="Lajmet e fundit nga Kronika",
        feed_language="sq",
        tagline="Lajme nga Kosova dhe bota",
        notes="CNA-like; republishes the VOA-like service with a '/ VOA' credit",
    ),
    OutletDef(
        slug="zeri-atlantik",
        name="Zëri Atlantik",
        country="US",
        language="sq",
        sections=("Kosova", "Ekonomi", "Shoqëri"),
        feeds=(
            FeedDef("api/atom.xml", "atom", "Zëri Atlantik", "sq", full_content=False),
            FeedDef(
                "api/ekonomi.xml",
                "atom",
                "Zëri Atlantik – Ekonomi",
                "sq",
                sections=("Ekonomi",),
                full_content=False,
            ),
        ),
        url_style="html",
        guid_style="tag",
        history=("news-sitemap",),
        news_sitemap=True,
        feed_language="sq",
        utc_offset_hours=0,
        tagline="Shërbimi në gjuhën shqipe",
        notes="stand-in for a US government broadcaster's Albanian service (copies credit 'VOA')",
    ),
    OutletDef(
        slug="tirana-ditore",
        name="Tirana Ditore",
        country="AL",
        language="sq",
        sections=("Aktualitet", "Ekonomi", "Moti", "Shoqëri"),
        feeds=(
            FeedDef("feed/", "wordpress", "Tirana Ditore", "sq"),
            FeedDef(
                "category/ekonomi/feed/",
                "wordpress",
                "Tirana Ditore » Ekonomi",
                "sq",
                sections=("Ekonomi",),
            ),
        ),
        url_style="wp",
        guid_style="wp",
        history=WP_HISTORY,
        feed_language="sq",
        utc_offset_hours=0,
        tagline="Lajmet e ditës nga kryeqyteti",
    ),
    OutletDef(
        slug="beogradski-vesnik",
        name="Београдски весник",
        country="RS",
        language="sr-Cyrl",
        sections=("Београд", "Србија", "Економија"),
        feeds=(
            FeedDef("rss.xml", "rss", "Београдски весник", "sr-Cyrl", full_content=False),
            FeedDef(
                "rss/ekonomija.xml",
                "rss",
                "Београдски весник – Економија",
                "sr-Cyrl",
                sections=("Економија",),
                full_content=False,
            ),
        ),
        url_style="section",
        guid_style="permalink",
        history=("news-sitemap",),
        news_sitemap=True,
        feed_language="sr",
        tagline="Вести из Београда и Србије",
    ),
    OutletDef(
        slug="novosadski-dnevnik",
        name="Novosadski dnevnik",
        country="RS",
        language="sr-Latn",
        sections=("Novi Sad", "Srbija", "Politika", "Sport"),
        feeds=(FeedDef("feed/", "wordpress", "Novosadski dnevnik", "sr-Latn"),),
        url_style="wp",
        guid_style="wp",
        history=WP_HISTORY,
        feed_language="sr-RS",
        utc_offset_hours=0,
        tagline="Vesti iz Novog Sada i Vojvodine",
    ),
    OutletDef(
        slug="sarajevski-glas",
        name="Sarajevski glas",
        country="BA",
        language="bs",
        languages=("bs", "sr-Latn"),
        sections=("Sarajevo", "BiH", "Regija"),
        feeds=(
            FeedDef(
                "rss/",
                "rss",
                "Sarajevski glas – Najnovije",
                "bs",
                full_content=False,
                tracking=TRACKING_QUERY,
            ),
            FeedDef(
                "rss/sarajevo/",
                "rss",
                "Sarajevski glas – Sarajevo",
                "bs",
                sections=("Sarajevo",),
                full_content=False,
            ),
        ),
        url_style="section",
        guid_style="permalink",
        feed_language="bs-BA",
        tagline="Vijesti iz Sarajeva, BiH i regije",
        notes="main feed links carry utm_ tracking parameters; section feed links are clean",
    ),
    OutletDef(
        slug="jadranski-list",
        name="Jadranski list",
        country="HR",
        language="hr",
        sections=("Hrvatska", "Dalmacija"),
        feeds=(FeedDef("feed.atom", "atom", "Jadranski list", "hr"),),
        url_style="section",
        guid_style="tag",
        history=("news-sitemap",),
        news_sitemap=True,
        feed_language="hr",
        tagline="Vijesti s Jadrana i iz Hrvatske",
    ),
    OutletDef(
        slug="skopski-pogled",
        name="Скопски поглед",
        country="MK",
        language="mk",
        sections=("Скопје", "Економија", "Спорт"),
        feeds=(FeedDef("rss/", "rss", "Скопски поглед", "mk"),),
        url_style="section",
        guid_style="permalink",
        feed_language="mk-MK",
        tagline="Вести од Скопје и Македонија",
    ),
    OutletDef(
        slug="podgoricke-novine",
        name="Podgoričke novine",
        country="ME",
        language="cnr",
        sections=("Podgorica", "Crna Gora"),
        feeds=(FeedDef("rss", "rss", "Podgoričke novine", "cnr", full_content=False),),
        url_style="html",
        guid_style="tag",
        feed_language="sr",
        tagline="Vijesti iz Podgorice i Crne Gore",
    ),
    OutletDef(
        slug="balkan-wire",
        name="Balkan Wire",
        country="regional",
        language="en",
        sections=("Region", "Kosovo", "North Macedonia"),
        feeds=(FeedDef("feed/", "wordpress", "Balkan Wire", "en", full_content=False),),
        url_style="wp",
        guid_style="wp",
        history=WP_HISTORY,
        feed_language="en-US",
        utc_offset_hours=0,
        tagline="Regional news in English",
    ),
)
