"""Command line of the news archive: python -m pipeline <command> [options].

-v/--verbose and -q/--quiet may stand anywhere on the line. Every failure is one line on stderr
naming what to do, with its own exit code (README, "Exit codes"); -v adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from datetime import date

from pipeline.config import Settings

# Exit codes (README.md, "Exit codes"). 1 is also search's "no match", as grep's.
EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2  # argparse: unknown option, missing argument
EXIT_NOT_MIGRATED = 3
EXIT_UNREACHABLE = 4
EXIT_BAD_URL = 5
EXIT_BAD_DATE = 6
EXIT_REVERSED_RANGE = 7
EXIT_UNKNOWN_OUTLET = 8
EXIT_BAD_REGISTRY = 9
EXIT_FILE = 10  # a file the command reads or writes: missing, a folder, no permission, disk full
EXIT_INTERNAL = 70  # a bug of ours (EX_SOFTWARE): the message asks for -v and a report
EXIT_INTERRUPTED = 130

_VERBOSITY = {"-v": 1, "--verbose": 1, "-q": -1, "--quiet": -1}


class CliError(Exception):
    """A failure the user can act on: one line on stderr and ``code`` as the exit status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Formatter(argparse.HelpFormatter):
    """Help text without reStructuredText markup (the docstrings' ``literals``)."""

    def _format_text(self, text: str) -> str:
        return super()._format_text(_plain(text))

    def _expand_help(self, action: argparse.Action) -> str:
        return _plain(super()._expand_help(action))


def _plain(text: str) -> str:
    return re.sub(r"``([^`]*)``|`([^`]*)`", lambda m: m.group(1) or m.group(2) or "", text or "")


class _Parser(argparse.ArgumentParser):
    """Usage errors as CliError (exit 2; a malformed date exits 6, as the commands' own check)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        bad_date = re.search(r"argument (\S+): invalid fromisoformat value: '(.*)'", message)
        if bad_date:
            option, value = bad_date.groups()
            raise CliError(EXIT_BAD_DATE, f"{option}: {value!r} is not a date; use YYYY-MM-DD")
        raise CliError(EXIT_USAGE, f"{message} (see: {self.prog} --help)")


def _progress(args: argparse.Namespace, show: bool | None = None):
    """The terminal display for the flows' progress callbacks; off with -q or --json."""
    from pipeline.ui.terminal import TerminalProgress

    enabled = args.verbosity >= 0 and not getattr(args, "json", False) and show is not False
    return TerminalProgress(enabled=enabled)


def check_url(url: str, what: str) -> str:
    """``url`` if an http(s) URL could be fetched from it; CliError (exit 5) otherwise."""
    from pipeline.fetch.feed_urls import feed_url_problem

    problem = feed_url_problem(url)
    if problem is not None:
        raise CliError(EXIT_BAD_URL, f"{what} {url!r}: {problem}")
    return url


def _archive_url(url: str | None) -> str:
    """The archive URL from --db or NEWS_ARCHIVE_URL, checked for form (exit 5)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    resolved = Settings.from_env(archive_url=url).archive_url
    try:
        make_url(resolved)
    except ArgumentError:
        raise CliError(
            EXIT_BAD_URL,
            f"archive URL {resolved!r} is not an SQLAlchemy URL "
            "(e.g. sqlite:////abs/path/archive.sqlite or postgresql+psycopg://host/db)",
        ) from None
    return resolved


def open_read_only(url: str):
    """A read-only engine on a migrated archive, or CliError: missing (4), unreachable (4),
    not migrated or older than this code (3). Never creates a file. Query commands call it
    (through ``_read_only_checks``) before they read."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.archive.db import ArchiveMissing, make_read_only_engine
    from pipeline.archive.migrate import MIGRATIONS

    try:
        engine = make_read_only_engine(url)
    except ArchiveMissing as exc:
        raise CliError(
            EXIT_UNREACHABLE,
            f"no archive at {exc}: pass --db or set NEWS_ARCHIVE_URL, "
            "or create one with `python -m pipeline migrate`",
        ) from None
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        engine.dispose()
        raise CliError(EXIT_UNREACHABLE, f"archive unreachable: {_first_line(exc)}") from None
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if not current or not current >= heads:
        engine.dispose()
        state = "is not migrated" if not current else "has an older schema than this code"
        raise CliError(
            EXIT_NOT_MIGRATED,
            f"the archive {state}: run `python -m pipeline migrate --db {_shown(url)}` first",
        )
    return engine


def check_outlet(engine, slug: str | None) -> None:
    """CliError (exit 8) when ``slug`` names no outlet of the archive."""
    if not slug:
        return
    from sqlalchemy import text

    with engine.connect() as connection:
        slugs = list(connection.execute(text("SELECT slug FROM outlets ORDER BY slug")).scalars())
    if slug not in slugs:
        known = ", ".join(slugs[:12]) + (", ..." if len(slugs) > 12 else "") or "none yet"
        raise CliError(EXIT_UNKNOWN_OUTLET, f"unknown outlet {slug!r}; known outlets: {known}")


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_to < date_from:
        raise CliError(
            EXIT_REVERSED_RANGE,
            f"the range ends ({date_to}) before it starts ({date_from}): swap --from and --to",
        )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _check_registry(source: str | None) -> None:
    """A registry file that cannot be read or parsed stops the run before the archive (9)."""
    from pipeline.sources.registry import load_registry

    try:
        load_registry(source)
    except (OSError, ValueError, KeyError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else _first_line(exc)
        raise CliError(EXIT_BAD_REGISTRY, f"registry {source or '(packaged)'}: {detail}") from None


def _ingest(args: argparse.Namespace) -> int:
    from pipeline.fetch.feed_urls import bad_feed_url
    from pipeline.flows.ingest import ingest_once

    if (refused := bad_feed_url(args.feed)) is not None:
        raise CliError(EXIT_BAD_URL, refused)

    settings = Settings.from_env(
        archive_url=_archive_url(args.db),
        allow_private_networks=True if args.allow_private_networks else None,
        allowed_hosts=frozenset(args.allow_host) if args.allow_host else None,
        sources=args.sources,
    )
    if not args.feed:
        _check_registry(settings.sources)
    with _progress(args) as progress:
        summary = ingest_once(settings, args.feed or None, run_id="cli", progress=progress)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
    else:
        print("\n".join(summary.lines()))
    return 0


def _discover(args: argparse.Namespace) -> int:
    from pipeline.fetch.discover import discover_feeds

    check_url(args.url, "url")
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

    url = _archive_url(args.db)
    upgrade(make_engine(url))
    print(f"archive at head: {_shown(url)}")
    return 0


def _read_only_checks(args: argparse.Namespace) -> None:
    """What a query command checks before it reads: the URL, the archive (read-only, migrated),
    the range and the outlet. Sets ``args.db`` to the resolved URL."""
    args.db = _archive_url(args.db)
    check_range(getattr(args, "date_from", None), getattr(args, "date_to", None))
    engine = open_read_only(args.db)
    try:
        check_outlet(engine, getattr(args, "outlet", None))
    finally:
        engine.dispose()


def _search(args: argparse.Namespace) -> int:
    from pipeline.search.cli import run

    _read_only_checks(args)
    return run(args, sys.stdout)


def _export(args: argparse.Namespace) -> int:
    from pipeline.flows.export import run

    _read_only_checks(args)
    with _progress(args, show=args.progress) as progress:
        return run(args, progress)


def _analyst_role(args: argparse.Namespace) -> int:
    from pipeline.archive.analyst_role import run

    return run(args)


def _history(args: argparse.Namespace) -> int:
    from pipeline.flows.history import run

    _read_only_checks(args)
    # sys.stdout as it is now: run's default was bound when its module was first imported.
    return run(args, sys.stdout)


def _mentions(args: argparse.Namespace) -> int:
    from pipeline.flows.mentions import run_mentions

    _read_only_checks(args)
    return run_mentions(args, sys.stdout)


def _entities(args: argparse.Namespace) -> int:
    from pipeline.flows.mentions import run_entities

    _read_only_checks(args)
    return run_entities(args, sys.stdout)


def _add_entity_commands(sub) -> None:
    from pipeline.flows.mentions import add_entities_arguments, add_mentions_arguments

    mentions = sub.add_parser("mentions", help="articles naming a person, place or organization")
    add_mentions_arguments(mentions)
    mentions.set_defaults(func=_mentions)
    entities = sub.add_parser("entities", help="the most mentioned people, places, organizations")
    add_entities_arguments(entities)
    entities.set_defaults(func=_entities)


def _add_analyst_commands(sub) -> None:
    from pipeline.archive.analyst_role import add_arguments as analyst_role_arguments
    from pipeline.flows.export import add_arguments as export_arguments
    from pipeline.flows.history import add_arguments as history_arguments
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
    history = sub.add_parser("history", help="an article's versions and what changed")
    history_arguments(history)
    history.set_defaults(func=_history)
    _add_entity_commands(sub)


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
    parser = _Parser(prog="python -m pipeline", description=__doc__)
    # Read anywhere on the line by ``main`` (``_verbosity``); declared here for --help.
    parser.add_argument("-v", "--verbose", action="store_true", help="log steps to stderr")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, errors only")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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


def _verbosity(argv: list[str]) -> tuple[list[str], int]:
    """-v/--verbose and -q/--quiet taken from anywhere before ``--``: (other arguments, level)."""
    rest, level = [], 0
    for i, arg in enumerate(argv):
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg in _VERBOSITY:
            level += _VERBOSITY[arg]
        elif re.fullmatch(r"-[vq]{2,}", arg):
            level += arg.count("v") - arg.count("q")
        else:
            rest.append(arg)
    return rest, max(-1, min(1, level))


def main(argv: list[str] | None = None) -> int:
    argv, level = _verbosity(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(
        level={1: logging.INFO, 0: logging.WARNING, -1: logging.ERROR}[level],
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        args = build_parser().parse_args(argv)
        args.verbosity = level
        args.verbose = level > 0
        return args.func(args)
    except CliError as exc:
        return _fail(exc.code, exc.message, level)
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "interrupted", 0)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line (traceback on -v)
        code, message = _classify(exc)
        return _fail(code, message, level, exc)


def _classify(exc: Exception) -> tuple[int, str]:
    """Exit code and message of an exception a command did not turn into a CliError."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

    text = _first_line(exc)
    if isinstance(exc, OSError) and exc.filename:
        return EXIT_FILE, f"{exc.filename}: {exc.strerror or text}"
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return EXIT_BAD_URL, f"archive URL: {text}"
    if isinstance(exc, OperationalError | ProgrammingError):
        if re.search(r"no such table|does not exist|undefined", text, re.IGNORECASE):
            return EXIT_NOT_MIGRATED, (
                f"the archive is not migrated ({text}): run `python -m pipeline migrate` first"
            )
        return EXIT_UNREACHABLE, f"archive unreachable: {text}"
    return EXIT_INTERNAL, f"{type(exc).__name__}: {text} (run with -v for the traceback)"


def _fail(code: int, message: str, level: int, exc: BaseException | None = None) -> int:
    if exc is not None and level > 0:
        logging.getLogger("pipeline.cli").error("traceback", exc_info=exc)
    print(f"error: {message}", file=sys.stderr)
    return code
