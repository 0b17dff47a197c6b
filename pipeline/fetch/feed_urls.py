"""Feed URLs given by a person (``python -m pipeline ingest --feed URL``), checked before
anything is written: a mistyped argument must not register an outlet and a feed in the archive."""

from __future__ import annotations

from urllib.parse import urlsplit

# The fetch client refuses longer URLs (pipeline.fetch.client.check_url's default); a feed URL
# is never near it.
MAX_FEED_URL_CHARS = 2048


def feed_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a feed's address, or None when it can."""
    if not url or url != url.strip() or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return "not a URL (empty, or with spaces or control characters)"
    if len(url) > MAX_FEED_URL_CHARS:
        return f"longer than {MAX_FEED_URL_CHARS} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in {"http", "https"}:
        return "not an http(s) URL"
    if not parts.hostname:
        return "no host name"
    return None


def bad_feed_url(urls: list[str] | None) -> str | None:
    """A one-line message naming the first unusable URL of ``urls``, or None when all can be
    fetched."""
    for url in urls or []:
        problem = feed_url_problem(url)
        if problem is not None:
            return f"--feed {url!r}: {problem}"
    return None
