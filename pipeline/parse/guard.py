"""Input guards applied to a decoded feed before feedparser sees it.

Entity declarations go: billion laughs, quadratic blowup and external entities (docs/hostile-inputs.md
cases 1-3) all need a DOCTYPE with ENTITY declarations. The DOCTYPE is removed whole; only
declarations whose value is one character reference (``<!ENTITY nbsp "&#160;">``, common in RSS
0.91 feeds) or a short literal without markup (at most 64 characters) are kept, by substituting
them in place, and only while the document at most doubles: no entity refers to another, so
nothing nests, and a 10 KB entity referenced thousands of times is never expanded. Items beyond the cap are cut off before parsing (case 23), because
feedparser's time grows with the whole document, not with what we keep of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PREDEFINED = {"amp", "lt", "gt", "quot", "apos"}
_SAFE_ENTITY = re.compile(
    r"""<!ENTITY\s+([A-Za-z_][\w.-]{0,63})\s+(?:"(&\#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});|[^"&<%]{0,64})"|'(&\#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});|[^'&<%]{0,64})')\s*>"""
)
_SPACE = re.compile(r"[\s\ufeff]+")
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.-]{0,63});")
_ITEM_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]", re.IGNORECASE)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]{0,30})(?:\s[^<>]*)?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Item HTML nested deeper than this loses its inner tags (the text stays): real articles nest
# a few dozen levels; 10,000 levels (case 6) make HTML tree walkers super-linear or recurse.
MAX_HTML_DEPTH = 100


class GuardError(Exception):
    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(f"{error_class}: {message}")
        self.error_class = error_class
        self.message = message


@dataclass
class Guarded:
    text: str
    notes: list[str] = field(default_factory=list)
    items_total: int = 0
    items_dropped: int = 0


def _doctype_end(text: str, start: int) -> int:
    """Index just past the DOCTYPE starting at ``start`` (internal subset, quotes, comments)."""
    i, depth, quote, n = start + 9, 0, "", len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                break
            i = close + 3
            continue
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == ">" and depth <= 0:
            return i + 1
        i += 1
    raise GuardError("parse_error", "unterminated DOCTYPE declaration")


def _prolog(text: str) -> tuple[int, list[tuple[int, int]]]:
    """(where the root element starts, spans of the declarations before it).

    Only the prolog is scanned, skipping processing instructions and comments, so that a
    "<!DOCTYPE" inside a comment or an item's CDATA is left alone.
    """
    i, n, spans = 0, len(text), []
    while i < n:
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        if text.startswith("<?", i):
            close = text.find("?>", i + 2)
            if close < 0:
                break
            i = close + 2
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                break
            i = close + 3
        elif text[i : i + 9].upper() == "<!DOCTYPE":
            end = _doctype_end(text, i)
            spans.append((i, end))
            i = end
        elif text.startswith("<!", i):
            close = text.find(">", i)
            if close < 0:
                break
            spans.append((i, close + 1))
            i = close + 1
        else:
            break
    return i, spans


def strip_entity_declarations(text: str) -> tuple[str, list[str]]:
    """Remove the DOCTYPE and markup declarations from the prolog; inline safe entities."""
    prolog_end, spans = _prolog(text)
    if not spans:
        return text, []
    notes = ["DOCTYPE and entity declarations stripped"]
    safe: dict[str, str] = {}
    parts: list[str] = []
    last = 0
    for start, end in spans:
        declaration = text[start:end]
        for name, dq, sq in _SAFE_ENTITY.findall(declaration):
            if name not in _PREDEFINED:
                safe[name] = dq or sq
        parts.append(text[last:start])
        # feedparser tells RSS 0.91 Netscape by its DOCTYPE; a bare marker keeps that, and
        # feedparser drops it before its XML parser runs.
        if declaration[:9].upper() == "<!DOCTYPE" and "netscape" in declaration.lower():
            parts.append('<!DOCTYPE rss SYSTEM "netscape">')
        last = end
    parts.append(text[last:prolog_end])
    rest = text[prolog_end:]
    if safe:
        budget = [len(rest)]

        def expand(match: re.Match[str]) -> str:
            value = safe.get(match.group(1))
            if value is None or budget[0] < len(value):
                return match.group(0)
            budget[0] -= len(value)
            return value

        rest = _ENTITY_REF.sub(expand, rest)
    return "".join(parts) + rest, notes


def _closing_tags(head: str) -> str:
    root = _ROOT.search(re.sub(r"<[?!][^>]*>", "", head[:4096]))
    if root is None:
        return ""
    name = root.group(1)
    if name.lower().rsplit(":", 1)[-1] == "rss":
        return f"</channel></{name}>"
    return f"</{name}>"


def cap_items(text: str, max_items: int) -> tuple[str, int, int]:
    """Cut the document before item ``max_items + 1``; returns (text, items seen, dropped)."""
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    if len(starts) <= max_items:
        return text, len(starts), 0
    cut = starts[max_items]
    return text[:cut] + _closing_tags(text), len(starts), len(starts) - max_items


def guard_document(text: str, max_items: int) -> Guarded:
    stripped, notes = strip_entity_declarations(text)
    capped, total, dropped = cap_items(stripped, max_items)
    if dropped:
        notes.append(f"{dropped} items beyond {max_items} dropped before parsing")
    return Guarded(capped, notes, total, dropped)


def limit_nesting(html: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """``html`` with every tag deeper than ``max_depth`` removed, text kept; linear time."""
    if html.count("<") <= max_depth:
        return html
    out: list[str] = []
    depth = pos = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if name in _VOID or self_closing:
            keep = depth < max_depth
        elif closing:
            keep = depth <= max_depth
            depth = max(0, depth - 1)
        else:
            depth += 1
            keep = depth <= max_depth
        if not keep:
            out.append(html[pos : match.start()])
            pos = match.end()
    if pos == 0:
        return html
    out.append(html[pos:])
    return "".join(out)
