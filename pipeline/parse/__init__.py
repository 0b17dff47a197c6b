"""Bytes into entries: feeds (RSS, Atom, WordPress), behind input guards."""

from pipeline.parse.feeds import Entry, ParsedFeed, ParseError, parse_feed

__all__ = ["Entry", "ParseError", "ParsedFeed", "parse_feed"]
