"""`python -m newsroom`: serve the newsroom (demo, bench scripts), with scale options.

    python -m newsroom --port 8765 --registry-out data/newsroom-registry.toml

writes the registry file (feed URLs under http://HOST:PORT) before serving; point the pipeline at
it with ``NEWS_SOURCES=data/newsroom-registry.toml``.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from newsroom.catalog import CatalogOptions
from newsroom.server import serve_forever


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsroom")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--anchor", type=datetime.fromisoformat, help="UTC, default today 00:00")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--live-items", type=int, default=20)
    parser.add_argument("--synthetic", type=int, default=0, help="extra generated articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra-feeds", type=int, default=0)
    parser.add_argument("--extra-feed-items", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each response")
    parser.add_argument(
        "--registry-out",
        type=Path,
        metavar="PATH",
        help="write the registry file (feed URLs under this server) to PATH before serving",
    )
    args = parser.parse_args(argv)
    options = CatalogOptions(
        anchor=args.anchor,
        days=args.days,
        live_items=args.live_items,
        synthetic=args.synthetic,
        seed=args.seed,
        extra_feeds=args.extra_feeds,
        extra_feed_items=args.extra_feed_items,
    )
    serve_forever(
        args.port, args.host, options=options, delay_s=args.delay, registry_out=args.registry_out
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
