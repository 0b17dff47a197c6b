"""A fast path for well-formed RSS 2.0 / 0.9x, RSS 1.0 and Atom 1.0 documents, built on lxml.

feedparser turns a typical newsroom item (4 KB of HTML in content:encoded) into our fields in about
a millisecond, mostly in Python-level SAX callbacks and its sgmllib re-serialisation of HTML. This
module reads the same UTF-8 bytes with lxml and rebuilds, for the fields ``feeds._entry`` reads,
the values feedparser's strict (well-formed) path would produce: same element dispatch (namespace
prefixes, case-folded names), same text post-processing (stripping, URI resolution, the
"looks like HTML" guess, HTML re-serialisation with relative URIs resolved, the Latin-1/UTF-8
repair and the windows-1252 mapping), same quirks (first title wins, a permalink guid stands in for
a missing link, category de-duplication). Where feedparser helpers are exact and cheap they are
called rather than re-implemented (date parsing, URI joining, the HTML start-tag writer).

Anything outside what is reproduced exactly raises ``Unsupported`` inside and makes
``parse_fast`` return None; the caller then parses the whole document with feedparser. That covers
ill-formed XML, DOCTYPEs, xml:base, unknown roots and namespaces, XHTML or base64 content, nested
markup in text fields, elements feedparser gives special meaning we do not model (source,
media:title, itunes:*...), duplicated summaries or contents, and HTML outside a conservative
grammar.
"""

from __future__ import annotations

import io
import logging
import re
from urllib.parse import urljoin

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import RelativeURIResolver, _urifixer, _urljoin, make_safe_absolute_uri
from feedparser.util import FeedParserDict
from feedparser_sgmllib import SGMLParser, charref, entityref, incomplete
from lxml import etree

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
RSS10_NS = "http://purl.org/rss/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_ABOUT = f"{{{RDF_NS}}}about"
# Namespaces whose declaration sets feedparser's version before the root is read (the first one
# declared wins): only an RSS 1.0 document may declare one, and only its own.
_VERSION_NAMESPACES = {RSS10_NS, "http://my.netscape.com/rdf/simple/0.9/", ATOM_NS.lower()}
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}

_KNOWN_NS: dict[str, str] = {uri.lower(): p for uri, p in _FeedParserMixin.namespaces.items()}
_STANDARD_PREFIXES = frozenset(p for p in _KNOWN_NS.values() if p)
# Element names feedparser dispatches to a handler (from _start_dc_creator: dc_creator).
_HANDLED = frozenset(
    name.removeprefix("_start_").removeprefix("_end_")
    for name in dir(StrictFeedParser)
    if name.startswith(("_start_", "_end_"))
)
# Keys an element without a handler must not be stored under: the ones feeds._entry reads and the
# ones FeedParserDict silently maps onto other keys.
_SENSITIVE = frozenset(FeedParserDict.keymap) | {
    "title", "link", "links", "id", "summary", "content", "author", "authors", "tags",
    "published", "updated", "created", "published_parsed", "updated_parsed", "created_parsed",
    "feedburner_origlink", "language", "subtitle", "entries", "feed", "href",
}  # fmt: skip

_PUBLISHED = {"pubdate", "published", "issued", "dcterms_issued"}
_UPDATED = {"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"}
_CREATED = {"created", "dcterms_created"}
_AUTHOR_PARTS = {"name", "email", "uri", "url", "homepage"}
# Elements with a feedparser handler that touches nothing we read, per context. Their children
# are checked too (only author parts below authors and contributors, inert elements elsewhere).
_FEED_HARMLESS = {
    "description", "subtitle", "tagline", "copyright", "rights", "generator", "category", "cloud",
    "managingeditor", "webmaster", "author", "contributor", "dc_creator", "dc_publisher",
    "dc_rights", "dc_subject", "feedburner_browserfriendly", "info", "admin_generatoragent",
    "admin_errorreportsto",
} | _PUBLISHED | _UPDATED  # fmt: skip
_ITEM_HARMLESS = {
    "enclosure", "media_content", "media_thumbnail", "media_group", "media_credit",
    "media_rating", "media_restriction", "media_license", "media_player", "contributor",
    "rights", "copyright", "language", "dc_language",
}  # fmt: skip
# Feed-level polling hints handed up to the schedule: RSS <ttl>, the syndication module's period.
POLL_HINT_KEYS = ("ttl", "sy_updateperiod", "sy_updatefrequency")
_IMAGE_PARTS = {"title", "link", "url", "width", "height", "description"}
_TEXTINPUT_PARTS = {"title", "link", "description", "name"}

_C1_CONTROLS = re.compile("[\x80-\x9f]")
_QUERY_REF = re.compile("&([A-Za-z0-9_]+);")
_BASE_ATTR = re.compile(rb"(?i)base\s*=")
_HTML_MARKUP = re.compile("[<&]")
# What feedparser's HTML processor does to the whole string before tokenising it.
_BANG = re.compile(r"<!((?!DOCTYPE|--|\[))", re.IGNORECASE)
_SHORT_TAG = re.compile(r"<([^<>\s]+?)\s*/>")
_TAG = re.compile(
    r"<(/?)([a-zA-Z][-_.:a-zA-Z0-9]*)"
    r"((?:\s+[a-zA-Z_][-:.a-zA-Z_0-9]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))?)*)"
    r"(\s*)(/?)>"
)
_ATTR = re.compile(r"""\s+([a-zA-Z_][-:.a-zA-Z_0-9]*)(?:\s*=\s*("[^"]*"|'[^']*'))?""")
_COMMENT_CLOSE = re.compile(r"--\s*>")
# The next "<" or "&" that does not start a token the HTML processor writes back unchanged: a
# start or end tag without attributes of a non-void element, or one of the references below.
# Text up to it is copied as is; the rest goes through the token-by-token path.
_VOID = "|".join(sorted(RelativeURIResolver.elements_no_end_tag))
_NEXT_TOKEN = re.compile(
    rf"<(?!/?(?!(?:{_VOID})>)[a-z][a-z0-9]*>)|&(?!(?:amp|lt|gt|quot|nbsp|#x27);)"
)
# After "<", characters with which sgmllib starts a construct; any other "<" is plain text.
_MARKUP_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/!?>")


class Unsupported(Exception):
    """The document holds something the fast path does not reproduce exactly."""


def _safe_parser_options() -> dict:
    # No DTD, no entity expansion, no network, libxml2's default size limits (huge_tree off).
    return {
        "events": ("start-ns",),
        "resolve_entities": False,
        "load_dtd": False,
        "no_network": True,
        "huge_tree": False,
        "dtd_validation": False,
        "remove_blank_text": False,
    }


def _finish(text: str) -> str:
    """feedparser's last steps on every text value: its Latin-1-read-as-UTF-8 repair, then the
    windows-1252 mapping of C1 control characters."""
    if text.isascii():
        return text
    try:
        text = text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if _C1_CONTROLS.search(text):
        text = text.translate(_cp1252)
    return text


def _map_type(value: str) -> str:
    return _FeedParserMixin.map_content_type(value)


class _CachingResolver(RelativeURIResolver):
    """feedparser's writer, remembering resolved URIs: a document repeats the same few links."""

    def __init__(self, base: str, encoding: str, content_type: str) -> None:
        super().__init__(base, encoding, content_type)
        self._resolved: dict[str, str] = {}

    def resolve_uri(self, uri: str) -> str:
        resolved = self._resolved.get(uri)
        if resolved is None:
            resolved = self._resolved[uri] = super().resolve_uri(uri)
        return resolved


class _Html:
    """feedparser's HTML re-serialisation with relative URIs resolved (feedparser.urls.
    resolve_relative_uris), for a grammar where the result is known: well-formed tags with quoted
    attributes, comments, character and entity references. Output pieces come from feedparser's
    own handlers; anything else raises Unsupported."""

    def __init__(self, base: str) -> None:
        self._writer = _CachingResolver(base, "utf-8", "text/html")

    def resolve(self, html: str) -> str:
        if not _HTML_MARKUP.search(html):
            return html
        data = _BANG.sub(r"&lt;!\1", html)
        if "/>" in data:
            data = _SHORT_TAG.sub(self._writer._shorttag_replace, data)
        data = data.replace("&#39;", "'").replace("&#34;", '"')
        out: list[str] = []
        self._writer.pieces = out
        pos, end = 0, len(data)
        while True:
            found = _NEXT_TOKEN.search(data, pos)
            if found is None:
                out.append(data[pos:])
                break
            i = found.start()
            if i > pos:
                out.append(data[pos:i])
            pos = self._reference(data, i) if data[i] == "&" else self._markup(data, i, end)
        return "".join(out)

    def _reference(self, data: str, i: int) -> int:
        writer = self._writer
        match = charref.match(data, i)
        if match:
            writer.handle_charref(match.group(1))
            return match.end()
        match = entityref.match(data, i)
        if match:
            writer.handle_entityref(match.group(1))
            j = match.end()
            return j if data[j - 1] == ";" else j - 1
        match = incomplete.match(data, i)
        j = match.end() if match else i + 1
        writer.pieces.append(data[i:j])
        return j

    def _markup(self, data: str, i: int, end: int) -> int:
        nxt = data[i + 1] if i + 1 < end else ""
        if nxt not in _MARKUP_START:
            self._writer.pieces.append("<")
            return i + 1
        if data.startswith("<!--", i):
            close = _COMMENT_CLOSE.search(data, i + 4)
            if close is None:
                raise Unsupported("unterminated comment in HTML")
            self._writer.handle_comment(data[i + 4 : close.start()])
            return close.end()
        match = _TAG.match(data, i)
        if match is None:
            raise Unsupported("HTML outside the reproduced grammar")
        closing, name, attrs, space, slash = match.groups()
        tag = name.lower()
        if closing:
            if attrs or slash:
                raise Unsupported("attributes on an end tag")
            self._writer.unknown_endtag(tag)
        else:
            if slash and not attrs and not space:
                raise Unsupported("SGML short tag")
            self._writer.unknown_starttag(tag, self._attributes(attrs) if attrs else [])
        return match.end()

    def _attributes(self, text: str) -> list[tuple[str, str]]:
        out = []
        for match in _ATTR.finditer(text):
            name, value = match.groups()
            if value is None:
                value = name
            else:
                value = value[1:-1]
                if "&" in value:
                    value = SGMLParser.entity_or_charref.sub(self._writer._convert_ref, value)
            out.append((name.lower(), value))
        return out


class _Document:
    """State for one document: the base URI, the version and feedparser's title-depth rule."""

    def __init__(self, base_url: str, version: str) -> None:
        self.base = _feed_base(base_url)
        self.version = version
        self.html = _Html(self.base)
        # feedparser keeps the depth of the last non-empty title and ignores later titles at the
        # same or a greater depth until an item, image or text input starts.
        self.title_depth = -1

    def resolve(self, uri: str) -> str:
        fixable = _urifixer.match(uri)
        if fixable and fixable.group(2):
            return _urljoin(self.base or "", uri)
        # feedparser's _urljoin without its slash fix-up, which changes nothing here.
        try:
            return urljoin(self.base or "", uri)
        except ValueError:
            return ""

    def text(self, el, element: str) -> str:
        """A plain element's value as feedparser stores it (no content type)."""
        if len(el):
            raise Unsupported(f"markup inside {element}")
        value = (el.text or "").strip()
        if value and element in _FeedParserMixin.can_be_relative_uri:
            value = self.resolve(value)
        return _finish(value)

    def content(self, el, element: str, default_type: str) -> tuple[str, str]:
        """(value, content type) of a title/summary/content element."""
        if len(el):
            raise Unsupported(f"markup inside {element}")
        attrs = _attributes(el)
        if set(attrs) - {"type", "xml:lang"}:
            raise Unsupported(f"attributes on {element}")
        ctype = _map_type(attrs.get("type", default_type))
        if ctype not in ("text/plain", "text/html"):
            raise Unsupported(f"{ctype} content")
        value = (el.text or "").strip()
        if (
            ctype == "text/plain"
            and not self.version.startswith("atom")
            and _HTML_MARKUP.search(value)
            and _FeedParserMixin.looks_like_html(value)
        ):
            ctype = "text/html"
        if ctype == "text/html" and element in _FeedParserMixin.can_contain_relative_uris:
            value = self.html.resolve(value)
        return _finish(value), ctype

    def title(self, el, depth: int) -> tuple[str, bool]:
        """(value, stored?) for a title at ``depth``; updates the title depth."""
        value, _ = self.content(el, "title", "text/plain")
        stored = not (-1 < self.title_depth <= depth)
        if value:
            self.title_depth = depth
        return value, stored

    def link(self, el, target: dict, in_entry: bool) -> None:
        attrs = _attributes(el)
        rel = attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            attrs["href"] = href
        if "href" in attrs:
            _check_leaf(el)
            if rel == "alternate" and _map_type(attrs["type"]) in _FeedParserMixin.html_types:
                target["link"] = self.resolve(attrs["href"])
            return
        value = self.text(el, "link")
        if "&" in value:
            if in_entry:
                value = value.replace("&amp;", "&")
            value = _QUERY_REF.sub(r"&\g<1>", value)
        target["link"] = value

    def guid(self, el, target: dict) -> None:
        is_link = _attributes(el).get("ispermalink", "true") == "true"
        if len(el):
            raise Unsupported("markup inside guid")
        value = (el.text or "").strip()
        if value and is_link:
            value = self.resolve(value)
        value = _finish(value)
        target["id"] = value
        if is_link:
            target.setdefault("link", value)


def _feed_base(base_url: str) -> str:
    """The base URI feedparser settles on for a document served from ``base_url``."""
    base = base_url
    for _ in range(2):
        base = (make_safe_absolute_uri(base, base) or base) if base else _urljoin(base, base)
    if base != ((make_safe_absolute_uri(base, base) or base) if base else base):
        raise Unsupported("unstable base URI")
    return base


def _attributes(el) -> dict[str, str]:
    """Attributes as feedparser keys them: lower-cased names, lower-cased rel and type values."""
    out: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key[0] == "{":
            if key != XML_LANG:
                raise Unsupported("namespaced attribute")
            key = "xml:lang"
        else:
            key = key.lower()
        if key in out:
            raise Unsupported("attribute names differing only in case")
        out[key] = value.lower() if key in ("rel", "type") else value
    return out


# Element names that do not depend on the document's prefix, by lxml tag.
_NAMES: dict[str, str] = {}


def _fp_name(el) -> str | None:
    """feedparser's name for an element ('title', 'dc_creator', 'feedburner_origlink'), or None
    for comments and processing instructions."""
    tag = el.tag
    name = _NAMES.get(tag)
    if name is not None:
        return name
    if not isinstance(tag, str):
        return None
    if tag[0] != "{":
        name = _NAMES[tag] = tag.lower()
        return name
    uri, local = tag[1:].split("}", 1)
    lowered = uri.lower()
    if "backend.userland.com/rss" in lowered:
        lowered = "http://backend.userland.com/rss"
    prefix = _KNOWN_NS.get(lowered)
    if prefix is not None:
        name = _NAMES[tag] = f"{prefix}_{local.lower()}" if prefix else local.lower()
        return name
    if el.prefix is None:
        return local.lower()
    return f"{el.prefix.lower()}_{local.lower()}"


def _check_inert(el) -> None:
    """``el`` and its descendants change nothing feedparser would give us: no element with a
    feedparser handler, none stored under a key we read."""
    for node in el.iter():
        name = _fp_name(node)
        if name is not None and (name in _HANDLED or name in _SENSITIVE):
            raise Unsupported(f"element {name}")


def _check_children(el, names: set[str]) -> None:
    for child in el:
        name = _fp_name(child)
        if name is None:
            continue
        if name not in names:
            raise Unsupported(f"{name} inside {_fp_name(el)}")
        _check_leaf(child)


def _check_leaf(el) -> None:
    for child in el:
        if _fp_name(child) is not None:
            raise Unsupported("nested element")


def _check_harmless(el, name: str) -> None:
    """The children a harmless element may have: author parts, Media RSS parts, or none."""
    if name in ("author", "contributor"):
        _check_children(el, _AUTHOR_PARTS)
    elif name == "media_group":
        for child in el:
            child_name = _fp_name(child)
            if child_name in _ITEM_HARMLESS:
                _check_harmless(child, child_name)
            elif child_name is not None:
                _check_inert(child)
    elif name == "media_content":
        for child in el:
            if _fp_name(child) is not None:
                _check_inert(child)
    else:
        _check_leaf(el)


def _add_tag(tags: list[dict], term, scheme, label) -> None:
    if not term and not scheme and not label:
        return
    tag = {"term": term, "scheme": scheme, "label": label}
    if tag not in tags:
        tags.append(tag)


def _category(doc: _Document, el, tags: list[dict]) -> None:
    attrs = _attributes(el)
    _add_tag(tags, attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label"))
    value = doc.text(el, "category")
    if not value:
        return
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        _add_tag(tags, value, None, None)


def _sync_author(entry: dict) -> None:
    """feedparser's author clean-up (an e-mail address split off), run by feedparser itself."""
    context = FeedParserDict(author=entry["author"], authors=[FeedParserDict()])

    class _Context:
        def _get_context(self):
            return context

    _FeedParserMixin._sync_author_detail(_Context())
    entry["authors"][-1] = dict(context["authors"][-1])


def _author(doc: _Document, el, entry: dict) -> None:
    authors = entry.setdefault("authors", [])
    authors.append({})
    if any(_fp_name(child) is not None for child in el):
        # Atom: the name element's text, stripped only (feedparser stores it unprocessed).
        names = [child for child in el if _fp_name(child) == "name"]
        _check_children(el, _AUTHOR_PARTS)
        if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
            raise Unsupported("text beside author parts")
        name = (names[-1].text or "").strip() if names else ""
        if not name:
            raise Unsupported("author without a name")
        authors[-1]["name"] = name
        entry["author"] = name
        return
    value = doc.text(el, "author")
    entry["author"] = value
    if "@" in value:
        _sync_author(entry)
    elif value:
        authors[-1]["name"] = value


def _date(doc: _Document, el, entry: dict, key: str) -> None:
    value = doc.text(el, key)
    entry[key] = value
    entry[f"{key}_parsed"] = _parse_date(value)


def _entry(doc: _Document, item, depth: int) -> dict:
    if set(item.attrib) - {XML_LANG, RDF_ABOUT}:
        raise Unsupported("attributes on an item")
    doc.title_depth = -1
    entry: dict = {}
    about = item.get(RDF_ABOUT)
    if about:
        entry["id"] = about  # stored as given: no stripping, resolving or repair
    summaries = contents = 0
    for child in item:
        name = _fp_name(child)
        if name is None:
            continue
        if name == "title":
            value, stored = doc.title(child, depth)
            if stored:
                entry["title"] = value
        elif name == "link":
            doc.link(child, entry, in_entry=True)
        elif name in ("guid", "id"):
            doc.guid(child, entry)
        elif name in ("description", "summary"):
            summaries += 1
            default = "text/html" if name == "description" else "text/plain"
            entry["summary"], _ = doc.content(child, name, default)
        elif name in ("content_encoded", "content"):
            contents += 1
            if name == "content" and "src" in _attributes(child):
                raise Unsupported("out-of-line content")
            default = "text/html" if name == "content_encoded" else "text/plain"
            value, _ = doc.content(child, "content", default)
            entry["content"] = [{"value": value}]
            entry.setdefault("summary", value)
        elif name in _PUBLISHED:
            _date(doc, child, entry, "published")
        elif name in _UPDATED:
            _date(doc, child, entry, "updated")
        elif name in _CREATED:
            _date(doc, child, entry, "created")
        elif name in ("author", "dc_creator", "dc_author"):
            _author(doc, child, entry)
        elif name in ("category", "dc_subject"):
            _category(doc, child, entry.setdefault("tags", []))
        elif name == "feedburner_origlink":
            if child.attrib:
                raise Unsupported("attributes on origLink")
            entry[name] = doc.text(child, name)
        elif name in _ITEM_HARMLESS:
            _check_harmless(child, name)
        else:
            _check_inert(child)
    if summaries > 1 or contents > 1:
        raise Unsupported("more than one summary or content in an item")
    return entry


def _feed_child(doc: _Document, el, name: str, feed: dict, depth: int) -> None:
    if name == "title":
        value, stored = doc.title(el, depth)
        if stored:
            feed["title"] = value
    elif name == "link":
        doc.link(el, feed, in_entry=False)
    elif name in ("guid", "id"):
        doc.guid(el, feed)
    elif name in ("language", "dc_language"):
        feed["language"] = doc.text(el, "language")
    elif name in ("image", "textinput"):
        _check_children(el, _IMAGE_PARTS if name == "image" else _TEXTINPUT_PARTS)
        doc.title_depth = -1
        for child in el:
            if _fp_name(child) == "title":
                doc.title(child, depth + 1)
    elif name in _FEED_HARMLESS:
        _check_harmless(el, name)
    elif name == "items" and doc.version == "rss10":
        # The item list (rdf:Seq of rdf:li): stored by feedparser under a feed key we never read.
        for node in el.iter():
            if _fp_name(node) not in (None, "items", "rdf_seq", "rdf_li"):
                raise Unsupported("unexpected markup in the RSS 1.0 item list")
    else:
        _check_inert(el)
        if name in POLL_HINT_KEYS and not len(el):
            # Polling hints (pipeline.fetch.schedule): feedparser keeps them as plain feed keys.
            feed[name] = (el.text or "").strip()


def _walk(doc: _Document, container, item_name: str, depth: int) -> dict:
    """The feed and entries below ``container``, whose children sit at ``depth``."""
    feed: dict = {}
    entries: list[dict] = []
    for child in container:
        name = _fp_name(child)
        if name is None:
            continue
        if name == item_name:
            entries.append(_entry(doc, child, depth + 1))
        else:
            _feed_child(doc, child, name, feed, depth)
    return {"feed": feed, "entries": entries}


def _check_no_base(root) -> None:
    """feedparser rebases URIs on xml:base and on any attribute named base, in any case."""
    for el in root.iter():
        for key in el.attrib:
            if key.rsplit("}", 1)[-1].lower() == "base":
                raise Unsupported("xml:base or base attribute")


def _root_language(root) -> str | None:
    for key in root.attrib:
        if key != XML_LANG and key.rsplit("}", 1)[-1].lower() == "lang":
            raise Unsupported("lang attribute on the root")
    lang = root.get(XML_LANG)
    return lang.replace("_", "-") if lang else None


def _check_namespaces(declarations: list[tuple[str, str]]) -> set[str]:
    """Reject declarations that would make feedparser name elements differently from us.

    feedparser maps a document prefix bound to a known namespace onto its standard prefix and
    looks every element prefix up in that map, so a document prefix spelled like another standard
    prefix, or like the prefix of a known namespace, renames elements. Its SAX reader gives no
    prefix for elements of unknown namespaces: it takes the first prefix bound to the element's
    namespace, or none (a bare local name). The names agree with ours when every unknown
    namespace is bound either to exactly one prefix used for nothing else, or only as default.
    """
    known: dict[str, str] = {}
    unknown: dict[str, set[str]] = {}
    prefix_uris: dict[str, set[str]] = {}
    versions: set[str] = set()
    for prefix, uri in declarations:
        lowered = uri.lower()
        if lowered in _VERSION_NAMESPACES:
            versions.add(lowered)
        if prefix:
            prefix_uris.setdefault(prefix, set()).add(uri)
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        standard = _KNOWN_NS.get(lowered)
        if standard is None:
            unknown.setdefault(uri, set()).add(prefix or "")
        elif prefix and prefix != standard and prefix in _STANDARD_PREFIXES:
            raise Unsupported(f"prefix {prefix!r} names another known namespace")
        elif prefix:
            known[prefix] = standard
    standards = set(known.values())
    for uri, prefixes in unknown.items():
        if len(prefixes) != 1:
            raise Unsupported(f"namespace {uri} bound to several prefixes")
        (prefix,) = prefixes
        if prefix and (
            len(prefix_uris[prefix]) != 1
            or prefix.lower() in known
            or prefix in standards
            or prefix.lower() in standards
        ):
            raise Unsupported(f"prefix {prefix!r} bound to several namespaces")
    return versions


def _parse_tree(data: bytes):
    declarations: list[tuple[str, str]] = []
    try:
        events = etree.iterparse(io.BytesIO(data), **_safe_parser_options())
        for _, declaration in events:
            declarations.append(declaration)
        root = events.root
    except etree.LxmlError:
        raise Unsupported("not well-formed") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise Unsupported("DOCTYPE")
    return root, _check_namespaces(declarations)


def _version(root, versions: set[str]) -> str:
    """feedparser's version for the roots the fast path reads."""
    if root.tag == "rss" and versions <= {ATOM_NS.lower()}:
        # An Atom declaration sets "atom10" first; the rss element then overrides it.
        attr = _attributes(root).get("version", "")
        return _RSS_VERSIONS.get(attr) or ("rss20" if attr.startswith("2.") else "rss")
    if root.tag == f"{{{ATOM_NS}}}feed" and root.prefix is None and versions == {ATOM_NS.lower()}:
        return "atom10"
    if root.tag == f"{{{RDF_NS}}}RDF" and versions == {RSS10_NS}:
        return "rss10"
    raise Unsupported(f"root element {root.tag}")


def _rdf(doc: _Document, root) -> dict:
    """RSS 1.0: the channel and its items are siblings below rdf:RDF; feedparser leaves the feed
    context when the channel closes, so only the channel's own children describe the feed."""
    channels = [child for child in root if _fp_name(child) == "channel"]
    if len(channels) != 1:
        raise Unsupported("an RSS 1.0 document without exactly one channel")
    if set(channels[0].attrib) - {RDF_ABOUT, XML_LANG}:
        raise Unsupported("attributes on the channel")
    feed: dict = {}
    entries: list[dict] = []
    for child in root:
        name = _fp_name(child)
        if name is None:
            continue
        if name == "channel":
            walked = _walk(doc, child, "item", 3)
            feed = walked["feed"]
            entries += walked["entries"]
        elif name == "item":
            entries.append(_entry(doc, child, 3))
        elif name in ("image", "textinput"):
            _feed_child(doc, child, name, {}, 2)
        else:
            _check_inert(child)
    return {"feed": feed, "entries": entries}


def _parse(data: bytes, base_url: str) -> dict:
    root, versions = _parse_tree(data)
    if _BASE_ATTR.search(data):
        _check_no_base(root)
    version = _version(root, versions)
    doc = _Document(base_url, version)
    if version == "rss10":
        # feedparser compares the lower-cased root name with "rdf:RDF": no language from it.
        result = _rdf(doc, root)
    elif version == "atom10":
        result = _walk(doc, root, "entry", 2)
    else:
        channels = [child for child in root if _fp_name(child) is not None]
        if len(channels) != 1 or _fp_name(channels[0]) != "channel":
            raise Unsupported("an RSS root without exactly one channel")
        if set(_attributes(channels[0])) - {"xml:lang"}:
            raise Unsupported("attributes on the channel")
        result = _walk(doc, channels[0], "item", 3)
    if version != "rss10":
        language = _root_language(root)
        if language and "language" not in result["feed"]:
            result["feed"]["language"] = language
    result["version"] = version
    result["bozo"] = False
    return result


def parse_fast(data: bytes, base_url: str) -> dict | None:
    """feedparser's result (only the keys ``feeds`` reads, as plain dicts) for the UTF-8 ``data``
    feedparser would be given, or None when feedparser must parse it."""
    try:
        return _parse(data, base_url)
    except Unsupported:
        return None
    except (MemoryError, RecursionError):
        raise  # the parse budget's business
    except Exception:  # noqa: BLE001 - a fast-path bug must not lose a feed feedparser can read
        log.exception("fast feed parser failed; falling back to feedparser")
        return None
