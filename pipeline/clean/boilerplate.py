"""Boilerplate learned per outlet: a short paragraph that recurs across many of an outlet's
articles ("Lajmet e fundit nga ...", a newsletter pitch, a standing disclaimer) is furniture.

Counts live in the archive (``pipeline.archive.boilerplate``), so what one run learns the next
one uses, and a new outlet needs no hand-written rules. This module is the rule, with no I/O:
which paragraphs of an article are tracked, which are boilerplate given their counts, and how
an article's text and HTML lose them; ``pipeline.flows.load`` reads and adds the counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.clean.credits import is_credit_line
from pipeline.clean.html import drop_paragraphs_html
from pipeline.text.fold import comparison_text
from pipeline.types import Article


@dataclass(frozen=True)
class BoilerplateOptions:
    # Five distinct articles: an outlet's footer shows up in every article, while a sentence two
    # updates of the same story share reaches two or three.
    min_articles: int = 5
    # Boilerplate is short; a long paragraph that recurs is a story republished, not furniture.
    max_segment_chars: int = 300
    # Furniture sits at the top or the bottom of an article; middles are not tracked, which keeps
    # the table from growing with every paragraph ever published.
    head_paragraphs: int = 2
    tail_paragraphs: int = 4


def segment_key(paragraph: str) -> str:
    return hashlib.sha256(comparison_text(paragraph).encode()).hexdigest()[:16]


def candidates(paragraphs: list[str], options: BoilerplateOptions) -> dict[str, str]:
    """Tracked paragraphs of one article: key -> sample text."""
    n = len(paragraphs)
    picked: dict[str, str] = {}
    for index, paragraph in enumerate(paragraphs):
        edge = index < options.head_paragraphs or index >= n - options.tail_paragraphs
        # A credit line recurs under every text an outlet takes from one agency, but it is what
        # fills syndicated_from: it stays in the text (and out of the comparison).
        if (
            edge
            and 0 < len(paragraph) <= options.max_segment_chars
            and not is_credit_line(paragraph)
        ):
            if comparison_text(paragraph):
                picked.setdefault(segment_key(paragraph), paragraph)
    return picked


def boilerplate_keys(
    keys: list[str],
    stored: Mapping[str, int],
    batch: Mapping[str, int],
    options: BoilerplateOptions,
) -> set[str]:
    """The keys seen in enough distinct articles of one outlet, counting the stored articles
    (``stored``) and the new ones of this batch (``batch``)."""
    return {k for k in keys if stored.get(k, 0) + batch.get(k, 0) >= options.min_articles}


def drop_segments(
    row: Article, paragraphs: list[str], tracked: dict[str, str], drop: set[str]
) -> int:
    """Remove the paragraphs whose keys are in ``drop`` from the row's ``body_text`` and
    ``body_html``, in place; ``tracked`` is the row's ``candidates``. Returns how many went."""
    drop = drop & tracked.keys()
    if not drop:
        return 0
    kept = [p for p in paragraphs if not (p and segment_key(p) in drop)]
    row.body_text = "\n\n".join(kept) or None
    if row.body_html:
        drop_keys = {comparison_text(tracked[k]) for k in drop}
        row.body_html = drop_paragraphs_html(row.body_html, drop_keys) or None
    return len(paragraphs) - len(kept)
