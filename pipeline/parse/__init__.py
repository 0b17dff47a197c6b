"""Bytes into entries: feeds (RSS, Atom, WordPress), behind input guards."""

from pipeline.parse.budget import ParseBudget
from pipeline.parse.feeds import Entry, ParsedFeed, ParseError, parse_feed

__all__ = ["Entry", "ParseBudget", "ParseError", "ParsedFeed", "parse_feed"]
