"""A capture's document into article rows: parse, then build each entry's row.

For feeds this whole stage runs in the parse worker (``pipeline.parse.budget``): the HTML of
every item is cleaned inside the same time and memory budget as the parse, and the worker's
process does it while the task's own process loads the previous batch. What comes back is rows,
never the document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from pipeline.articles import FeedContext, Rejected, build_article
from pipeline.harvest.gaps import published_day
from pipeline.parse.feeds import Entry, ParseError, parse_guarded


@dataclass
class CaptureRows:
    entries: int  # items the document listed (after the guards), loaded or not
    language: str | None  # the feed's language: the registry's, else the document's own
    notes: list[str]  # what the parse guards noted
    rows: list[dict]
    rejected: list[dict]  # quarantine rows


def feed_rows(
    body: bytes,
    base_url: str,
    content_type: str | None,
    max_items: int,
    covers_day: date | None,
    ctx: FeedContext,
) -> CaptureRows:
    """Rows of a feed document (live, or an archive page of ``covers_day``); raises ParseError."""
    if not body or not body.strip():
        raise ParseError("empty_body", "the document is empty")
    parsed = parse_guarded(body, base_url, content_type, max_items)
    entries = parsed.entries
    if covers_day is not None:
        # Archives are paged in the outlet's local time; keep what was published on the UTC day.
        entries = [e for e in entries if published_day(e) in (covers_day, None)]
    notes = list(parsed.notes)
    if parsed.bozo and parsed.bozo_reason:
        notes.append(f"malformed, recovered: {parsed.bozo_reason}")
    ctx = replace(ctx, language=ctx.language or parsed.language)
    rows, rejected = build_rows(entries, ctx)
    return CaptureRows(len(entries), ctx.language, notes, rows, rejected)


def build_rows(entries: list[Entry], ctx: FeedContext) -> tuple[list[dict], list[dict]]:
    """Article rows and quarantined items of one capture's entries."""
    rows: list[dict] = []
    rejected: list[dict] = []
    for entry in entries:
        try:
            built = build_article(entry, ctx)
        except Exception as exc:  # noqa: BLE001 - one bad item is quarantined, the rest load
            built = Rejected(
                hashlib.sha256(repr(entry).encode()).hexdigest()[:32],
                "item_error",
                repr(exc)[:1000],
                (entry.title or "")[:500],
            )
        if isinstance(built, Rejected):
            rejected.append(
                {
                    "feed_id": ctx.feed_id,
                    "capture_id": ctx.capture_id,
                    "item_key": built.item_key,
                    "reason": built.reason,
                    "detail": built.detail,
                    "excerpt": built.excerpt,
                    "first_seen_at": ctx.seen_at,
                }
            )
        else:
            rows.append(built)
    return rows, rejected
