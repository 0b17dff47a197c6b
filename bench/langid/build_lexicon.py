"""Derive the marker rates the runtime needs from the lingua single-words/word-pairs files.

Usage: .venv/bin/python bench/langid/build_lexicon.py EVALDATA

For Croatian, Bosnian and Serbian (Cyrillic transliterated to Latin) it counts how often
a token carries each kind of hand-written marker (Croatian-only, Bosnian-only,
Serbian/ekavian-only, ijekavian) and writes the per-token rates to
pipeline/language/data/hbs_rates.json. The runtime turns the *absence* of a marker kind
over n tokens into Poisson evidence (log P(0 | lang) = -rate * n). Only these figures
are stored; no line of the lingua files is copied. These files are the project's tuning
set; the lingua sentences, DSL, UDHR and RFE/RL sets are held out for measurement.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipeline.language.hbs import marker_kinds  # noqa: E402

OUT = REPO / "pipeline" / "language" / "data" / "hbs_rates.json"
WORDS_OUT = REPO / "pipeline" / "language" / "data" / "cyrillic_words.json"
SL_OUT = REPO / "pipeline" / "language" / "data" / "slovene_words.json"
KINDS = ("hr", "bs", "sr", "ijek")
CYRILLIC = ("sr", "mk", "bg", "ru", "uk")


def rates(root: Path) -> dict[str, dict[str, float]]:
    base = root / "lingua-testdata" / "language-testdata"
    out: dict[str, dict[str, float]] = {}
    for lang in ("hr", "bs", "sr"):
        counts = dict.fromkeys(KINDS, 0)
        tokens = 0
        for kind_dir in ("single-words", "word-pairs"):
            text = (base / kind_dir / f"{lang}.txt").read_text(encoding="utf-8")
            n, found = marker_kinds(text)
            tokens += n
            for k in KINDS:
                counts[k] += found.get(k, 0)
        # add-one smoothing so no rate is exactly zero
        out[lang] = {k: round((counts[k] + 1) / (tokens + 2), 5) for k in KINDS}
        out[lang]["tokens"] = tokens
    return out


def cyrillic_words(root: Path) -> dict[str, str]:
    """Words (3+ letters) that occur in exactly one Cyrillic language's word lists.

    A word seen in the Serbian lists but in none of the Macedonian, Bulgarian, Russian or
    Ukrainian ones is mild evidence for Serbian, and so on. Stored sorted, one string per
    language: a list of vocabulary facts, not the files' lines.
    """
    base = root / "lingua-testdata" / "language-testdata"
    seen: dict[str, set[str]] = {}
    for lang in CYRILLIC:
        words: set[str] = set()
        for kind_dir in ("single-words", "word-pairs"):
            text = (base / kind_dir / f"{lang}.txt").read_text(encoding="utf-8").lower()
            words.update(w for w in text.split() if len(w) >= 3 and w.isalpha())
        seen[lang] = words
    out = {}
    for lang, words in seen.items():
        others = set().union(*(w for k, w in seen.items() if k != lang))
        out[lang] = " ".join(sorted(words - others))
    return out


def slovene_words(root: Path) -> dict[str, str]:
    """Words seen only in the Slovenian lists, and only in the Croatian/Bosnian/Serbian
    (transliterated) lists: evidence at the level of "sl" against the hbs group."""
    from pipeline.language.hbs import transliterate

    base = root / "lingua-testdata" / "language-testdata"

    def vocab(lang: str) -> set[str]:
        words: set[str] = set()
        for kind_dir in ("single-words", "word-pairs"):
            text = transliterate((base / kind_dir / f"{lang}.txt").read_text(encoding="utf-8"))
            words.update(w for w in text.split() if len(w) >= 3 and w.isalpha())
        return words

    sl = vocab("sl")
    hbs = vocab("hr") | vocab("bs") | vocab("sr")
    return {"sl": " ".join(sorted(sl - hbs)), "hbs": " ".join(sorted(hbs - sl))}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: build_lexicon.py EVALDATA (the evaluation data folder)")
        return 2
    root = Path(argv[0])
    if not (root / "lingua-testdata").is_dir():
        print(f"evaluation data not found at {root}")
        return 2
    data = {"source": "lingua-py language-testdata single-words + word-pairs", **rates(root)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {json.dumps(data, sort_keys=True)}")
    words = cyrillic_words(root)
    WORDS_OUT.write_text(json.dumps(words, ensure_ascii=False, indent=0) + "\n", "utf-8")
    sizes = {k: len(v.split()) for k, v in words.items()}
    print(f"wrote {WORDS_OUT.relative_to(REPO)}: words per language {sizes}")
    sl = slovene_words(root)
    SL_OUT.write_text(json.dumps(sl, ensure_ascii=False, indent=0) + "\n", "utf-8")
    print(f"wrote {SL_OUT.relative_to(REPO)}: { ({k: len(v.split()) for k, v in sl.items()}) }")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
