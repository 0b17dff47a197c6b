"""The newsroom's catalog: outlets, their dated articles and the ground truth.

A catalog is a pure function of `CatalogOptions`: the same options give the same articles, URLs,
GUIDs and dates, so the server, the registry file (`registry_file`) and the tests agree without
sharing state.
"""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from newsroom.outlets import OUTLETS, FeedDef, OutletDef, script_of
from newsroom.synthetic import extra_outlets, synthetic_articles, synthetic_story
from newsroom.texts import SeedStory, seed_stories
from newsroom.translit import slugify

# The seed stories' `day` values are written for a 14-day span and scaled to other spans.
SEED_SPAN_DAYS = 14
# Fixed year in tag: GUIDs so they do not move with the anchor.
TAG_YEAR = 2026


def default_anchor() -> datetime:
    """Today 00:00 UTC."""
    return datetime.combine(datetime.now(UTC).date(), time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class CatalogOptions:
    anchor: datetime | None = None  # UTC; None = today 00:00 UTC
    days: int = 14  # seed stories are spread over the days before the anchor
    live_items: int = 20  # a live feed (and each page of a paged feed) lists this many items
    synthetic: int = 0  # extra template-generated articles spread over the invented outlets
    seed: int = 1  # seed of the synthetic generator
    extra_feeds: int = 0  # additional feeds (on synthetic outlets), for benchmarks
    extra_feed_items: int = 3  # items in each additional feed


@dataclass(frozen=True)
class Article:
    key: str
    outlet: str
    number: int  # the outlet's article id, used in paths and GUIDs
    path: str  # clean canonical path, e.g. /kronika/prishtina/412345/title-words
    title: str
    paragraphs: tuple[str, ...]
    language: str
    section: str
    author: str | None
    published_at: datetime
    story_key: str
    credit: str | None = None
    copy_of: str | None = None
    translation_of: str | None = None
    boilerplate: tuple[str, ...] = ()  # furniture lines printed inside the body
    synthetic: bool = False

    @property
    def script(self) -> str:
        return script_of(self.language)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """First paragraph cut at a word boundary near 200 characters, as CMS excerpts are."""
        first = self.paragraphs[0]
        if len(first) <= 200:
            return first
        return first[:200].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class ExpectedArticle:
    """What a correct pipeline should end up knowing about one newsroom article."""

    key: str
    outlet: str
    url: str  # canonical, clean (no tracking parameters)
    guid: str
    guid_is_permalink: bool
    title: str
    # The article text as the outlet printed it: credit lines included, site furniture
    # (the `boilerplate` lines, "read also" links, share widgets) excluded.
    paragraphs: tuple[str, ...]
    summary: str
    language: str  # BCP 47 of the text itself (may differ from the outlet's)
    script: str
    section: str
    authors: tuple[str, ...]
    published_at: datetime
    story_key: str  # copies of one story share it; a translation has its own
    republished_from: str | None  # url of the earliest newsroom copy of the same story
    translation_of: str | None  # url of the article this one translates
    credit: str | None  # "VOA", "Tanjug", "BBC"
    boilerplate: tuple[str, ...]
    # Feeds listing it: live feeds (while among their latest items), the WordPress date-archive
    # feed of its day, the monthly news sitemap.
    feed_urls: tuple[str, ...]
    tracking_urls: tuple[str, ...]  # other URLs under which feeds link to the same article
    synthetic: bool

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


class Catalog:
    def __init__(
        self,
        options: CatalogOptions,
        anchor: datetime,
        outlets: tuple[OutletDef, ...],
        articles: tuple[Article, ...],
    ):
        self.options = options
        self.anchor = anchor
        self.outlets = outlets
        self.articles = tuple(sorted(articles, key=lambda a: (a.published_at, a.path)))
        self.by_path = {a.path: a for a in self.articles}
        self.by_key = {a.key: a for a in self.articles}
        self._outlets = {o.slug: o for o in outlets}
        self.feeds: dict[str, tuple[OutletDef, FeedDef]] = {
            feed_path(o, f): (o, f) for o in outlets for f in o.feeds
        }
        newest_first = sorted(self.articles, key=lambda a: (a.published_at, a.path), reverse=True)
        self._by_outlet: dict[str, list[Article]] = defaultdict(list)
        self._by_feed: dict[str, list[Article]] = defaultdict(list)
        for article in newest_first:
            self._by_outlet[article.outlet].append(article)
            outlet = self._outlets[article.outlet]
            for feed in outlet.feeds:
                if feed.sections is None or article.section in feed.sections:
                    self._by_feed[feed_path(outlet, feed)].append(article)

    def outlet(self, slug: str) -> OutletDef | None:
        return self._outlets.get(slug)

    def outlet_articles(self, slug: str, clock: datetime) -> list[Article]:
        """The outlet's articles published at or before `clock`, newest first."""
        return [a for a in self._by_outlet.get(slug, ()) if a.published_at <= clock]

    def feed_items(self, path: str, clock: datetime, page: int = 1) -> list[Article]:
        """Page `page` of the live feed at `path` as it looks at `clock`."""
        size = self.options.live_items
        visible = [a for a in self._by_feed.get(path, ()) if a.published_at <= clock]
        return visible[(page - 1) * size : page * size]

    def day_items(self, slug: str, day: date, clock: datetime) -> list[Article]:
        return [a for a in self.outlet_articles(slug, clock) if a.published_at.date() == day]

    def month_items(self, slug: str, year: int, month: int, clock: datetime) -> list[Article]:
        return [
            a
            for a in self.outlet_articles(slug, clock)
            if (a.published_at.year, a.published_at.month) == (year, month)
        ]

    def months(self, slug: str, clock: datetime) -> list[tuple[int, int]]:
        """Months with at least one article visible at `clock`, newest first."""
        seen = {
            (a.published_at.year, a.published_at.month) for a in self.outlet_articles(slug, clock)
        }
        return sorted(seen, reverse=True)


def feed_path(outlet: OutletDef, feed: FeedDef) -> str:
    return f"/{outlet.slug}/{feed.path}"


def date_archive_feed_path(slug: str, day: date) -> str:
    return f"/{slug}/{day:%Y/%m/%d}/feed/"


def sitemap_index_path(slug: str) -> str:
    return f"/{slug}/sitemap.xml"


def sitemap_month_path(slug: str, year: int, month: int) -> str:
    return f"/{slug}/sitemap-{year:04d}-{month:02d}.xml"


def article_guid(article: Article, outlet: OutletDef, base_url: str) -> tuple[str, bool]:
    """(guid, isPermaLink) in the outlet's style."""
    if outlet.guid_style == "permalink":
        return base_url + article.path, True
    if outlet.guid_style == "wp":
        return f"{base_url}/{outlet.slug}/?p={article.number}", False
    return f"tag:{outlet.slug}.newsroom,{TAG_YEAR}:article-{article.number}", False


# --- building -----------------------------------------------------------------------------------


def build_catalog(options: CatalogOptions | None = None) -> Catalog:
    options = options or CatalogOptions()
    if options.days < 1:
        raise ValueError("days must be at least 1")
    anchor = (options.anchor or default_anchor()).astimezone(UTC)
    outlets = OUTLETS + extra_outlets(options.extra_feeds)
    by_slug = {o.slug: o for o in outlets}
    stories = seed_stories()
    stories += synthetic_articles(options.synthetic, options.seed)
    stories += _extra_feed_stories(outlets, options)
    articles: dict[str, Article] = {}
    numbers: set[tuple[str, int]] = set()
    for story in stories:  # origins come before their copies in every module
        articles[story.key] = _article(
            story, by_slug[story.outlet], anchor, options, articles, numbers
        )
    return Catalog(options, anchor, outlets, tuple(articles.values()))


@lru_cache(maxsize=4)
def _cached_default(anchor: datetime) -> Catalog:
    return build_catalog(CatalogOptions(anchor=anchor))


def default_catalog() -> Catalog:
    """The catalog with default options (anchored at today 00:00 UTC), built once per day."""
    return _cached_default(default_anchor())


def _published_at(
    story: SeedStory, anchor: datetime, days: int, origin: Article | None
) -> datetime:
    if origin is not None:
        return origin.published_at + timedelta(minutes=story.delay)
    back = 1 + (story.day - 1) * days // SEED_SPAN_DAYS
    hours, minutes = (int(x) for x in story.at.split(":"))
    return anchor - timedelta(days=back) + timedelta(hours=hours, minutes=minutes)


def _article(
    story: SeedStory,
    outlet: OutletDef,
    anchor: datetime,
    options: CatalogOptions,
    done: dict[str, Article],
    numbers: set[tuple[str, int]],
) -> Article:
    origin = done[story.copy_of] if story.copy_of else None
    published = _published_at(story, anchor, options.days, origin)
    number = zlib.crc32(f"{outlet.slug}/{story.key}".encode()) % 900_000 + 100_000
    while (outlet.slug, number) in numbers:
        number += 1
    numbers.add((outlet.slug, number))
    language = story.language or outlet.language
    boilerplate = (
        (outlet.boilerplate,) if outlet.boilerplate and language == outlet.language else ()
    )
    return Article(
        key=story.key,
        outlet=outlet.slug,
        number=number,
        path=_article_path(outlet, story, number, published),
        title=story.title,
        paragraphs=story.paragraphs,
        language=language,
        section=story.section,
        author=story.author,
        published_at=published,
        story_key=origin.story_key if origin else story.key,
        credit=story.credit,
        copy_of=story.copy_of,
        translation_of=story.translation_of,
        boilerplate=boilerplate,
        synthetic=story.key.startswith("syn-"),
    )


def _article_path(outlet: OutletDef, story: SeedStory, number: int, published: datetime) -> str:
    slug = slugify(story.title)
    if outlet.url_style == "wp":
        return f"/{outlet.slug}/{published:%Y/%m/%d}/{slug}/"
    if outlet.url_style == "html":
        return f"/{outlet.slug}/a/{number}.html"
    return f"/{outlet.slug}/{slugify(story.section, 3)}/{number}/{slug}"


def _extra_feed_stories(
    outlets: tuple[OutletDef, ...], options: CatalogOptions
) -> tuple[SeedStory, ...]:
    stories: list[SeedStory] = []
    for outlet in outlets:
        if not outlet.slug.startswith("extra-"):
            continue
        for feed in outlet.feeds:
            section = feed.sections[0] if feed.sections else outlet.sections[0]
            for i in range(options.extra_feed_items):
                rng = random.Random(f"{options.seed}/{outlet.slug}/{feed.path}/{i}")
                story = synthetic_story(
                    rng, outlet.language, f"syn-x-{outlet.slug}-{feed.path}-{i}"
                )
                stories.append(replace(story, outlet=outlet.slug, section=section))
    return tuple(stories)


# --- ground truth ------------------------------------------------------------------------------


def expected_articles(catalog: Catalog, base_url: str = "") -> list[ExpectedArticle]:
    """Ground truth for every article, oldest first; URLs are absolute under `base_url`."""
    base = base_url.rstrip("/")
    first_of_story: dict[str, Article] = {}
    for article in catalog.articles:
        first_of_story.setdefault(article.story_key, article)
    out = []
    for a in catalog.articles:
        outlet = catalog.outlet(a.outlet)
        assert outlet is not None
        guid, permalink = article_guid(a, outlet, base)
        origin = first_of_story[a.story_key]
        translated = catalog.by_key.get(a.translation_of) if a.translation_of else None
        feeds = [f for f in outlet.feeds if f.sections is None or a.section in f.sections]
        feed_urls = [base + feed_path(outlet, f) for f in feeds]
        if outlet.is_wordpress:
            feed_urls.append(base + date_archive_feed_path(outlet.slug, a.published_at.date()))
        if outlet.news_sitemap:
            month = a.published_at
            feed_urls.append(base + sitemap_month_path(outlet.slug, month.year, month.month))
        out.append(
            ExpectedArticle(
                key=a.key,
                outlet=a.outlet,
                url=base + a.path,
                guid=guid,
                guid_is_permalink=permalink,
                title=a.title,
                paragraphs=a.paragraphs,
                summary=a.summary,
                language=a.language,
                script=a.script,
                section=a.section,
                authors=(a.author,) if a.author else (),
                published_at=a.published_at,
                story_key=a.story_key,
                republished_from=None if origin is a else base + origin.path,
                translation_of=base + translated.path if translated else None,
                credit=a.credit,
                boilerplate=a.boilerplate,
                feed_urls=tuple(feed_urls),
                tracking_urls=tuple(
                    dict.fromkeys(base + a.path + f.tracking for f in feeds if f.tracking)
                ),
                synthetic=a.synthetic,
            )
        )
    return out
