"""What changed between two versions of an article: its key, whether it is substantive, and a
one-line summary. Pure functions over cleaned text (paragraphs separated by a blank line).

A version is keyed by ``version_hash`` of the cleaned title and text, so whitespace, markup and
tracking parameters (which cleaning and URL canonicalisation remove) never make a new version.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter

# Between title and text in the hashed string; cleaned titles hold no control characters, and
# PostgreSQL text can hold this one (migration 0009 computes the same hash in SQL).
_SEPARATOR = "\n\x1e\n"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Opening words of a correction note (English, Albanian, Serbian/Croatian/Bosnian, Macedonian).
_CORRECTION = re.compile(
    r"^\W*(correction|corrected|update|updated|korrigjim|ndreqje|ispravka|korekcija|"
    r"исправка|корекција|ажурирано|ažurirano)\b",
    re.IGNORECASE,
)
FIRST = "first version"


def version_hash(title: str | None, body_text: str | None) -> str:
    """SHA-256 (hex) of the cleaned title and text: the identity of a version."""
    data = (title or "") + _SEPARATOR + (body_text or "")
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def paragraphs(text: str | None) -> list[str]:
    return [p for p in (text or "").split("\n\n") if p.strip()]


def same_without(
    stored: tuple[str | None, str | None], new: tuple[str | None, str | None], dropped: set[str]
) -> bool:
    """Whether ``new`` is ``stored`` less the paragraphs in ``dropped`` (boilerplate the cleaner
    learned to remove after ``stored`` was kept): then it is no new version."""
    if (stored[0] or "") != (new[0] or ""):
        return False
    kept = [p for p in paragraphs(stored[1]) if p not in dropped]
    return kept == paragraphs(new[1])


def _only_in(numbers: list[str], other: list[str]) -> list[str]:
    """Numbers of ``numbers`` (in order) that ``other`` does not hold as often."""
    left = Counter(other)
    out = []
    for number in numbers:
        if left[number] > 0:
            left[number] -= 1
        else:
            out.append(number)
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summarise_change(
    previous: tuple[str | None, str | None] | None, current: tuple[str | None, str | None]
) -> str:
    """``(title, body_text)`` of the previous version against the current one, in one line:
    "title changed; 1 paragraph added (correction); numbers 12 -> 15"."""
    if previous is None:
        return FIRST
    parts: list[str] = []
    if (previous[0] or "") != (current[0] or ""):
        parts.append("title changed")
    old, new = paragraphs(previous[1]), paragraphs(current[1])
    added = removed = edited = 0
    correction = False
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            added += j2 - j1
            correction = correction or any(_CORRECTION.match(p) for p in new[j1:j2])
        elif tag == "delete":
            removed += i2 - i1
        elif tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            edited += pairs
            added += (j2 - j1) - pairs
            removed += (i2 - i1) - pairs
            correction = correction or any(_CORRECTION.match(p) for p in new[j1 + pairs : j2])
    if added:
        parts.append(
            _plural(added, "paragraph") + " added" + (" (correction)" if correction else "")
        )
    if removed:
        parts.append(_plural(removed, "paragraph") + " removed")
    if edited:
        parts.append(_plural(edited, "paragraph") + " edited")
    before = _NUMBER.findall(f"{previous[0] or ''} {previous[1] or ''}")
    after = _NUMBER.findall(f"{current[0] or ''} {current[1] or ''}")
    gone, came = _only_in(before, after), _only_in(after, before)
    if gone and came:
        pairs = zip(gone, came, strict=False)
        parts.append("numbers " + ", ".join(f"{a} -> {b}" for a, b in pairs)[:200])
    return "; ".join(parts) or "text changed"
