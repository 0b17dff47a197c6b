"""``python -m pipeline search``: matches printed one per line, tab-separated."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TextIO

from pipeline.archive.db import make_read_only_engine
from pipeline.config import Settings
from pipeline.search.query import SearchHit, SearchOptions, search


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="words to find (any script, with or without diacritics)")
    parser.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--lang", help="language tag; 'sr' also matches sr-Cyrl and sr-Latn")
    parser.add_argument("--outlet", help="outlet slug")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print the matches as JSON")


def format_hit(hit: SearchHit) -> str:
    when = hit.published_at.strftime("%Y-%m-%d %H:%M") if hit.published_at else "undated"
    return "\t".join([when, hit.outlet, hit.language or "und", hit.title, hit.url or ""])


def run(args: argparse.Namespace, out: TextIO) -> int:
    settings = Settings.from_env(archive_url=args.db)
    engine = make_read_only_engine(settings.archive_url)
    options = SearchOptions(
        query=args.query,
        date_from=args.date_from,
        date_to=args.date_to,
        language=args.lang,
        outlet=args.outlet,
        limit=args.limit,
    )
    try:
        hits = search(engine, options)
    finally:
        engine.dispose()
    if args.json:
        payload = [
            hit.__dict__ | {"published_at": hit.published_at and hit.published_at.isoformat()}
            for hit in hits
        ]
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for hit in hits:
            out.write(format_hit(hit) + "\n")
    return 0 if hits else 1
