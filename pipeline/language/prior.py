"""Whether a feed's declared language may weigh on its items' labels.

A declared language is a prior: it tips short or ambiguous texts towards it. Content management
systems often declare their default (``en-US``) whatever an outlet writes in, and such a prior
tips a Bosnian outlet's "Hotel Europe" towards English. A prior the items themselves contradict
is dropped for that document.
"""

from __future__ import annotations

from pipeline.language.detector import HBS, identify
from pipeline.language.types import LanguageOptions

# Texts sampled from a document: enough for a clear reading, one identification per document.
SAMPLE_TEXTS = 10
SAMPLE_CHARS_EACH = 300
# Below this the sample's own reading is no evidence against the declared language.
MIN_CONFIDENCE = 0.8


def _group(language: str) -> str:
    code = language.strip().replace("_", "-").split("-")[0].lower()
    return "hbs" if code in (*HBS, "sh", "hbs", "bos", "hrv", "srp", "me") else code


def credible_prior(
    prior: str | None, texts: list[str], options: LanguageOptions | None = None
) -> str | None:
    """``prior``, or None when the sampled ``texts`` (titles and text openings of one
    document's items) read clearly as another language (the four HBS standards count as one:
    their members are the prior's own business)."""
    if not prior or not texts:
        return prior
    sample = "\n\n".join(text[:SAMPLE_CHARS_EACH] for text in texts[:SAMPLE_TEXTS])
    reading = identify(sample, options=options)
    if reading.language == "und" or reading.confidence < MIN_CONFIDENCE:
        return prior
    return prior if _group(reading.language) == _group(prior) else None
