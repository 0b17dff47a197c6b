"""Outlet and feed registry.

The registry is a data file (``outlets.toml`` beside this module) listing real Balkan outlets with
their feeds and language/script priors. ``NEWS_SOURCES`` may point at another TOML file of the same
shape.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_REGISTRY = Path(__file__).with_name("outlets.toml")


@dataclass(frozen=True)
class FeedSpec:
    url: str
    # BCP 47 tag the feed declares or is known to publish in; a prior, not a verdict.
    language: str | None = None
    section: str | None = None
    kind: str = "rss"  # rss | atom | wordpress | sitemap
    verified: bool = False
    # Manual poll interval ("30m", "1h", "1d"): overrides what the feed declares and how often it
    # publishes (pipeline.fetch.schedule); None lets the schedule decide.
    poll_every: str | None = None

    @property
    def poll_every_s(self) -> float | None:
        """The override in seconds (validated when the registry is read)."""
        return _duration_s(self.poll_every) if self.poll_every else None


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    homepage: str
    country: str
    languages: tuple[str, ...]
    scripts: tuple[str, ...] = ("Latn",)
    feeds: tuple[FeedSpec, ...] = ()
    # Fetch the article page when the feed carries only a summary.
    fulltext: bool = False
    # History the outlet offers for backfills: "wp-date-archive", "wp-paged", "sitemap", "news-sitemap".
    history: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Registry:
    outlets: tuple[Outlet, ...] = field(default_factory=tuple)

    def feeds(self) -> list[tuple[Outlet, FeedSpec]]:
        return [(outlet, feed) for outlet in self.outlets for feed in outlet.feeds]


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def _duration_s(text: str) -> float:
    """``"90s"``, ``"15m"``, ``"1h"``, ``"2d"``, ``"1w"`` in seconds; raises ValueError."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 1h, 1d)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _checked_duration(value: object, url: str) -> str | None:
    if value is None:
        return None
    try:
        _duration_s(str(value))
    except ValueError as exc:
        raise ValueError(f"feed {url}: poll_every: {exc}") from None
    return str(value)


def _outlet_from_dict(data: dict) -> Outlet:
    feeds = tuple(
        FeedSpec(
            url=f["url"],
            language=f.get("language"),
            section=f.get("section"),
            kind=f.get("kind", "rss"),
            verified=bool(f.get("verified", False)),
            poll_every=_checked_duration(f.get("poll_every"), f["url"]),
        )
        for f in data.get("feeds", [])
    )
    return Outlet(
        slug=data["slug"],
        name=data["name"],
        homepage=data["homepage"],
        country=data["country"],
        languages=tuple(data.get("languages", [])),
        scripts=tuple(data.get("scripts", ["Latn"])),
        feeds=feeds,
        fulltext=bool(data.get("fulltext", False)),
        history=tuple(data.get("history", [])),
        sitemaps=tuple(data.get("sitemaps", [])),
        notes=data.get("notes", ""),
    )


def parse_registry(text: str) -> Registry:
    data = tomllib.loads(text)
    outlets = tuple(_outlet_from_dict(o) for o in data.get("outlet", []))
    slugs = [o.slug for o in outlets]
    if len(slugs) != len(set(slugs)):
        raise ValueError("registry lists an outlet slug twice")
    return Registry(outlets=outlets)


def load_registry(source: str | None = None) -> Registry:
    """Load the registry file ``source``; None: the packaged file.

    Callers pass ``Settings.sources`` (``NEWS_SOURCES``, read in pipeline.config).
    """
    return parse_registry(Path(source or DEFAULT_REGISTRY).read_text(encoding="utf-8"))
