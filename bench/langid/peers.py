"""Off-the-shelf detectors measured side by side. A peer that fails to import is missing."""

from __future__ import annotations

from collections.abc import Callable

Detector = Callable[[str], str]  # text -> language subtag ("und" when it gives up)


def _langdetect() -> Detector:
    from pipeline.language.backends import langdetect_scores  # seeded, same as the project

    def detect(text: str) -> str:
        scores = langdetect_scores(text)
        return max(scores.items(), key=lambda kv: kv[1])[0].split("-")[0] if scores else "und"

    return detect


def _fasttext() -> Detector:
    from pipeline.language.backends import fasttext_scores

    def detect(text: str) -> str:
        return next(iter(fasttext_scores(text, k=1)), "und")

    return detect


def _cld2() -> Detector:
    import pycld2

    def detect(text: str) -> str:
        try:
            _, _, details = pycld2.detect(text)
        except pycld2.error:
            return "und"
        code = details[0][1]
        return "und" if code == "un" else code.split("-")[0]

    return detect


def _py3langid() -> Detector:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)

    def detect(text: str) -> str:
        return ident.classify(text)[0]

    return detect


PEERS: dict[str, Callable[[], Detector]] = {
    "langdetect": _langdetect,
    "fastText-lite": _fasttext,
    "CLD2": _cld2,
    "langid.py": _py3langid,
}


def load_peers(names: list[str] | None = None) -> tuple[dict[str, Detector], dict[str, str]]:
    """Detectors that loaded, and the reason for each that did not."""
    ok, missing = {}, {}
    for name, factory in PEERS.items():
        if names is not None and name not in names:
            continue
        try:
            ok[name] = factory()
        except Exception as exc:  # noqa: BLE001 - any failure means "missing", reported
            missing[name] = f"{type(exc).__name__}: {exc}"
    return ok, missing
