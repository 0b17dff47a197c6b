"""A capture's document into article rows: parse, build each entry's row, identify its language.

For feeds this whole stage runs in the parse worker (``pipeline.parse.budget``): the HTML of
every item is cleaned and its language identified inside the same time and memory budget as the
parse, and the worker's process does it while the task's own process loads the previous batch.
What comes back is rows, never the document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from pipeline.clean.dates import from_struct, published_day
from pipeline.dedup import compare
from pipeline.fetch.schedule import poll_facts
from pipeline.flows.article_row import FeedContext, Rejected, build_article
from pipeline.parse.feeds import Entry, ParseError, parse_guarded
from pipeline.parse.pages import page_entry
from pipeline.types import COLUMNS, Article


@dataclass
class CaptureRows:
    entries: int  # items the document listed (after the guards), loaded or not
    language: str | None  # the feed's language: the registry's, else the document's own
    notes: list[str]  # what the parse guards noted
    rows: list[Article]
    rejected: list[dict]  # quarantine rows
    # A live feed document's rhythm for the poll schedule (pipeline.fetch.schedule.poll_facts).
    poll: dict | None = None


def feed_rows(
    body: bytes,
    base_url: str,
    content_type: str | None,
    max_items: int,
    covers_day: date | None,
    ctx: FeedContext,
    run: str | None = None,
) -> CaptureRows:
    """Rows of a feed document (live, or an archive page of ``covers_day``); raises ParseError.

    Rows are labelled with their language, except repeats of rows labelled earlier in the same
    processing ``run`` (see ``label_languages``).
    """
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
    global _models_fit
    fresh = rows
    if _models_fit:
        try:
            fresh = label_languages(rows, ctx.language, run)
        except MemoryError:
            # The language models (~230 MB) do not fit this worker's memory budget: rows go back
            # unlabelled, the task's process labels them, and this process stops trying.
            _models_fit = False
    # What dedup and the search index read, for the rows the task's loader will store (it
    # skips the repeats): computed here, off the loader's path.
    compare.attach(fresh)
    poll = None
    if covers_day is None:
        published = [from_struct(e.published_struct) for e in parsed.entries]
        poll = poll_facts(parsed.poll_hints, published, datetime.now(UTC))
    return CaptureRows(len(entries), ctx.language, notes, rows, rejected, poll)


# Differ between two sightings of one item without changing what is stored; the language
# columns are derived from the rest, and the links are set when the row is loaded.
VOLATILE = frozenset(
    {
        "capture_id",
        "first_seen_at",
        "language",
        "script",
        "language_confidence",
        "syndicated_from",
        "story_id",
        "duplicate_of",
    }
)
# What a sighting says of an item: its stored values, and whether its text is a summary only.
_KEYED = tuple(name for name in (*COLUMNS, "partial") if name not in VOLATILE)


def content_key(row: Article) -> int:
    """What a row stores, as one number: equal for two sightings of an unchanged item. A
    fallback date (``date_flag`` set) is the sighting's time, so it does not count."""
    values = [getattr(row, name) for name in _KEYED]
    if row.date_flag:
        values[_PUBLISHED_AT] = None
    return hash(tuple(values))


_PUBLISHED_AT = _KEYED.index("published_at")


class _RunMemory:
    """Content keys of the rows labelled in one processing run (in the process that labels)."""

    # Forgotten when full; a forgotten row is only labelled again.
    LIMIT = 200_000

    def __init__(self) -> None:
        self.run: str | None = None
        self.keys: set[int] = set()

    def first_sighting(self, run: str, row: Article) -> bool:
        if run != self.run or len(self.keys) > self.LIMIT:
            self.run, self.keys = run, set()
        key = content_key(row)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True


_LABELLED = _RunMemory()
# False once loading the language models ran out of memory in this process.
_models_fit = True


def label_languages(
    rows: list[Article], prior: str | None, run: str | None = None
) -> list[Article]:
    """Identify each row's language and script (``prior``: the feed's language, if known).

    Within one ``run``, a row equal to one labelled before is left unlabelled: a reprocessed
    window repeats most items of a poll in the next, and the main process skips the repeats it
    has stored; it labels whatever unlabelled row it still has to load. Returns the rows it
    labelled.
    """
    from pipeline.entities import article_mentions
    from pipeline.language import identify_article
    from pipeline.language.prior import credible_prior
    from pipeline.language.types import default_options

    labelled = [row for row in rows if run is None or _LABELLED.first_sighting(run, row)]
    # The settings' backend (NEWS_LANGID_BACKEND), read once per capture, not once per row.
    options = default_options()
    # A declared language the items contradict (a CMS default) is no prior.
    prior = credible_prior(prior, [f"{r.title}\n{r.body_text or ''}" for r in labelled], options)
    for row in labelled:
        result = identify_article(row.title, row.body_text or "", prior=prior, options=options)
        row.language, row.script = result.tag, result.script
        row.language_confidence = round(result.confidence, 4)
        row.mentions = article_mentions(row)  # its entities, from the same title and text
    return labelled


def build_rows(entries: list[Entry], ctx: FeedContext) -> tuple[list[Article], list[dict]]:
    """Article rows and quarantined items of one capture's entries."""
    rows: list[Article] = []
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


def page_rows(body: bytes, url: str, content_type: str | None, ctx: FeedContext) -> CaptureRows:
    """Rows of a harvested article page; runs in the parse worker, as ``feed_rows`` does."""
    entries = [page_entry(body, url, content_type)]
    rows, rejected = build_rows(entries, ctx)
    return CaptureRows(len(entries), ctx.language, [], rows, rejected)
