"""Rendering of the newsroom's documents: RSS 2.0, Atom 1.0, WordPress feeds, HTML pages and
news sitemaps. Every function returns bytes (UTF-8) and takes absolute URLs' base explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from newsroom.catalog import (
    Article,
    Catalog,
    article_guid,
    feed_path,
    sitemap_month_path,
)
from newsroom.outlets import FeedDef, OutletDef

# Site furniture in each language: what a text extractor has to learn to throw away.
_UI = {
    "sq": ("Ballina", "Shpërndaje", "Lexo edhe", "Lexo më shumë", "Lajmet e fundit",
           "Reklamë", "Abonohu në buletinin tonë", "Të gjitha të drejtat e rezervuara"),
    "en": ("Home", "Share", "Read also", "Read more", "Latest news", "Advertisement",
           "Subscribe to our newsletter", "All rights reserved"),
    "sr-Cyrl": ("Почетна", "Подели", "Прочитајте још", "Опширније", "Најновије вести",
                "Реклама", "Пријавите се за билтен", "Сва права задржана"),
    "sr-Latn": ("Početna", "Podeli", "Pročitajte još", "Opširnije", "Najnovije vesti",
                "Reklama", "Prijavite se za bilten", "Sva prava zadržana"),
    "bs": ("Naslovnica", "Podijeli", "Pročitajte i", "Opširnije", "Najnovije vijesti",
           "Reklama", "Prijavite se na newsletter", "Sva prava zadržana"),
    "hr": ("Naslovnica", "Podijeli", "Pročitajte i", "Opširnije", "Najnovije vijesti",
           "Oglas", "Pretplatite se na newsletter", "Sva prava pridržana"),
    "cnr": ("Početna", "Podijeli", "Pročitajte još", "Opširnije", "Najnovije vijesti",
            "Reklama", "Prijavite se za bilten", "Sva prava zadržana"),
    "mk": ("Почетна", "Сподели", "Прочитајте и", "Повеќе", "Најнови вести", "Реклама",
           "Претплатете се на билтенот", "Сите права се задржани"),
}  # fmt: skip
_HTML_LANG = {"sr-Cyrl": "sr-Cyrl-RS", "sr-Latn": "sr-Latn-RS"}


def ui(language: str) -> tuple[str, ...]:
    return _UI.get(language, _UI["en"])


def _local(dt: datetime, outlet: OutletDef) -> datetime:
    return dt.astimezone(timezone(timedelta(hours=outlet.utc_offset_hours)))


def rfc822(dt: datetime, outlet: OutletDef) -> str:
    local = _local(dt, outlet)
    if outlet.utc_offset_hours == 0:
        return format_datetime(local.astimezone(UTC), usegmt=True)
    return format_datetime(local)


def rfc3339(dt: datetime, outlet: OutletDef | None = None) -> str:
    local = _local(dt, outlet) if outlet else dt.astimezone(UTC)
    return local.isoformat(timespec="seconds")


def x(text: str) -> str:
    """Escape for XML text and attribute values."""
    return escape(text, quote=True)


def body_html(article: Article, read_also: Article | None, base: str) -> str:
    """The article body as the CMS stores it: paragraphs, an inline "read also" link, and the
    outlet's boilerplate line at the end."""
    parts = [f"<p>{x(p)}</p>" for p in article.paragraphs]
    if read_also is not None and len(parts) >= 3:
        label = ui(article.language)[2]
        link = f'<a href="{x(base + read_also.path)}">{x(read_also.title)}</a>'
        parts.insert(2, f'<p class="read-also"><strong>{x(label)}:</strong> {link}</p>')
    for line in article.boilerplate:
        parts.append(
            f'<p class="cta"><strong><a href="{x(base)}/{article.outlet}/">{x(line)}</a></strong></p>'
        )
    return "\n".join(parts)


def _newest(items: Sequence[Article], fallback: datetime) -> datetime:
    return max((a.published_at for a in items), default=fallback)


# --- feeds --------------------------------------------------------------------------------------


def render_rss(
    catalog: Catalog,
    outlet: OutletDef,
    feed: FeedDef,
    items: Sequence[Article],
    base: str,
    self_url: str,
    title_suffix: str = "",
) -> bytes:
    """RSS 2.0; `feed.kind == "wordpress"` adds the WordPress channel furniture and GUIDs."""
    wp = feed.kind == "wordpress"
    home = f"{base}/{outlet.slug}/"
    built = _newest(items, catalog.anchor)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/">',
        "<channel>",
        f"<title>{x(feed.title + title_suffix)}</title>",
        f'<atom:link href="{x(self_url)}" rel="self" type="application/rss+xml" />',
        f"<link>{x(home)}</link>",
        f"<description>{x(outlet.tagline)}</description>",
        f"<lastBuildDate>{rfc822(built, outlet)}</lastBuildDate>",
        f"<language>{x(outlet.feed_language or outlet.language)}</language>",
    ]
    if wp:
        out += [
            "<sy:updatePeriod>hourly</sy:updatePeriod>",
            "<sy:updateFrequency>1</sy:updateFrequency>",
            "<generator>https://wordpress.org/?v=6.7.1</generator>",
        ]
    else:
        out.append(f"<copyright>© {built.year} {x(outlet.name)}</copyright>")
    for a in items:
        link = base + a.path + feed.tracking
        guid, permalink = article_guid(a, outlet, base)
        out.append("<item>")
        out.append(f"<title>{x(a.title)}</title>")
        out.append(f"<link>{x(link)}</link>")
        if wp:
            out.append(f"<comments>{x(base + a.path)}#respond</comments>")
        if a.author:
            out.append(f"<dc:creator><![CDATA[{a.author}]]></dc:creator>")
        out.append(f"<pubDate>{rfc822(a.published_at, outlet)}</pubDate>")
        out.append(f"<category><![CDATA[{a.section}]]></category>")
        out.append(f'<guid isPermaLink="{"true" if permalink else "false"}">{x(guid)}</guid>')
        if wp and not feed.full_content:
            out.append(f"<description><![CDATA[{a.summary} [&#8230;]]]></description>")
        else:
            out.append(f"<description><![CDATA[{a.summary}]]></description>")
        if feed.full_content:
            out.append(f"<content:encoded><![CDATA[{body_html(a, None, base)}]]></content:encoded>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def render_atom(
    catalog: Catalog,
    outlet: OutletDef,
    feed: FeedDef,
    items: Sequence[Article],
    base: str,
    self_url: str,
) -> bytes:
    home = f"{base}/{outlet.slug}/"
    updated = _newest(items, catalog.anchor)
    lang = outlet.feed_language or outlet.language
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{x(lang)}">',
        f"<title>{x(feed.title)}</title>",
        f"<subtitle>{x(outlet.tagline)}</subtitle>",
        f'<link rel="alternate" type="text/html" href="{x(home)}"/>',
        f'<link rel="self" type="application/atom+xml" href="{x(self_url)}"/>',
        f"<id>tag:{outlet.slug}.newsroom,2026:{x(feed.path)}</id>",
        f"<updated>{rfc3339(updated, outlet)}</updated>",
        f"<rights>© {updated.year} {x(outlet.name)}</rights>",
    ]
    for a in items:
        guid, _ = article_guid(a, outlet, base)
        out += [
            "<entry>",
            f"<title>{x(a.title)}</title>",
            f'<link rel="alternate" type="text/html" href="{x(base + a.path + feed.tracking)}"/>',
            f"<id>{x(guid)}</id>",
            f"<published>{rfc3339(a.published_at, outlet)}</published>",
            f"<updated>{rfc3339(a.published_at, outlet)}</updated>",
        ]
        if a.author:
            out.append(f"<author><name>{x(a.author)}</name></author>")
        out.append(f'<category term="{x(a.section)}"/>')
        out.append(f'<summary type="text">{x(a.summary)}</summary>')
        if feed.full_content:
            out.append(f'<content type="html">{x(body_html(a, None, base))}</content>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out).encode("utf-8")


def render_feed(
    catalog: Catalog,
    outlet: OutletDef,
    feed: FeedDef,
    items: Sequence[Article],
    base: str,
    self_url: str,
    title_suffix: str = "",
) -> bytes:
    if feed.kind == "atom":
        return render_atom(catalog, outlet, feed, items, base, self_url)
    return render_rss(catalog, outlet, feed, items, base, self_url, title_suffix)


# --- sitemaps -----------------------------------------------------------------------------------


def render_sitemap_index(
    catalog: Catalog,
    outlet: OutletDef,
    months: Sequence[tuple[int, int]],
    clock: datetime,
    base: str,
) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for year, month in months:
        newest = _newest(catalog.month_items(outlet.slug, year, month, clock), catalog.anchor)
        out += [
            "<sitemap>",
            f"<loc>{x(base + sitemap_month_path(outlet.slug, year, month))}</loc>",
            f"<lastmod>{rfc3339(newest)}</lastmod>",
            "</sitemap>",
        ]
    out += ["</sitemapindex>", ""]
    return "\n".join(out).encode("utf-8")


def render_sitemap_month(outlet: OutletDef, items: Sequence[Article], base: str) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for a in items:
        out += [
            "<url>",
            f"<loc>{x(base + a.path)}</loc>",
            f"<lastmod>{rfc3339(a.published_at)}</lastmod>",
            "<news:news>",
            "<news:publication>",
            f"<news:name>{x(outlet.name)}</news:name>",
            # Google News wants ISO 639 here, so Serbian is "sr" whatever the script.
            f"<news:language>{x(a.language.split('-')[0])}</news:language>",
            "</news:publication>",
            f"<news:publication_date>{rfc3339(a.published_at, outlet)}</news:publication_date>",
            f"<news:title>{x(a.title)}</news:title>",
            "</news:news>",
            "</url>",
        ]
    out += ["</urlset>", ""]
    return "\n".join(out).encode("utf-8")


def render_robots(catalog: Catalog, base: str) -> bytes:
    lines = ["User-agent: *", "Disallow: /wp-admin/", ""]
    lines += [f"Sitemap: {base}/{o.slug}/sitemap.xml" for o in catalog.outlets if o.news_sitemap]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- HTML pages ---------------------------------------------------------------------------------


def _alternate_links(outlet: OutletDef, base: str) -> str:
    types = {"atom": "application/atom+xml"}
    return "\n".join(
        f'<link rel="alternate" type="{types.get(f.kind, "application/rss+xml")}"'
        f' title="{x(f.title)}" href="{x(base + feed_path(outlet, f))}">'
        for f in outlet.feeds
    )


def _page(
    outlet: OutletDef,
    base: str,
    language: str,
    title: str,
    head_extra: str,
    main: str,
    latest: Sequence[Article],
) -> bytes:
    t = ui(language)
    nav = "".join(
        f'<li><a href="{x(base)}/{outlet.slug}/">{x(s)}</a></li>' for s in outlet.sections
    )
    latest_html = "".join(
        f'<li><a href="{x(base + a.path)}">{x(a.title)}</a></li>' for a in latest[:5]
    )
    html = f"""<!DOCTYPE html>
<html lang="{x(_HTML_LANG.get(language, language))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{x(title)}</title>
{_alternate_links(outlet, base)}
{head_extra}
<link rel="stylesheet" href="{x(base)}/{outlet.slug}/static/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','G-NEWSROOM1');</script>
</head>
<body class="{x(outlet.slug)}">
<header class="site-header">
<div class="top-bar"><span class="date-now"></span> <a href="{x(base)}/{outlet.slug}/">{x(t[0])}</a></div>
<a class="logo" href="{x(base)}/{outlet.slug}/">{x(outlet.name)}</a>
<nav class="main-menu"><ul>{nav}</ul></nav>
</header>
<div class="ad ad-leaderboard" id="ad-top" data-slot="leaderboard"><span>{x(t[5])}</span></div>
<main>
{main}
</main>
<aside class="sidebar">
<h3>{x(t[4])}</h3>
<ul class="latest">{latest_html}</ul>
<div class="newsletter"><p>{x(t[6])}</p><form><input type="email" name="email"><button>OK</button></form></div>
<div class="ad ad-sidebar" data-slot="sidebar"><span>{x(t[5])}</span></div>
</aside>
<footer class="site-footer">
<p>© 2026 {x(outlet.name)}. {x(t[7])}.</p>
<ul class="footer-links"><li><a href="#">Impressum</a></li><li><a href="#">Privacy</a></li><li><a href="#">Kontakt</a></li></ul>
</footer>
<script src="{x(base)}/{outlet.slug}/static/app.js" defer></script>
<script>(function(){{var s=document.createElement('script');s.src='https://ads.example.invalid/tag.js';document.body.appendChild(s);}})();</script>
</body>
</html>
"""
    return html.encode("utf-8")


def render_article_page(
    catalog: Catalog, outlet: OutletDef, article: Article, visible: Sequence[Article], base: str
) -> bytes:
    t = ui(article.language)
    url = base + article.path
    others = [a for a in visible if a.key != article.key]
    read_also = others[0] if others else None
    related = others[1:4]
    published = rfc3339(article.published_at, outlet)
    head = f"""<link rel="canonical" href="{x(url)}">
<meta name="description" content="{x(article.summary)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{x(article.title)}">
<meta property="og:url" content="{x(url)}">
<meta property="og:site_name" content="{x(outlet.name)}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="{x(article.section)}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":{_json(article.title)},"datePublished":"{published}","author":{{"@type":"Person","name":{_json(article.author or outlet.name)}}},"publisher":{{"@type":"Organization","name":{_json(outlet.name)}}},"inLanguage":"{x(article.language)}"}}</script>"""
    share = (
        f'<div class="share"><span>{x(t[1])}:</span> '
        '<a class="fb" href="#">Facebook</a> <a class="tw" href="#">X</a> '
        '<a class="wa" href="#">WhatsApp</a> <a class="mail" href="#">E-mail</a></div>'
    )
    related_html = "".join(
        f'<li><a href="{x(base + a.path)}">{x(a.title)}</a></li>' for a in related
    )
    author = f'<span class="author">{x(article.author)}</span>' if article.author else ""
    main = f"""<article class="post">
<div class="breadcrumbs"><a href="{x(base)}/{outlet.slug}/">{x(t[0])}</a> › <span>{x(article.section)}</span></div>
<h1 class="entry-title">{x(article.title)}</h1>
<div class="meta">{author} <time datetime="{published}">{published[:10]} {published[11:16]}</time></div>
{share}
<div class="entry-content">
{body_html(article, read_also, base)}
</div>
<div class="ad ad-inarticle" data-slot="inarticle"><span>{x(t[5])}</span></div>
{share}
<div class="tags"><a href="#" rel="tag">{x(article.section)}</a></div>
</article>
<section class="related"><h3>{x(t[3])}</h3><ul>{related_html}</ul></section>"""
    return _page(
        outlet, base, article.language, f"{article.title} | {outlet.name}", head, main, others
    )


def render_homepage(outlet: OutletDef, visible: Sequence[Article], base: str) -> bytes:
    t = ui(outlet.language)
    teasers = "\n".join(
        f'<div class="teaser"><h2><a href="{x(base + a.path)}">{x(a.title)}</a></h2>'
        f"<p>{x(a.summary)}</p></div>"
        for a in visible[:20]
    )
    main = f'<section class="front"><h1>{x(outlet.name)}</h1><p>{x(outlet.tagline)}</p>\n{teasers}\n<p><a href="#">{x(t[3])}</a></p></section>'
    head = f'<meta name="description" content="{x(outlet.tagline)}">'
    return _page(outlet, base, outlet.language, outlet.name, head, main, visible)


def render_index(catalog: Catalog, base: str) -> bytes:
    rows = "\n".join(
        f'<li><a href="{x(base)}/{o.slug}/">{x(o.name)}</a> ({x(", ".join(o.all_languages))}) – '
        + ", ".join(f'<a href="{x(base + feed_path(o, f))}">{x(f.kind)}</a>' for f in o.feeds)
        + "</li>"
        for o in catalog.outlets
    )
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Offline newsroom</title></head>
<body><h1>Offline newsroom</h1><p>Invented outlets for demos and tests.</p><ul>
{rows}
</ul></body></html>
"""
    return html.encode("utf-8")


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")
