"""Script detection: which alphabet a text is written in, robust to look-alike letters.

News titles sometimes mix Cyrillic look-alikes into Latin words ("ЕU" with a Cyrillic Е)
or the reverse. Per word, letters of the minority script that have a look-alike in the
majority script are folded into it before counting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LATN, CYRL, GREK, OTHER = "Latn", "Cyrl", "Grek", "Zyyy"

# Cyrillic letters with a Latin twin of (nearly) the same shape, and back.
_CYRL_TO_LATN = dict(
    zip(
        "АВЕКМНОРСТХУЈІЅаеорсхујіѕԁԛԝ",
        "ABEKMHOPCTXYJISaeopcxyjisdqw",
        strict=True,
    )
)
_LATN_TO_CYRL = dict(zip("ABEKMHOPCTXJISaeopcxyjis", "АВЕКМНОРСТХЈІЅаеорсхујіѕ", strict=True))
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def letter_script(ch: str) -> str:
    """ISO 15924 code of one letter (Latn, Cyrl, Grek, or Zyyy for anything else)."""
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return LATN
    if 0x400 <= o <= 0x52F or 0x1C80 <= o <= 0x1C8F or 0xA640 <= o <= 0xA69F:
        return CYRL
    if 0x370 <= o <= 0x3FF or 0x1F00 <= o <= 0x1FFF:
        return GREK
    return OTHER


@dataclass(frozen=True)
class ScriptProfile:
    text: str  # the text with look-alike letters folded into each word's script
    counts: dict[str, int]  # letters per script, after folding
    letters: int

    @property
    def dominant(self) -> str | None:
        if not self.letters:
            return None
        return max(self.counts.items(), key=lambda kv: kv[1])[0]

    @property
    def share(self) -> float:
        """Share of letters in the dominant script."""
        dom = self.dominant
        return self.counts[dom] / self.letters if dom else 0.0


def _fold_word(word: str, doc_script: str | None) -> str:
    scripts = [letter_script(c) for c in word]
    has_l, has_c = LATN in scripts, CYRL in scripts
    if not (has_l and has_c):
        return word
    # Which side is made only of look-alikes? Fold that side into the other.
    latn_all_twins = all(
        c in _LATN_TO_CYRL for c, s in zip(word, scripts, strict=True) if s == LATN
    )
    cyrl_all_twins = all(
        c in _CYRL_TO_LATN for c, s in zip(word, scripts, strict=True) if s == CYRL
    )
    if cyrl_all_twins and not latn_all_twins:
        target = LATN
    elif latn_all_twins and not cyrl_all_twins:
        target = CYRL
    elif cyrl_all_twins and latn_all_twins:
        target = doc_script if doc_script in (LATN, CYRL) else LATN
    else:
        return word  # genuinely mixed; leave it
    table = _CYRL_TO_LATN if target == LATN else _LATN_TO_CYRL
    return "".join(table.get(c, c) for c in word)


_LATN_RE = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]")
_CYRL_RE = re.compile(r"[\u0400-\u052F\u1C80-\u1C8F\uA640-\uA69F]")
_GREK_RE = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]")
_NOT_ALPHA_RE = re.compile(r"[\W\d_]+")
_NOT_LATN_RE = re.compile(r"[^A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]+")


def _count(text: str) -> dict[str, int]:
    # Deleting what does not match is cheaper than listing every match.
    letters = len(_NOT_ALPHA_RE.sub("", text))
    counts = {LATN: len(_NOT_LATN_RE.sub("", text))}
    rest = letters - counts[LATN]
    if rest > 0:  # only non-Latin text pays for the other scripts
        counts[CYRL] = len(_CYRL_RE.findall(text))
        rest -= counts[CYRL]
    if rest > 0:
        counts[GREK] = len(_GREK_RE.findall(text))
        counts[OTHER] = rest - counts[GREK]
    return {k: v for k, v in counts.items() if v > 0}


SAMPLE_CHARS = 500  # script shares are read from the first 500 characters


def profile(text: str) -> ScriptProfile:
    """Count letters per script after folding look-alike letters word by word.

    Counts come from the first SAMPLE_CHARS characters (enough to tell the script, and
    cheap); folding applies to the whole text when it mixes Latin and Cyrillic at all.
    """
    if _LATN_RE.search(text) and _CYRL_RE.search(text):
        raw = _count(text[:SAMPLE_CHARS])
        doc_script = LATN if raw.get(LATN, 0) >= raw.get(CYRL, 0) else CYRL
        text = _WORD.sub(lambda m: _fold_word(m.group(0), doc_script), text)
    raw = _count(text[:SAMPLE_CHARS])
    return ScriptProfile(text=text, counts=raw, letters=sum(raw.values()))
