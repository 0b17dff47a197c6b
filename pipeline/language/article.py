"""Article-level identification: title plus text, and paragraphs that disagree."""

from __future__ import annotations

import re

from pipeline.language.detector import identify
from pipeline.language.screen import screen_for
from pipeline.language.script import letter_count
from pipeline.language.types import (
    ArticleLanguage,
    LanguageOptions,
    ParagraphLanguage,
    default_options,
)

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def identify_article(
    title: str,
    text: str,
    *,
    prior: str | None = None,
    options: LanguageOptions | None = None,
) -> ArticleLanguage:
    """Label the whole article (title + text), then each paragraph long enough to judge.

    Paragraphs whose language differs from the article's (an English quote inside an
    Albanian story) are returned; paragraphs that agree, or are too short, are not.
    Paragraphs that plainly agree by their function words skip the full ensemble
    (pipeline/language/screen.py), unless ``options.screen_paragraphs`` is off.
    """
    options = options or default_options()
    whole = identify(f"{title}\n\n{text}".strip(), prior=prior, options=options)
    paragraphs = split_paragraphs(text)
    if len(paragraphs) < 2:
        return ArticleLanguage(result=whole)
    screen = None
    if options.screen_paragraphs and whole.language != "und":
        screen = screen_for(whole.language, whole.script)
    # The article's own label is the prior for its paragraphs: only clear evidence
    # makes a paragraph differ.
    prior_tag = whole.language if whole.language != "und" else prior
    differing = []
    for index, para in enumerate(paragraphs):
        if screen is not None and screen.agrees(para):
            continue
        if letter_count(para) < options.min_paragraph_letters:
            continue
        result = identify(para, prior=prior_tag, options=options)
        if result.language != "und" and result.language != whole.language:
            differing.append(ParagraphLanguage(index=index, text=para, result=result))
    return ArticleLanguage(result=whole, paragraphs=tuple(differing))
