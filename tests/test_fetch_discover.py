"""Feed autodiscovery: explicit, printed, never switched to."""

from __future__ import annotations

from pipeline.cli import main
from pipeline.fetch.discover import candidates_from_html

PAGE = """<!DOCTYPE html><html><head><title>Portal</title>
<link rel="alternate" type="application/rss+xml" title="Sve vesti" href="/rss/sve">
<link rel="alternate" type="application/atom+xml" href="https://portal.example/atom.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" hreflang="en" href="/en/">
</head><body><link rel="alternate" type="application/rss+xml" href="/body-feed"></body></html>"""


def test_candidates_are_alternate_feed_links_resolved_and_safe():
    found = candidates_from_html(PAGE, "https://portal.example/pocetna")
    assert [(c.url, c.kind, c.title) for c in found] == [
        ("https://portal.example/rss/sve", "rss", "Sve vesti"),
        ("https://portal.example/atom.xml", "atom", ""),
    ]


def test_discover_command_prints_candidates(web, capsys):
    web.add("/", PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    code = main(["discover", web.url("/"), "--allow-host", web.endpoint])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        f"{web.base_url}/rss/sve\trss\tSve vesti",
        "https://portal.example/atom.xml\tatom\t",
    ]
    assert "/rss/sve" not in web.hits  # listed, not fetched


def test_discover_refuses_private_addresses_without_opt_in(web, capsys):
    web.add("/", PAGE, headers={"Content-Type": "text/html"})
    assert main(["discover", web.url("/")]) == 1
    assert "blocked_address" in capsys.readouterr().err
    assert web.hits == {}
