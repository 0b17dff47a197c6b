"""Parse feed documents, always from bytes (never a URL or a path).

The path: decode the bytes ourselves (pipeline.parse.decode), strip entity declarations and cut
surplus items (pipeline.parse.guard), read the UTF-8 bytes with the lxml fast path when it can
reproduce feedparser's result exactly (pipeline.parse.fast) and with feedparser otherwise, then
cap every field and keep only http(s) links resolved against the final URL. The whole of it runs
under a time and memory budget (pipeline.parse.budget).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from time import struct_time
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from pipeline.parse.budget import (
    BudgetExceeded,
    ParseBudget,
    Pending,
    run_within_budget,
    submit_within_budget,
)
from pipeline.parse.decode import as_utf8_xml, decode_document
from pipeline.parse.guard import GuardError, guard_document, limit_nesting
from pipeline.parse.jsonfeed import NotJsonFeed, looks_like_json, parse_json_feed
from pipeline.text.controls import strip_controls, truncate

# Entries beyond this are dropped; hostile feeds list 100,000 items (docs/hostile-inputs.md case 23).
DEFAULT_MAX_ITEMS = 2000
# Per-field caps at parse time, above the archive's own caps (pipeline.flows.article_row), so that a
# 14 MB description (case 22) is cut before it is copied around.
MAX_TITLE_CHARS = 10_000
MAX_HTML_FIELD_CHARS = 2_000_000
MAX_SHORT_FIELD_CHARS = 2_048
MAX_LIST_ITEMS = 50
MAX_URL_CHARS = 2_048


class ParseError(Exception):
    def __init__(self, error_class: str, message: str) -> None:
        # Both arguments in args, so the error survives the trip back from the parse worker.
        super().__init__(error_class, message)
        self.error_class = error_class
        self.message = message

    def __str__(self) -> str:
        return f"{self.error_class}: {self.message}"


@dataclass
class Entry:
    guid: str | None
    link: str | None
    title: str
    summary_html: str | None
    content_html: str | None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    published_raw: str | None = None
    published_struct: struct_time | None = None
    orig_link: str | None = None
    # The title of the item's <source> element: the outlet it was taken from.
    source_name: str | None = None
    # The modified time the item gives (atom:updated, dcterms:modified, article:modified_time).
    updated_raw: str | None = None
    updated_struct: struct_time | None = None


@dataclass
class ParsedFeed:
    version: str
    title: str | None
    link: str | None
    language: str | None
    entries: list[Entry]
    bozo: bool = False
    bozo_reason: str | None = None
    truncated: int = 0
    encoding: str = "utf-8"
    # What the guards changed: charset repairs, stripped declarations, dropped items.
    notes: list[str] = field(default_factory=list)
    # Feed-level polling hints (ttl, sy_updateperiod, sy_updatefrequency) for
    # pipeline.fetch.schedule, as short strings.
    poll_hints: dict[str, str] = field(default_factory=dict)


# Character references that stand for a colon, whitespace or a control: in a link they hide a
# scheme (``javascript&colon;alert(1)``, ``java&#x09;script:``). The parsers resolve the link
# before we see it, and a resolution may eat the ``;`` (``.../javascript&colonalert(1)``), so
# in the path (where ``&`` separates no parameters: ``?tab=news`` is fine) named ones match
# without it.
_HIDING_REF = re.compile(
    r"&(?:colon|tab|newline);|&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}))", re.I
)
_HIDING_NAME = re.compile(r"&(?:colon|tab|newline)", re.I)
_AMP = re.compile(r"&amp;?", re.I)


def _hides_something(link: str) -> bool:
    # feedparser's lenient parser leaves a link's entities as written, and resolving may eat
    # their ";": "&amp;#x09;" and "&amp#x09;" are "&#x09;".
    while "&amp" in link:
        link = _AMP.sub("&", link)
    if _HIDING_NAME.search(re.split(r"[?#]", link, maxsplit=1)[0]):
        return True
    for match in _HIDING_REF.finditer(link):
        hex_digits, digits = match.groups()
        if hex_digits is None and digits is None:
            return True  # &colon; &Tab; &NewLine;
        code = int(hex_digits, 16) if hex_digits else int(digits)
        if code <= 0x20 or code == 0x3A or 0x7F <= code <= 0xA0 or _is_space(code):
            return True
    return False


def _is_space(code: int) -> bool:
    return code <= 0x10FFFF and chr(code).isspace()


def safe_link(link: str | None, base_url: str) -> str | None:
    """An absolute http(s) URL resolved against ``base_url``, or None. A link whose character
    references stand for a colon, whitespace or a control is unusable and dropped: read as
    relative it would become a made-up link on the feed's host."""
    if not link:
        return None
    if "&" in link and _hides_something(link):
        return None
    link = "".join(strip_controls(link).split())
    if not link or len(link) > MAX_URL_CHARS:
        return None
    try:
        resolved = urljoin(base_url, link)
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return resolved if len(resolved) <= MAX_URL_CHARS else None


def _text(value: object, limit: int) -> str:
    return truncate(strip_controls(str(value or "")), limit)


def _entry(raw, base_url: str) -> Entry:
    content = raw.get("content") or []
    content_html = "\n".join(str(c.get("value", "")) for c in content[:MAX_LIST_ITEMS]) or None
    authors = [
        _text(a.get("name"), MAX_SHORT_FIELD_CHARS)
        for a in raw.get("authors", [])[:MAX_LIST_ITEMS]
        if a.get("name")
    ]
    if not authors and raw.get("author"):
        authors = [_text(raw["author"], MAX_SHORT_FIELD_CHARS)]
    published_raw = raw.get("published") or raw.get("updated") or raw.get("created")
    struct = raw.get("published_parsed") or raw.get("updated_parsed") or raw.get("created_parsed")
    summary = raw.get("summary")
    return Entry(
        guid=_text(raw.get("id"), MAX_SHORT_FIELD_CHARS) or None,
        link=safe_link(raw.get("link"), base_url),
        title=_text(raw.get("title"), MAX_TITLE_CHARS),
        summary_html=limit_nesting(_text(summary, MAX_HTML_FIELD_CHARS)) or None,
        content_html=limit_nesting(_text(content_html, MAX_HTML_FIELD_CHARS)) or None,
        authors=authors,
        categories=[
            _text(t.get("term"), MAX_SHORT_FIELD_CHARS)
            for t in raw.get("tags", [])[:MAX_LIST_ITEMS]
            if t.get("term")
        ],
        published_raw=_text(published_raw, 200) or None,
        published_struct=struct,
        orig_link=safe_link(raw.get("feedburner_origlink"), base_url),
        source_name=_text((raw.get("source") or {}).get("title"), MAX_SHORT_FIELD_CHARS) or None,
        # dict.get: feedparser's own get() answers "updated" with the published date when the
        # item has none, and an updated time must be one the item gave.
        updated_raw=_text(dict.get(raw, "updated"), 200) or None,
        updated_struct=dict.get(raw, "updated_parsed"),
    )


def _classify_non_feed(text: str) -> None:
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if head.startswith(("{", "[")):
        raise ParseError("unsupported_format", "JSON that is not a JSON Feed")
    if head.startswith(("<!doctype html", "<html")):
        raise ParseError("not_a_feed", "an HTML page where a feed was expected")
    if not head.startswith("<"):
        raise ParseError("not_a_feed", "plain text where a feed was expected")


def _guard(body: bytes, content_type: str | None, max_items: int):
    """Decode ``body`` and run the guards; returns (Decoded, Guarded)."""
    if not body or not body.strip():
        raise ParseError("empty_body", "the document is empty")
    decoded = decode_document(body, content_type)
    _classify_non_feed(decoded.text)
    try:
        guarded = guard_document(decoded.text, max_items)
    except GuardError as exc:
        raise ParseError(exc.error_class, exc.message) from None
    guarded.text = unusable_char_refs(guarded.text)
    return decoded, guarded


_NUMERIC_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# Longer digit runs are out of range anyway; the cap keeps int() cheap on hostile input.
_MAX_REF_DIGITS = 12


def _usable_code_point(code: int) -> bool:
    """A code point that text may hold: not a surrogate, not beyond U+10FFFF, no C0 control but
    tab and line breaks, no noncharacter U+FFFE/U+FFFF."""
    if code in (0x9, 0xA, 0xD):
        return True
    if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return False
    return code & 0xFFFE != 0xFFFE


def _replace_ref(match: re.Match) -> str:
    hex_digits, digits = match.groups()
    raw = hex_digits or digits
    if len(raw.lstrip("0")) > _MAX_REF_DIGITS:
        return "&#xFFFD;"
    code = int(raw, 16) if hex_digits else int(raw)
    if _usable_code_point(code):
        return match.group(0)
    # A control says nothing; a surrogate or an out-of-range number stood for some character.
    return "" if code < 0x20 else "&#xFFFD;"


def unusable_char_refs(text: str) -> str:
    """Numeric character references to code points no text may hold (``&#xD800;``, ``&#0;``,
    ``&#x110000;``) replaced before any parser sees them: lxml refuses them (the document falls
    to feedparser) and feedparser's lenient parser raises UnicodeEncodeError on a surrogate."""
    if "&#" not in text:
        return text
    return _NUMERIC_REF.sub(_replace_ref, text)


def _feedparser(
    data: bytes,
    base_url: str,
    extra_headers: dict[str, str] | None = None,
    sanitize_html: bool = False,
):
    import feedparser

    headers = {**(extra_headers or {}), "content-location": base_url}
    # We decoded the bytes: feedparser must not second-guess the charset.
    headers["content-type"] = "application/xml; charset=utf-8"
    return feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        # Sanitising is done later, with an allowlist (nh3), on what is stored.
        sanitize_html=sanitize_html,
        resolve_relative_uris=True,
    )


def guarded_feedparser(
    body: bytes,
    base_url: str,
    content_type: str | None,
    max_items: int,
    extra_headers: dict[str, str] | None = None,
    sanitize_html: bool = False,
):
    """feedparser's raw result for ``body`` after our decoding and guards, with what they did.

    Returns (feedparser result, Decoded, Guarded). The corpus evaluation calls this too.
    """
    decoded, guarded = _guard(body, content_type, max_items)
    data = as_utf8_xml(guarded.text)
    return _feedparser(data, base_url, extra_headers, sanitize_html), decoded, guarded


def parse_guarded(
    body: bytes, base_url: str, content_type: str | None, max_items: int
) -> ParsedFeed:
    """The unbudgeted parse; runs inside the parse worker.

    Well-formed RSS 2.0 / 0.9x, RSS 1.0 and Atom 1.0 documents go through the lxml fast path
    (pipeline.parse.fast), which yields what feedparser would for the fields we keep; everything
    else (ill-formed XML above all) through feedparser. The fast path stays inside the worker
    too: decoding (charset detection) and the guards run before it on untrusted bytes, and the
    round trip costs about 0.03 ms per item of a 50-item full-text document, against a time and
    memory bound on all of it.
    """
    # Imported here, as feedparser is: only the parse worker needs lxml and feedparser loaded.
    from pipeline.parse.fast import parse_fast

    if looks_like_json(body):
        return _json_feed(body, base_url, max_items)
    decoded, guarded = _guard(body, content_type, max_items)
    data = as_utf8_xml(guarded.text)
    try:
        parsed = parse_fast(data, base_url)
        if parsed is None:
            parsed = _feedparser(data, base_url)
        return _parsed_feed(parsed, decoded, guarded, base_url, max_items)
    except (ParseError, MemoryError, RecursionError):
        raise  # classified already, or mapped to a budget overrun by the caller
    except Exception as exc:  # noqa: BLE001 - a parser's own bug is this document's parse error
        raise ParseError("parse_error", f"{type(exc).__name__}: {exc}"[:1000]) from None


def _json_feed(body: bytes, base_url: str, max_items: int) -> ParsedFeed:
    """A JSON Feed (pipeline.parse.jsonfeed; always UTF-8, RFC 8259) through the same caps."""
    text = strip_controls(body.decode("utf-8", errors="replace").lstrip("\ufeff"))
    try:
        parsed, dropped = parse_json_feed(text, max_items)
    except NotJsonFeed as exc:
        raise ParseError("unsupported_format", str(exc)) from None
    decoded = SimpleNamespace(text=text, note=None, encoding="utf-8")
    guarded = SimpleNamespace(items_dropped=dropped, notes=[])
    return _parsed_feed(parsed, decoded, guarded, base_url, max_items)


def _parsed_feed(parsed, decoded, guarded, base_url: str, max_items: int) -> ParsedFeed:
    """Our ParsedFeed from feedparser's result (or the fast path's, which has the same keys)."""
    version = parsed.get("version") or ""
    raw_entries = parsed["entries"]
    if not version and not raw_entries:
        if "<html" in decoded.text[:4096].lower():
            raise ParseError("not_a_feed", "an HTML page where a feed was expected")
        reason = parsed.get("bozo_exception")
        raise ParseError("parse_error", f"not a parsable feed: {reason}")
    entries = [_entry(e, base_url) for e in raw_entries[:max_items]]
    feed = parsed.get("feed", {})
    bozo_exc = parsed.get("bozo_exception")
    notes = ([decoded.note] if decoded.note else []) + guarded.notes
    return ParsedFeed(
        version=version,
        title=_text(feed.get("title"), MAX_TITLE_CHARS) or None,
        link=safe_link(feed.get("link"), base_url),
        language=_text(feed.get("language"), 35) or None,
        entries=entries,
        bozo=bool(parsed.get("bozo")) or bool(notes),
        bozo_reason=f"{type(bozo_exc).__name__}: {bozo_exc}"[:1000] if bozo_exc else None,
        truncated=guarded.items_dropped + max(0, len(raw_entries) - max_items),
        encoding=decoded.encoding,
        notes=notes,
        poll_hints=_poll_hints(feed),
    )


POLL_HINT_KEYS = ("ttl", "sy_updateperiod", "sy_updatefrequency")


def _poll_hints(feed) -> dict[str, str]:
    return {k: _text(feed[k], 40) for k in POLL_HINT_KEYS if isinstance(feed.get(k), str)}


def parse_feed(
    body: bytes,
    *,
    base_url: str,
    content_type: str | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
    budget: ParseBudget | None = None,
) -> ParsedFeed:
    """Parse ``body`` as RSS or Atom; relative links resolve against ``base_url`` (the final
    URL after redirects). Raises ``ParseError`` with an error class for anything not a feed."""
    if not body or not body.strip():
        raise ParseError("empty_body", "the document is empty")
    try:
        return run_within_budget(
            budget or ParseBudget(), parse_guarded, body, base_url, content_type, max_items
        )
    except (BudgetExceeded, RecursionError) as exc:
        raise _budget_error(exc) from None


def start_in_budget(budget: ParseBudget, fn, *args, lane: int = 0) -> PendingParse:
    """Start ``fn(*args)`` (a module-level function that parses, raising ParseError) in the
    parse worker of ``lane`` and return at once, so that the caller works while it runs;
    ``result`` maps an overrun budget to ParseError as ``parse_feed`` does."""
    return PendingParse(submit_within_budget(budget, fn, *args, lane=lane))


class PendingParse:
    """A parse under way; ``result`` gives what the function returned or raises ParseError."""

    def __init__(self, pending: Pending) -> None:
        self._pending = pending

    def result(self):
        try:
            return self._pending.result()
        except (BudgetExceeded, RecursionError) as exc:
            raise _budget_error(exc) from None


def _budget_error(exc: BaseException) -> ParseError:
    if isinstance(exc, RecursionError):
        return ParseError("parse_error", "nesting too deep")
    return ParseError("parse_budget", str(exc))
