"""SQL conditions the archive's read queries share (search, mentions, export)."""

from __future__ import annotations


def language_condition(column: str, tag: str, params: dict) -> str:
    """``column`` holds ``tag`` or one of its subtags ("sr" matches "sr-Cyrl" and "sr-Latn");
    the values go into ``params``."""
    params["language"] = tag
    params["language_prefix"] = tag + "-%"
    return f"({column} = :language OR {column} LIKE :language_prefix)"
