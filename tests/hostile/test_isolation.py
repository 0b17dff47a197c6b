"""One poisoned capture or item never stops a run (docs/hostile-inputs.md cases 44-45)."""

from __future__ import annotations

from pipeline.flows import capture_rows
from tests.hostile.support import (
    assert_archive_clean,
    assert_good_loaded,
    fetch_errors,
    good_feed,
    item,
    query,
    rss,
    run,
    titles,
)


def test_a_lone_surrogate_reference_is_replaced_and_every_feed_loads(archive_url, hostile):
    # Ill-formed around the reference too, so that feedparser's lenient parser reads it.
    poisoned = rss(
        [
            item("Naslov sa &#xD800; znakom", "http://example.invalid/s1", raw_description=True,
                 description="Opis &#xD800; i &#1114112; i &#0; <b>bez kraja"),
            item("Drugi naslov &#xDFFF;", "http://example.invalid/s2", raw_description=True,
                 description="&lt;p&gt;Tekst &amp;#xD800; ostaje&lt;/p&gt;"),
        ]
    )  # fmt: skip
    bad = hostile.serve("/poisoned.xml", poisoned)
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    summary = run(archive_url, [bad, good], hostile)
    assert fetch_errors(archive_url) == {bad: None, good: None}
    assert_good_loaded(archive_url)
    # Titles drop the replacement character; texts keep it where a character stood.
    assert {"Naslov sa znakom", "Drugi naslov"} <= titles(archive_url)
    bodies = {row[0] for row in query(archive_url, "SELECT body_text FROM articles")}
    assert {"Opis \ufffd i \ufffd i bez kraja", "Tekst \ufffd ostaje"} <= bodies
    assert summary.new == 4 and summary.failed == 0
    assert_archive_clean(archive_url)
    for text in bodies:
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def test_a_capture_that_breaks_the_code_is_quarantined_and_the_rest_load(
    archive_url, hostile, monkeypatch
):
    """Any exception from one capture (here planted in the row builder) quarantines that capture
    with its class and message; the run's other captures load and the summary counts it."""
    real = capture_rows.feed_rows

    def breaks_on_one(body, *args, **kwargs):
        if b"Otrovan" in body:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(body, *args, **kwargs)

    monkeypatch.setattr(capture_rows, "feed_rows", breaks_on_one)
    monkeypatch.setattr("pipeline.flows.process.feed_rows", breaks_on_one)
    bad = hostile.serve("/bad.xml", rss([item("Otrovan", "http://example.invalid/o")]))
    good = hostile.serve("/good.xml", good_feed(hostile.base_url))
    summary = run(archive_url, [bad, good], hostile, parse_isolated=False)
    assert_good_loaded(archive_url)
    assert summary.quarantined == 1
    assert summary.errors_by_class == {"capture_error": 1}
    assert fetch_errors(archive_url) == {bad: "capture_error", good: None}
    rows = query(archive_url, "SELECT item_key, reason, detail FROM quarantine")
    assert len(rows) == 1
    key, reason, detail = rows[0]
    assert key.startswith("capture:") and reason == "capture_error"
    assert detail.startswith("UnicodeEncodeError: ") and "surrogates not allowed" in detail
    # Set aside, not retried every run: the next run has nothing left to process.
    assert query(archive_url, "SELECT count(*) FROM captures WHERE processed_at IS NULL") == [(0,)]


def test_an_item_that_breaks_the_row_builder_is_quarantined_alone(
    archive_url, hostile, monkeypatch
):
    from pipeline.flows import article_row

    real = article_row.build_article

    def breaks_on_one(entry, ctx):
        if entry.title == "Pokvaren":
            raise ValueError("planted fault")
        return real(entry, ctx)

    monkeypatch.setattr(capture_rows, "build_article", breaks_on_one)
    feed = rss(
        [
            item("Pokvaren", "http://example.invalid/p"),
            item("Ispravan naslov vesti", "http://example.invalid/i"),
        ]
    )
    url = hostile.serve("/mixed.xml", feed)
    summary = run(archive_url, [url], hostile, parse_isolated=False)
    assert titles(archive_url) == {"Ispravan naslov vesti"}
    assert summary.quarantined == 1
    assert query(archive_url, "SELECT reason, detail FROM quarantine") == [
        ("item_error", "ValueError('planted fault')")
    ]
