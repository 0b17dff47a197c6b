"""Result and options types of the language stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.config import DEFAULT_LANGID_BACKEND, Settings

BACKENDS = ("ensemble", "langdetect")
# Signals the ensemble combines; an evaluation can switch any off to measure its worth.
SIGNALS = frozenset({"letters", "lexicon", "langid", "expected", "prior", "langdetect"})


@dataclass(frozen=True)
class LanguageResult:
    tag: str  # BCP 47: "sq", "sr-Cyrl", "sr-Latn", "hr", "bs", "cnr", "mk", ..., or "und"
    language: str  # the language subtag: "sr", "sq", "und", ...
    script: str | None  # ISO 15924: "Latn", "Cyrl", "Grek"; None for und
    confidence: float  # 0..1


UND = LanguageResult(tag="und", language="und", script=None, confidence=0.0)


@dataclass(frozen=True)
class ParagraphLanguage:
    index: int  # position among the article's non-empty paragraphs (title excluded)
    text: str
    result: LanguageResult


@dataclass(frozen=True)
class ArticleLanguage:
    """The article-level result plus paragraphs whose language differs from it."""

    result: LanguageResult
    paragraphs: tuple[ParagraphLanguage, ...] = ()

    # Convenience pass-throughs so callers can treat it like a LanguageResult.
    @property
    def tag(self) -> str:
        return self.result.tag

    @property
    def language(self) -> str:
        return self.result.language

    @property
    def script(self) -> str | None:
        return self.result.script

    @property
    def confidence(self) -> float:
        return self.result.confidence


def _backend_of(settings: Settings) -> str:
    """The backend ``settings`` names (NEWS_LANGID_BACKEND); an unknown name: the default."""
    value = settings.langid_backend.strip().lower()
    return value if value in BACKENDS else DEFAULT_LANGID_BACKEND


def _default_backend() -> str:
    return _backend_of(Settings.from_env())


@dataclass(frozen=True)
class LanguageOptions:
    # "ensemble" (script + letters + fastText lite + lexicon, langdetect as rare tie-breaker)
    # or "langdetect" (the seeded langdetect alone). Default: ``Settings.from_env()``'s
    # langid_backend (NEWS_LANGID_BACKEND), read when the options are built.
    backend: str = field(default_factory=_default_backend)
    # Fewer letters than this cannot carry a language: "und".
    min_letters: int = 4
    # A single word is a name, a rubric or a loanword far more often than a sentence in a
    # known language: fewer words than this is "und".
    min_words: int = 2
    # A short text (at most und_max_letters letters) whose best label has less than this
    # confidence is "und" rather than a likely-wrong guess; 0.5 is where the best label
    # is at least as likely as all others together. Longer texts always get the best
    # label, with its (low) confidence: there is evidence, just divided.
    min_confidence: float = 0.5
    und_max_letters: int = 30
    # A short text that is surely Serbo-Croatian but whose variety is open gets the
    # macrolanguage tag "sh" (what RFE/RL's Balkan service declares) instead of "und".
    short_hbs_as_sh: bool = True
    # Texts with fewer letters than this whose ensemble margin is thin are sent to
    # langdetect as a tie-breaker (it costs ~3-5 ms, so only short texts qualify).
    tiebreak_max_letters: int = 60
    # Share of letters in the dominant script below which the text is "too mixed": und.
    min_script_share: float = 0.6
    # Paragraphs shorter than this (letters) are not labelled separately in articles.
    min_paragraph_letters: int = 40
    # Paragraphs whose function words plainly match the article's language skip the full
    # ensemble (pipeline/language/screen.py): a newsroom article costs about a fifth.
    # Off: every paragraph is labelled in full, which also reports paragraphs of another
    # Serbo-Croatian variety that the screen lets pass (see screen.py).
    screen_paragraphs: bool = True
    # Languages this archive expects; their scores get a small bonus over exotic labels
    # the statistical detector may produce for short or noisy text.
    expected: frozenset[str] = frozenset(
        {"sq", "sr", "hr", "bs", "cnr", "mk", "bg", "sl", "el", "ro", "tr", "hu", "en"}
    )

    # Which ensemble signals are used (all by default; fastText and script always are).
    signals: frozenset[str] = SIGNALS

    def __post_init__(self) -> None:
        unknown = set(self.signals) - SIGNALS
        if unknown:
            raise ValueError(
                f"unknown language signals {sorted(unknown)}; known: {sorted(SIGNALS)}"
            )
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown language backend {self.backend!r}; use one of {BACKENDS}")

    @classmethod
    def from_settings(cls, settings: Settings, **fields: object) -> LanguageOptions:
        """Options with the backend ``settings`` names; ``fields`` set the others."""
        return cls(backend=_backend_of(settings), **fields)  # type: ignore[arg-type]


def default_options(settings: Settings | None = None) -> LanguageOptions:
    """``LanguageOptions.from_settings(settings)`` (default: ``Settings.from_env()``), built
    once per backend (building one costs ~3 us, a noticeable share of labelling an article).
    Reading the environment costs more (~15 us): a caller labelling many texts calls this
    once and passes the options on."""
    return _options_for(_backend_of(settings or Settings.from_env()))


@lru_cache(maxsize=len(BACKENDS))
def _options_for(backend: str) -> LanguageOptions:
    return LanguageOptions(backend=backend)
