"""What dedup and the search index read of an article row, computed once, where the row is built.

A row's compared title and body (folded, credits left out), its content hash, its MinHash
signature and its search words depend on its title, summary and text alone. The parse worker
computes them with the row (``attach``), so the task's loader, the one stage that runs in
archive order, only reads them. Whatever changes a row's text afterwards (an article page's
text, learned boilerplate taken out) makes them stale: ``compared`` sees that the texts differ
from the ones they were computed from and computes them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.clean.credits import split_credits
from pipeline.dedup.keys import text_hash
from pipeline.dedup.near import Signature, signature
from pipeline.search.words import SEARCH_CHARS, search_words, words_of
from pipeline.text.fold import comparison_text
from pipeline.types import Article

# Fewer words than this (title and text together) and equal text is not evidence of a copy.
MIN_WORDS_FOR_EXACT = 10


@dataclass(frozen=True)
class Compared:
    source: tuple[str | None, str | None, str | None]  # (title, summary, body_text) read
    content_hash: str
    credited: str | None  # the source a credit line names ("Izvor: Tanjug")
    minhash: bytes | None  # Signature.to_bytes(); None when the text is too short to judge
    shingles: int
    words: int
    search: str  # words for array_to_tsvector, space-separated

    @property
    def signature(self) -> Signature | None:
        return None if self.minhash is None else Signature.from_bytes(self.minhash, self.shingles)

    @property
    def hashable(self) -> bool:
        """Exact matching needs some text: two items titled "Video" with no body are not one
        story."""
        return self.words >= MIN_WORDS_FOR_EXACT


def _source(row: Article) -> tuple[str | None, str | None, str | None]:
    return (row.title, row.summary, row.body_text)


def compute(row: Article) -> Compared:
    title, body, digest, credited = comparison(row)
    # Near copies are judged on the body; a short item (a lead only) adds its title.
    sig = signature(body) or signature(f"{title} {body}")
    return Compared(
        source=_source(row),
        content_hash=digest,
        credited=credited,
        minhash=None if sig is None else sig.to_bytes(),
        shingles=0 if sig is None else sig.shingles,
        words=len(title.split()) + len(body.split()),
        search=search_text(row),
    )


def attach(rows: list[Article]) -> None:
    """Compute each row's Compared and keep it on the row (``compared``).

    The paragraphs' comparison texts from cleaning (``folded``) go: the Compared holds all
    they were kept for, and they were a third of a row's size on its way to the task's process
    (pickling them cost more than computing them again where a text changes).
    """
    for row in rows:
        row.compared = compute(row)
        row.folded = None


def compared(row: Article) -> Compared:
    """The row's Compared: the one attached, if its texts are still the row's, else computed."""
    known = row.compared
    if known is not None and known.source == _source(row):
        return known
    row.compared = fresh = compute(row)
    return fresh


def _folder(row: Article):
    """comparison_text for the row's paragraphs, from what cleaning computed where it can."""
    known: dict[str, str] = row.folded or {}

    def fold(paragraph: str) -> str:
        folded = known.get(paragraph)
        return comparison_text(paragraph) if folded is None else folded

    return fold


def _folded_paragraphs(paragraphs: list[str], fold) -> str:
    """comparison_text("\n\n".join(paragraphs)), paragraph by paragraph (words never span two)."""
    return " ".join(f for f in map(fold, paragraphs) if f)


def comparison(row: Article) -> tuple[str, str, str, str | None]:
    """(compared title, compared body, content hash, credited source) of one row.

    Credits are left out: the origin does not carry "/ VOA" under its own text.
    """
    credited = split_credits((row.body_text or "").split("\n\n"))
    body = _folded_paragraphs(credited.paragraphs, _folder(row))
    title = comparison_text(row.title or "")
    return title, body, text_hash(f"{title}\n{body}"), credited.source


def _folded_source(row: Article) -> str:
    """comparison_text of title, summary and text, as the search index reads them."""
    body = row.body_text or ""
    if len(row.title or "") + len(row.summary or "") + len(body) + 2 > SEARCH_CHARS:
        # Cut where the SQL fallback cuts.
        return " ".join(search_words(row.title, row.summary, body))
    return " ".join(
        (
            comparison_text(row.title or ""),
            comparison_text(row.summary or ""),
            _folded_paragraphs(body.split("\n\n"), _folder(row)),
        )
    )


def search_word_list(row: Article) -> list[str]:
    return words_of(_folded_source(row))


# A token this long may pass PostgreSQL's 2,047-byte limit on a lexeme (4 bytes per character).
_LONG = 512
_LONG_TOKEN = re.compile(rf"\S{{{_LONG}}}")


def _may_have_long_token(text: str) -> bool:
    """False when ``text`` surely has no run of _LONG non-space characters: such a run would
    cover a whole aligned slice of half that length, and every slice holds a space. A few slice
    tests instead of the regular expression, which tries each position afresh (50 µs for an
    article)."""
    half = _LONG // 2
    return any(" " not in text[i : i + half] for i in range(0, len(text) - half + 1, half))


def search_text(row: Article) -> str:
    """The words as one string for ``array_to_tsvector(string_to_array(..., ' '))``, which
    removes repeats itself; only a text with an overlong token is filtered here."""
    folded = _folded_source(row)
    if _may_have_long_token(folded) and _LONG_TOKEN.search(folded):
        return " ".join(words_of(folded))
    return folded.replace("_", " ")
