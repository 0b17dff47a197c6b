"""Building BCP 47 tags from a language and a script."""

from __future__ import annotations

from pipeline.language.types import UND, LanguageResult

# The script a language is written in when its tag carries no script subtag.
DEFAULT_SCRIPT = {
    "sq": "Latn", "sh": "Latn", "hr": "Latn", "bs": "Latn", "cnr": "Latn", "sl": "Latn", "ro": "Latn",
    "tr": "Latn", "hu": "Latn", "en": "Latn", "de": "Latn", "it": "Latn", "fr": "Latn",
    "es": "Latn", "cs": "Latn", "sk": "Latn", "pl": "Latn", "la": "Latn", "pt": "Latn",
    "nl": "Latn", "mk": "Cyrl", "bg": "Cyrl", "ru": "Cyrl", "uk": "Cyrl", "be": "Cyrl",
    "el": "Grek",
}  # fmt: skip
# Languages whose tag always names the script (two scripts in everyday use).
ALWAYS_SCRIPT = frozenset({"sr"})


def make_result(language: str, script: str | None, confidence: float) -> LanguageResult:
    if language == "und":
        return UND
    confidence = round(min(max(confidence, 0.0), 1.0), 4)
    if script and (language in ALWAYS_SCRIPT or DEFAULT_SCRIPT.get(language, script) != script):
        tag = f"{language}-{script}"
    else:
        tag = language
    return LanguageResult(tag=tag, language=language, script=script, confidence=confidence)
