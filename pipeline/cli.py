"""Command line: ``python -m pipeline <command>``."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from pipeline.config import Settings


def _ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest import ingest_once

    settings = Settings.from_env(
        archive_url=args.db,
        allow_private_networks=True if args.allow_private_networks else None,
        allowed_hosts=frozenset(args.allow_host) if args.allow_host else None,
        sources=args.sources,
    )
    summary = ingest_once(settings, args.feed or None, run_id="cli")
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
    else:
        print("\n".join(summary.lines()))
    return 0


def _langid(args: argparse.Namespace) -> int:
    from pipeline.language.cli import main as langid_main

    return langid_main(sys.stdin, sys.stdout)


def _newsroom(args: argparse.Namespace) -> int:
    from pipeline.newsroom.server import serve_forever

    serve_forever(args.port, args.host)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from pipeline.archive.db import make_engine
    from pipeline.archive.migrate import upgrade

    settings = Settings.from_env(archive_url=args.db)
    upgrade(make_engine(settings.archive_url))
    print(f"archive at head: {settings.archive_url}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="fetch, process and load once")
    ingest.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    ingest.add_argument(
        "--feed",
        action="append",
        metavar="URL",
        help="a feed to ingest (repeatable); default: the registry",
    )
    ingest.add_argument(
        "--sources", help="registry: a TOML file or newsroom:<base url> (default: NEWS_SOURCES)"
    )
    ingest.add_argument(
        "--allow-private-networks",
        action="store_true",
        help="allow fetching from loopback and private addresses",
    )
    ingest.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST:PORT",
        help="allow one private endpoint (repeatable)",
    )
    ingest.add_argument("--json", action="store_true", help="print the run summary as JSON")
    ingest.set_defaults(func=_ingest)

    langid = sub.add_parser("langid", help="identify the language of each stdin line")
    langid.set_defaults(func=_langid)

    newsroom = sub.add_parser("newsroom", help="serve the offline newsroom")
    newsroom.add_argument("--port", type=int, default=8765)
    newsroom.add_argument("--host", default="127.0.0.1")
    newsroom.set_defaults(func=_newsroom)

    migrate = sub.add_parser("migrate", help="bring the archive schema to the newest revision")
    migrate.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    migrate.set_defaults(func=_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)
