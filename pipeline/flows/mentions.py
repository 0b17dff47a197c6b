"""Named-entity mentions on the main path and for the CLI.

``label_mentions`` runs beside the language labels (``capture_rows.label_languages``, in the
parse worker, and in the task's process for the rows it labels itself); ``store_mentions`` runs
in the loader's transaction right after the article upsert. ``find_mentions`` and
``top_mentioned`` are ``python -m pipeline mentions`` and ``python -m pipeline entities``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TextIO

from sqlalchemy import Connection, Engine

from pipeline.archive import mentions as storage
from pipeline.archive.db import make_read_only_engine
from pipeline.archive.mentions import ArticleMentions, MentionFilter
from pipeline.entities import EXTRACTOR_VERSION, article_mentions, resolve_name
from pipeline.types import Article


def label_mentions(rows: list[Article]) -> None:
    """Set ``row.mentions`` of each row (its entities, from its title and text)."""
    for row in rows:
        row.mentions = article_mentions(row)


def store_mentions(connection: Connection, rows: list[Article]) -> int:
    """Replace the stored mentions of the loaded rows whose text changed (or that have none
    yet). A surface that learned boilerplate removal took out of the text is not stored."""
    items = []
    for row in rows:
        if row.mentions is None:
            # A repeat given its first sighting's language label, or a row built elsewhere.
            row.mentions = article_mentions(row)
        text = f"{row.title}\n{row.body_text or row.summary or ''}"
        # (key, label, kind, surface, count): see pipeline.entities.article_mentions.
        values = [m for m in row.mentions if m[3] in text]
        items.append(ArticleMentions(row.id, row.content_hash, values))
    return storage.replace_mentions(connection, items, EXTRACTOR_VERSION, datetime.now(UTC))


@dataclass(frozen=True)
class Found:
    keys: list[str]  # the stored entity keys the name stands for
    label: str | None
    articles: list[dict]


def find_mentions(engine: Engine, name: str, filters: MentionFilter, limit: int = 100) -> Found:
    """The articles mentioning the entity ``name`` stands for, in any of its forms."""
    resolved = resolve_name(name)
    with engine.connect() as connection:
        keys = storage.known_keys(connection, resolved.keys, resolved.surname)
        hits = storage.articles_mentioning(connection, keys, filters, limit)
    return Found(keys, resolved.label, hits)


def top_mentioned(engine: Engine, filters: MentionFilter, top: int = 20) -> list[dict]:
    with engine.connect() as connection:
        return storage.top_entities(connection, filters, top)


# --- python -m pipeline mentions / entities ---------------------------------------------------

KINDS = ("person", "place", "organization", "other")


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def add_mentions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name", help="a name in any script, case or spelling (Vučića, Вучић, Vuçiq)"
    )
    _common_arguments(parser)
    parser.add_argument("--outlet", help="outlet slug")
    parser.add_argument("--lang", help="language tag; 'sr' also matches sr-Cyrl and sr-Latn")
    parser.add_argument("--limit", type=int, default=100, help="most articles listed")


def add_entities_arguments(parser: argparse.ArgumentParser) -> None:
    _common_arguments(parser)
    parser.add_argument("--top", type=int, default=20, help="how many entities (default 20)")
    parser.add_argument("--kind", choices=KINDS)


def run_mentions(args: argparse.Namespace, out: TextIO) -> int:
    """Articles mentioning ``args.name``; exit 1 when none does (as search)."""
    filters = MentionFilter(args.date_from, args.date_to, args.outlet, args.lang)
    engine = make_read_only_engine(args.db)
    try:
        found = find_mentions(engine, args.name, filters, args.limit)
    finally:
        engine.dispose()
    if args.json:
        out.write(json.dumps(found.articles, ensure_ascii=False, indent=2) + "\n")
    else:
        for hit in found.articles:
            when = (hit["published_at"] or "undated")[:16].replace("T", " ")
            surfaces = ", ".join(hit["surfaces"])
            fields = [when, hit["outlet"], hit["language"] or "und", hit["entity_label"]]
            out.write("\t".join([*fields, surfaces, hit["title"]]) + "\n")
    return 0 if found.articles else 1


def run_entities(args: argparse.Namespace, out: TextIO) -> int:
    """The most mentioned entities (by articles) in the range."""
    filters = MentionFilter(args.date_from, args.date_to, kind=args.kind)
    engine = make_read_only_engine(args.db)
    try:
        top = top_mentioned(engine, filters, args.top)
    finally:
        engine.dispose()
    if args.json:
        out.write(json.dumps(top, ensure_ascii=False, indent=2) + "\n")
    else:
        for row in top:
            fields = [str(row["articles"]), str(row["mentions"]), row["entity_kind"]]
            out.write("\t".join([*fields, row["entity_label"], row["entity_key"]]) + "\n")
    return 0 if top else 1
