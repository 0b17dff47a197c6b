"""``python -m pipeline history ARTICLE_ID_OR_URL``: an article's versions and what changed.

Reads ``v_article_versions`` (the analyst view) and renders a paragraph-level diff of each
version against the one before it (difflib), as text or as JSON.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import asdict, dataclass
from typing import TextIO

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from pipeline.archive.db import make_read_only_engine
from pipeline.archive.types import UTCDateTime
from pipeline.clean.changes import paragraphs
from pipeline.config import Settings
from pipeline.dedup.urls import canonicalize_url


@dataclass
class Version:
    version: int
    seen_at: str
    title: str
    body_text: str | None
    change: str
    diff: list[str]


class NotFound(LookupError):
    pass


def _article_id(connection: Connection, key: str) -> str:
    key = key.strip()
    if key.lower().startswith(("http://", "https://")):
        found = connection.execute(
            text("SELECT article_id FROM v_articles WHERE url = :url"),
            {"url": canonicalize_url(key)},
        ).scalar()
        if found is None:
            raise NotFound(f"no article with the URL {key}")
        return found
    found = connection.execute(
        text("SELECT article_id FROM v_articles WHERE article_id = :id"), {"id": key}
    ).scalar()
    if found is None:
        raise NotFound(f"no article with the id {key!r}")
    return found


def diff_lines(
    previous: tuple[str, str | None] | None, current: tuple[str, str | None]
) -> list[str]:
    """A unified diff with one line per paragraph, the title first."""
    if previous is None:
        return []
    old = [f"# {previous[0]}", *paragraphs(previous[1])]
    new = [f"# {current[0]}", *paragraphs(current[1])]
    lines = difflib.unified_diff(old, new, "before", "after", n=1, lineterm="")
    return list(lines)[2:]  # the file header lines say nothing here


def article_history(connection: Connection, key: str) -> tuple[str, list[Version]]:
    """(article id, its versions oldest first); raises NotFound."""
    article_id = _article_id(connection, key)
    query = text(
        "SELECT version, seen_at, title, body_text, change FROM v_article_versions "
        "WHERE article_id = :id ORDER BY version"
    ).columns(seen_at=UTCDateTime())
    versions: list[Version] = []
    previous = None
    for number, seen_at, title, body, change in connection.execute(query, {"id": article_id}):
        current = (title, body)
        stamp = seen_at.isoformat() if seen_at is not None else ""
        versions.append(
            Version(int(number), stamp, title, body, change, diff_lines(previous, current))
        )
        previous = current
    return article_id, versions


def render(article_id: str, versions: list[Version], out: TextIO) -> None:
    out.write(f"article {article_id}: {len(versions)} version(s)\n")
    for v in versions:
        out.write(f"\nversion {v.version}  seen {v.seen_at}  {v.change}\n")
        out.write(f"  title: {v.title}\n")
        for line in v.diff:
            out.write(f"  {line}\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", metavar="ARTICLE_ID_OR_URL", help="article id or its URL")
    parser.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    parser.add_argument("--json", action="store_true", help="versions and diffs as JSON")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    settings = Settings.from_env(archive_url=args.db)
    engine = make_read_only_engine(settings.archive_url)
    try:
        with engine.connect() as connection:
            article_id, versions = article_history(connection, args.article)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"error: cannot read the archive's versions ({reason}); "
            "bring it to the newest schema with: python -m pipeline migrate",
            file=sys.stderr,
        )
        return 2
    finally:
        engine.dispose()
    if args.json:
        data = {"article_id": article_id, "versions": [asdict(v) for v in versions]}
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        render(article_id, versions, out)
    return 0
