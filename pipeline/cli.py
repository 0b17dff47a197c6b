"""Command line: ``python -m pipeline <command>``."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from pipeline.config import Settings


def _ingest(args: argparse.Namespace) -> int:
    from pipeline.flows.ingest import ingest_once

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


def _discover(args: argparse.Namespace) -> int:
    from pipeline.fetch.discover import discover_feeds

    settings = Settings.from_env(
        allow_private_networks=True if args.allow_private_networks else None,
        allowed_hosts=frozenset(args.allow_host) if args.allow_host else None,
    )
    candidates, error = discover_feeds(args.url, settings)
    if error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([c.__dict__ for c in candidates], indent=2, ensure_ascii=False))
    else:
        for candidate in candidates:
            print(f"{candidate.url}\t{candidate.kind}\t{candidate.title}")
    if not candidates:
        print("no feed advertised on that page", file=sys.stderr)
    return 0


def _langid(args: argparse.Namespace) -> int:
    from pipeline.language.cli import main as langid_main

    return langid_main(sys.stdin, sys.stdout)


def _migrate(args: argparse.Namespace) -> int:
    from pipeline.archive.db import make_engine
    from pipeline.archive.migrate import upgrade

    settings = Settings.from_env(archive_url=args.db)
    upgrade(make_engine(settings.archive_url))
    print(f"archive at head: {settings.archive_url}")
    return 0


def _search(args: argparse.Namespace) -> int:
    from pipeline.search.cli import run

    return run(args, sys.stdout)


def _export(args: argparse.Namespace) -> int:
    from pipeline.flows.export import run

    return run(args)


def _analyst_role(args: argparse.Namespace) -> int:
    from pipeline.archive.analyst_role import run

    return run(args)


def _add_analyst_commands(sub) -> None:
    from pipeline.archive.analyst_role import add_arguments as analyst_role_arguments
    from pipeline.flows.export import add_arguments as export_arguments
    from pipeline.search.cli import add_arguments as search_arguments

    search = sub.add_parser("search", help="full-text search, any script, no diacritics needed")
    search_arguments(search)
    search.set_defaults(func=_search)
    export = sub.add_parser("export", help="export a date range of articles to CSV or Parquet")
    export_arguments(export)
    export.set_defaults(func=_export)
    role = sub.add_parser("analyst-role", help="create the read-only analyst role (PostgreSQL)")
    analyst_role_arguments(role)
    role.set_defaults(func=_analyst_role)


def _add_network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-private-networks",
        action="store_true",
        help="allow fetching from loopback and private addresses",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST:PORT",
        help="allow one private endpoint (repeatable)",
    )


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
    ingest.add_argument("--sources", help="a registry TOML file (default: NEWS_SOURCES)")
    _add_network_options(ingest)
    ingest.add_argument("--json", action="store_true", help="print the run summary as JSON")
    ingest.set_defaults(func=_ingest)

    discover = sub.add_parser(
        "discover",
        help="list the feeds an outlet's homepage advertises (never changes the registry)",
    )
    discover.add_argument("url", help="the outlet's homepage")
    _add_network_options(discover)
    discover.add_argument("--json", action="store_true", help="print the candidates as JSON")
    discover.set_defaults(func=_discover)

    langid = sub.add_parser("langid", help="identify the language of each stdin line")
    langid.set_defaults(func=_langid)

    migrate = sub.add_parser("migrate", help="bring the archive schema to the newest revision")
    migrate.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    migrate.set_defaults(func=_migrate)
    _add_analyst_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)
