"""Canonical URLs: one key for every spelling of an article's address."""

from __future__ import annotations

import pytest

from pipeline.dedup.keys import article_id
from pipeline.dedup.urls import canonicalize_url, url_key

CASES = [
    # scheme and host case, www, fragment, trailing slash, tracking parameters
    ("HTTPS://WWW.Example.COM/Lajme/Artikull/?utm_source=fb&utm_medium=x&id=5&fbclid=abc#comments",
     "https://example.com/Lajme/Artikull?id=5"),
    ("https://example.com/x?gclid=1&msclkid=2&mc_cid=3&_ga=4&igshid=5&yclid=6&ttclid=7&srsltid=8",
     "https://example.com/x"),
    ("https://example.com/x?pk_campaign=a&mtm_source=b&hsa_acc=c&utm_content=d&xtor=RSS-1",
     "https://example.com/x"),
    ("https://example.com/x?fb_action_ids=1&fb_source=2&WT.mc_id=3&ref=rss&at_medium=4",
     "https://example.com/x"),
    # mobile and AMP variants
    ("https://m.example.com/lajme/artikull/amp/", "https://example.com/lajme/artikull"),
    ("https://mobile.example.com/lajme/artikull", "https://example.com/lajme/artikull"),
    ("https://amp.example.com/lajme/artikull", "https://example.com/lajme/artikull"),
    ("https://example.com/amp/lajme/artikull", "https://example.com/lajme/artikull"),
    ("https://example.com/lajme/artikull.amp.html", "https://example.com/lajme/artikull.html"),
    ("https://example.com/news?amp=1", "https://example.com/news"),
    ("https://example.com/news?outputType=amp", "https://example.com/news"),
    ("https://example-com.cdn.ampproject.org/c/s/example.com/news/5/amp",
     "https://example.com/news/5"),
    # percent-encoding: case, raw non-ASCII, unreserved characters decoded, reserved kept
    ("https://example.com/vesti/%c4%8dla%4eak", "https://example.com/vesti/%C4%8DlaNak"),
    ("https://example.com/vesti/člaNak", "https://example.com/vesti/%C4%8DlaNak"),
    ("https://example.com/a%2Fb/c", "https://example.com/a%2Fb/c"),
    ("https://ex.com/a b", "https://ex.com/a%20b"),
    ("https://example.com/100%", "https://example.com/100%25"),
    # ports, dot segments, query order, user info, hash-bang, IDN, root
    ("https://example.com:443/x", "https://example.com/x"),
    ("http://example.com:80/x", "http://example.com/x"),
    ("http://example.com:443/x", "http://example.com:443/x"),
    ("http://example.com:8080/x/", "http://example.com:8080/x"),
    ("https://example.com:abc/x", "https://example.com/x"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/?b=2&a=1&gclid=z", "https://example.com/?a=1&b=2"),
    ("https://user:secret@example.com/x", "https://example.com/x"),
    ("https://example.com/#!/news/5", "https://example.com/#!/news/5"),
    ("https://www.köln.de/x", "https://xn--kln-sna.de/x"),
    ("https://example.com", "https://example.com/"),
    ("https://www.example.com./", "https://example.com/"),
    # the article path is case-sensitive; a query that identifies the article stays
    ("https://example.com/index.php?id=77&utm_source=x", "https://example.com/index.php?id=77"),
    # two-label hosts are not stripped: "m.al" is a domain, not a mobile variant
    ("https://m.al/x", "https://m.al/x"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "canonical"), CASES)
def test_canonical_form(raw, canonical):
    assert canonicalize_url(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical"), CASES)
def test_canonicalising_twice_changes_nothing(raw, canonical):
    assert canonicalize_url(canonicalize_url(raw)) == canonicalize_url(raw)


def test_http_and_https_spellings_key_one_article():
    keys = {
        article_id(canonical_url=canonicalize_url(u), guid=None, feed_url="f", digest="d")
        for u in (
            "http://www.example.com/lajme/1/",
            "https://example.com/lajme/1?utm_source=rss",
            "https://m.example.com/lajme/1/amp",
        )
    }
    assert len(keys) == 1
    assert url_key("https://example.com/lajme/1") == "example.com/lajme/1"


def test_different_articles_keep_different_keys():
    assert canonicalize_url("https://example.com/lajme?id=1") != canonicalize_url(
        "https://example.com/lajme?id=2"
    )
    assert canonicalize_url("https://a.example.com/x") != canonicalize_url(
        "https://b.example.com/x"
    )


def test_feedburner_orig_link_keys_the_article():
    from datetime import UTC, datetime

    from pipeline.flows.article_row import FeedContext, build_article
    from pipeline.parse.feeds import Entry

    entry = Entry(
        guid=None,
        link="http://feedproxy.google.com/~r/lajme/~3/Xy12/",
        title="Titull",
        summary_html="<p>Tekst i lajmit.</p>",
        content_html=None,
        orig_link="https://www.example.com/lajme/1/?utm_source=feedburner&utm_medium=feed",
    )
    ctx = FeedContext(
        1, 1, "https://example.com/feed", "sq", None, datetime(2026, 1, 1, tzinfo=UTC)
    )
    row = build_article(entry, ctx)
    assert row.url == "https://example.com/lajme/1"
