"""HTML from feeds into sanitised HTML (an allowlist) and plain text with paragraph breaks.

Site furniture goes before either is made: scripts and embeds, ads, share and follow widgets,
"read more" blocks, lines that send the reader to social networks, and paragraphs an article
repeats. Boilerplate that only shows as repetition across an outlet's articles is learned in
``pipeline.clean.boilerplate``.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3
from lxml import etree

from pipeline.clean.text import clean_block, clean_line
from pipeline.parse.guard import limit_nesting
from pipeline.text.controls import strip_controls
from pipeline.text.fold import comparison_text

# Elements whose content is never article text.
_DROP = frozenset({
    "script", "style", "noscript", "iframe", "object", "embed", "form", "button", "svg",
    "template", "nav", "aside", "select", "input", "textarea", "canvas", "audio", "video",
})  # fmt: skip
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "section", "article", "header", "footer", "table", "tr", "figure", "figcaption", "pre",
}  # fmt: skip
# Leaf blocks checked one by one for furniture and repetition.
_TEXT_BLOCKS = frozenset(
    {"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "div"}
)

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "img", "table", "thead", "tbody",
    "tr", "td", "th", "pre", "code", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}

# class/id words of widgets, ads and related-article blocks (matched as whole words).
_FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|follow|related|read-?more|readmore|newsletter|"
    r"subscribe|advert|advertisement|ads?|adsbygoogle|banner|promo|sponsored|comments?|"
    r"tags|breadcrumbs?|widget|sidebar|outbrain|taboola|midas|dfp|gpt-ad|cookie|popup|"
    r"lexo-?edhe|procitajte|povezane?|vezane)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Paragraphs that send the reader elsewhere: read more, follow us, latest news from, share.
_FURNITURE_TEXT = re.compile(
    r"^(?:"
    r"(?:lexo|lexoni)(?: edhe| më shumë| me shume| gjithashtu| po ashtu)?|"
    r"(?:pročitajte|procitajte|pročitaj|procitaj|прочитајте|прочитај|прочитајте још|"
    r"opširnije|opsirnije|опширније|прочитај повеќе|read more|read also|"
    r"see also|related|more:|also read|vidi još|vidi jos|видите још|погледајте још|"
    r"pogledajte(?: još| jos)?|погледајте)\b|"
    r"lajmet e fundit nga\b|najnovije vijesti\b|najnovije vesti\b|најновије вести\b|"
    r"(?:na |ju )?(?:ndiqni|na ndiqni|ndiqeni|pratite nas|пратите нас|follow us|"
    r"bëhuni pjesë|budite dio|subscribe|pretplatite se|претплатите се|abonohu|"
    r"share (?:this|on)|podijeli|podeli|подели|shpërndaje|shperndaje|like us)\b|"
    r"(?:foto|photo|фото|video|видео)\s*:\s*\S.{0,60}$"
    r")",
    re.IGNORECASE,
)
# Social networks named in a short line are a follow/share prompt, not article text.
_SOCIAL = re.compile(
    r"\b(?:facebook|instagram|twitter|tiktok|telegram|viber|whatsapp|youtube|linkedin|"
    r"threads|x\.com)\b",
    re.IGNORECASE,
)
_PROMPT = re.compile(
    r"\b(?:ndiq|follow|pratite|пратите|следете|like|share|subscribe|pretplat|претплат|abono|"
    r"join|pridruži|pridruzi|bashkohu|kanal|channel|profil|stranic|faqen|faqe)",
    re.IGNORECASE,
)
# Furniture lines are short; a long paragraph that starts with "Pogledajte" is article text.
_FURNITURE_LINE_MAX = 200
_SOCIAL_LINE_MAX = 160
# Markup beyond this is not parsed: the archive keeps at most 500,000 characters of text and
# 1,000,000 of HTML, and a 14 MB description (docs/hostile-inputs.md case 22) must stay cheap.
MAX_INPUT_CHARS = 2_000_000
# Elements an HTML parser never gives content: written as ``<br/>``, never as ``<br></br>``.
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen",
})  # fmt: skip
_ASCII_SPACES = " \n\t\f\r"
_PRESERVE = frozenset({"pre", "textarea"})
# A whole page's own document tags (trafilatura's output, pages in feeds). Each becomes an empty
# comment: libxml2 would drop the whitespace around them, and the sanitiser drops the comment.
_DOCUMENT_TAG = re.compile(r"<!doctype[^>]*>|</?(?:html|head|body)(?:\s[^>]*)?/?>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_LOCAL = threading.local()
_REMOVED_TAG = "x-removed"  # not allowlisted: the sanitiser drops it
# The markup _Markup writes itself: top-level blocks, inline elements inside them or alone.
_SIMPLE_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
_SIMPLE_INLINE = frozenset({"a", "em", "strong", "b", "i", "u", "sub", "sup", "code", "br"})
# Links the sanitiser keeps as they are: http(s) with a plain lower-case host name (no port, no
# user, no IP address, no punycode that IDNA could refuse); the path may hold anything printable.
_SIMPLE_URL = re.compile(
    r"https?://(?!\S*xn--)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:[/?#][^\s\x00-\x1f\x7f-\x9f\"'<>\\^`{|}]*)?\Z"
)
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# libxml2's HTML parser stops at this depth (without its "huge" option); <html><body> are two.
_LIBXML2_MAX_DEPTH = 256


@dataclass(frozen=True)
class CleanHtml:
    html: str  # sanitised, furniture removed
    paragraphs: list[str]  # plain text paragraphs, hygiene applied
    # comparison_text of each paragraph, computed anyway to find repeats: dedup and the search
    # index reuse them instead of folding the text again.
    folded: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# What is left of a scheme hidden behind a character reference once a parser resolved the link
# as relative ("javascript&colon;x" -> "https://site/feed/javascript:x"): a made-up link, dropped.
_SCHEME_IN_PATH = re.compile(
    r"(?:^|/)\s*(?:java|vb|live)script\s*(?::|&colon|&#0*58|&#x0*3a)|(?:^|/)data:", re.IGNORECASE
)


def _link_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src") and _SCHEME_IN_PATH.search(value):
        return None
    return value


def sanitize_html(html: str | None) -> str:
    """Allowlisted HTML with only http(s) links; sanitising the result again changes nothing."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_link_filter,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def is_furniture_text(paragraph: str) -> bool:
    """A read-more, follow-us or share line, or a photo credit."""
    line = paragraph.strip()
    if not line:
        return False
    if len(line) <= _FURNITURE_LINE_MAX and _FURNITURE_TEXT.match(line):
        return True
    return (
        len(line) <= _SOCIAL_LINE_MAX and bool(_SOCIAL.search(line)) and bool(_PROMPT.search(line))
    )


def _parser() -> etree.HTMLParser:
    # One parser per thread: full-text extraction cleans pages from a thread pool.
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(no_network=True, collect_ids=False, default_doctype=False)
        _LOCAL.parser = parser
    return parser


def _parse(html: str) -> etree._Element | None:
    """The fragment's elements under a <body>, or None when libxml2 gave up on it.

    The fragment goes inside an open <body>, so that nothing it holds is moved to a <head>; its
    own document tags become comments (``_DOCUMENT_TAG``). libxml2 stops reading at 256 levels of
    nesting (the rest of the text would be lost): ``limit_nesting`` removes tags below 100 levels
    first, as the feed parser does, and a document that still hits a parser limit is not used.
    """
    parser = _parser()
    html = _DOCUMENT_TAG.sub("<!---->", limit_nesting(html))
    try:
        root = etree.fromstring(f"<html><body>{html}</body></html>", parser)
    except (etree.ParserError, ValueError):
        return None
    if root is None:
        return None
    # Reading the error log costs more than the parse of a short article; fewer tags than the
    # depth limit cannot reach it.
    if html.count("<") >= _LIBXML2_MAX_DEPTH - 2 and any(
        error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log
    ):
        return None
    return root.find("body")


def _is_furniture_element(tag: str, attributes: list[tuple[str, str]]) -> bool:
    if tag in _DROP:
        return True
    if not attributes:
        return False
    found = dict(attributes)
    classes, ident = found.get("class"), found.get("id")
    if classes is None and ident is None:
        return False
    return bool(_FURNITURE_ATTR.search(f"{classes or ''} {ident or ''}"))


def _blank(piece: str) -> str | None:
    """What a string of nothing but ASCII whitespace becomes: one newline (if it had one) or one
    space; None for any other string.

    The stored HTML and text were made this way (by BeautifulSoup) before the move to lxml; it
    also keeps blank lines between inline elements from splitting a paragraph.
    """
    if piece.strip(_ASCII_SPACES):
        return None
    return "\n" if "\n" in piece else " "


@dataclass
class _Block:
    """A text block's span in ``_Walk.pieces``: its paragraph break, its text and descendants."""

    element: etree._Element
    start: int
    markup_start: int  # the same span in _Markup.parts
    end: int = -1
    markup_end: int = -1
    wrapper: bool = False  # holds another text block: judged by its children


# States of a node in the walk.
_LIVE, _DROPPED, _INSIDE_DROPPED = 0, 1, 2


class _Walk:
    """One pass over the tree in document order, collecting the visible text as pieces.

    Elements that are never article text (``_DROP``, furniture classes) are left out with their
    content (their tail stays); each block element starts with a paragraph break; a comment or
    processing instruction gives only its tail. With ``edit`` the tree is also made ready to be
    written out: blank strings folded, empty elements given an empty text.
    """

    def __init__(self, body: etree._Element, edit: bool) -> None:
        self.pieces: list[str] = []
        self.blocks: list[_Block] = []
        self.dropped: list[etree._Element] = []
        # The sanitised HTML written along, while the markup stays within what _Markup writes.
        self.markup: _Markup | None = _Markup() if edit else None
        self._body = body
        self._edit = edit
        self._open_blocks: list[_Block] = []
        self._preserve = 0  # open <pre>/<textarea>: whitespace kept as it is
        self._walk()

    def _walk(self) -> None:
        body = self._body
        # (node, its tag: None for a comment or processing instruction, its block, its state)
        stack: list[tuple[etree._Element, str | None, _Block | None, int]] = []
        for node in body.iter():
            parent = node.getparent()
            while stack and stack[-1][0] is not parent:
                self._close(*stack.pop())
            tag = node.tag  # lxml makes a new string on each access
            if not isinstance(tag, str):
                tag = None
            if stack and stack[-1][3] != _LIVE:
                stack.append((node, tag, None, _INSIDE_DROPPED))
            elif tag is None:
                stack.append((node, None, None, _LIVE))
            elif node is body:
                self._text(node, tag, self.markup)
                stack.append((node, tag, None, _LIVE))
            else:
                attributes = node.items()
                if _is_furniture_element(tag, attributes):
                    self.dropped.append(node)
                    stack.append((node, tag, None, _DROPPED))
                else:
                    block = self._open(node, tag, attributes, parent is body)
                    stack.append((node, tag, block, _LIVE))
        while stack:
            self._close(*stack.pop())

    def _write(self) -> _Markup | None:
        markup = self.markup
        if markup is not None and not markup.ok:
            markup = self.markup = None
        return markup

    def _open(
        self,
        element: etree._Element,
        tag: str,
        attributes: list[tuple[str, str]],
        top_level: bool,
    ) -> _Block | None:
        block = None
        markup = self._write()
        if tag in _TEXT_BLOCKS:
            block = _Block(element, len(self.pieces), len(markup.parts) if markup else -1)
            if self._open_blocks:
                self._open_blocks[-1].wrapper = True
            self._open_blocks.append(block)
            self.blocks.append(block)
        if tag in _BLOCKS:
            self.pieces.append("\n\n")
        if tag in _PRESERVE:
            self._preserve += 1
        if markup is not None:
            markup.open(tag, attributes, top_level)
        self._text(element, tag, markup)
        return block

    def _text(self, element: etree._Element, tag: str, markup: _Markup | None) -> None:
        text = element.text
        if text:
            self._piece(text, element, "text", markup)
        elif self._edit and text is None and tag not in _VOID and not len(element):
            element.text = ""  # written <p></p>: an HTML parser reads <p/> as an open <p>

    def _close(
        self, node: etree._Element, tag: str | None, block: _Block | None, state: int
    ) -> None:
        if state == _INSIDE_DROPPED or node is self._body:
            return
        markup = self._write()
        if state == _LIVE and markup is not None and tag is not None:
            markup.close(tag)
        if block is not None:
            block.end = len(self.pieces)
            block.markup_end = len(markup.parts) if markup else -1
            self._open_blocks.pop()
        if state == _LIVE and tag in _PRESERVE:
            self._preserve -= 1
        if node.tail:
            self._piece(node.tail, node, "tail", markup)

    def _piece(self, piece: str, node: etree._Element, field: str, markup: _Markup | None) -> None:
        """A text or tail string of ``node``, as the text and (when edited) the markup see it."""
        piece = self._folded(piece, node, field)
        self.pieces.append(piece)
        if markup is not None:
            markup.text(piece)

    def _folded(self, piece: str, node: etree._Element, field: str) -> str:
        if self._preserve:
            return piece
        folded = _blank(piece)
        if folded is None:
            return piece
        if self._edit and folded != piece:
            setattr(node, field, folded)
        return folded


class _Markup:
    """What the sanitiser would make of the usual article markup, written without it.

    Only for top-level paragraphs and headings holding text and inline elements, with links
    whose URL the sanitiser is sure to keep; anything else sets ``ok`` to False and the tree goes
    through nh3. The output equals nh3's: the attributes it keeps (``lang``, ``title`` anywhere,
    ``href`` on links) in their order, ``rel`` added to links, and its escaping
    (tests/test_clean_equivalence.py compares the two on generated markup).
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.ok = True
        self._in_link = False

    def open(self, tag: str, attributes: list[tuple[str, str]], top_level: bool) -> None:
        if tag in _SIMPLE_BLOCKS:
            self.ok = top_level
        elif tag not in _SIMPLE_INLINE or (tag == "a" and self._in_link):
            self.ok = False
        if not self.ok:
            return
        written = [self._attribute(tag, name, value) for name, value in attributes]
        if tag == "a":
            self._in_link = True
            written.append(' rel="noopener noreferrer nofollow"')
        self.parts.append(f"<{tag}{''.join(written)}>")

    def _attribute(self, tag: str, name: str, value: str | None) -> str:
        value = value or ""
        if name == "href" and tag == "a":
            simple = _SIMPLE_URL.match(value) and not _SCHEME_IN_PATH.search(value)
            self.ok = self.ok and bool(simple)
        elif name not in ("lang", "title"):
            return ""  # removed by the sanitiser
        if "<" in value or ">" in value:
            self.ok = False  # escaped in attributes by some html5ever versions and not others
        value = value.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace('"', "&quot;")
        return f' {name}="{value}"'

    def close(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False
        if tag != "br":
            self.parts.append(f"</{tag}>")

    def text(self, piece: str) -> None:
        self.parts.append(
            piece.replace("&", "&amp;")
            .replace("\xa0", "&nbsp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
        )

    def html(self, removed: list[_Block], source: str) -> str | None:
        """The sanitised HTML without the ``removed`` blocks, or None to use nh3."""
        if not self.ok:
            return None
        kept: list[str] = []
        position = 0
        for block in removed:
            kept += self.parts[position : block.markup_start]
            position = block.markup_end
        kept += self.parts[position:]
        markup = "".join(kept)
        # A character reference can make a control character, which libxml2 and html5ever write
        # and read in their own ways; html5ever drops a byte order mark at the start.
        if ("&#" in source and _CONTROL_CHARACTER.search(markup)) or markup[:1] == "\ufeff":
            return None
        return markup


def _remove(element: etree._Element) -> None:
    """Take ``element`` out for the sanitiser, keeping the text after it.

    The element is emptied and renamed to one the sanitiser removes, rather than replaced: its
    tail stays where it is (lxml refuses to copy a tail that holds a control character made by a
    character reference), and the texts before and after it stay apart until the sanitiser joins
    them, as they did when the element was removed from BeautifulSoup's tree.
    """
    element.clear(keep_tail=True)
    element.tag = _REMOVED_TAG
    element.text = ""  # written <x-removed></x-removed>, not as an open tag


def _leaves(walk: _Walk) -> list[_Block]:
    return [block for block in walk.blocks if not block.wrapper]


def _block_text(walk: _Walk, block: _Block) -> str:
    # The block's strings joined by spaces, as the repetition and furniture checks see them (the
    # paragraph breaks among them are whitespace too, which every check folds).
    return " ".join(walk.pieces[block.start : block.end])


def _strip_repeats(walk: _Walk) -> list[_Block]:
    """Leaf blocks that are furniture text or repeat an earlier one, in document order."""
    seen: set[str] = set()
    removed: list[_Block] = []
    for block in _leaves(walk):
        text = clean_line(_block_text(walk, block))
        if not text:
            continue
        key = comparison_text(text)
        if is_furniture_text(text) or (key and key in seen):
            removed.append(block)
        elif key:
            seen.add(key)
    return removed


# A republication footer is one short paragraph; longer ones are text that happens to link home.
_FOOTER_MAX_CHARS = 400


def _link_key(url: str) -> tuple[str, str, str] | None:
    """(host without www., path without its final slash, query) of an http(s) URL: the same
    page whatever its scheme, fragment or trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    return host, parts.path.rstrip("/"), parts.query


def _republication_footer(
    walk: _Walk, removed: list[_Block], item_url: str | None, site_root: str | None
) -> _Block | None:
    """The article's last paragraph when it links to the item's own URL and to the site's home
    page: WordPress's "The post X appeared first on Y" footer, in whatever language the outlet's
    theme writes it. Found by its links, so it is caught from an outlet's first item on, before
    learned boilerplate (pipeline.clean.boilerplate) has seen it repeat."""
    item = _link_key(item_url) if item_url else None
    if item is None:
        return None
    root = _link_key(site_root) if site_root else (item[0], "", "")
    gone = {id(block) for block in removed}
    last = None
    for block in _leaves(walk):
        if id(block) not in gone and clean_line(_block_text(walk, block)):
            last = block
    if last is None or len(clean_line(_block_text(walk, last))) > _FOOTER_MAX_CHARS:
        return None
    links = {_link_key(a.get("href") or "") for a in last.element.iter("a")}
    return last if item in links and root in links else None


def _visible_text(walk: _Walk, removed: list[_Block]) -> str:
    if not removed:
        return "".join(walk.pieces)
    kept: list[str] = []
    position = 0
    for block in removed:  # leaves: in document order, never overlapping
        kept += walk.pieces[position : block.start]
        position = block.end
    kept += walk.pieces[position:]
    return "".join(kept)


def _inner_html(body: etree._Element) -> str:
    """The body's content as markup for the sanitiser.

    XML serialisation, because libxml2's HTML serialiser percent-escapes href and src values
    (the archive keeps links as the feed wrote them); the walk gave empty elements an empty text,
    so none is written as ``<p/>``.
    """
    body.attrib.clear()
    markup = etree.tostring(body, encoding="unicode", method="xml", with_tail=False)
    if markup == "<body/>":
        return ""
    return markup[len("<body>") : -len("</body>")]


def _paragraphs(text: str) -> tuple[list[str], list[str]]:
    """The kept paragraphs and their comparison texts."""
    seen: set[str] = set()
    kept: list[str] = []
    folded: list[str] = []
    for paragraph in clean_block(text).split("\n\n"):
        key = comparison_text(paragraph)
        if not paragraph or is_furniture_text(paragraph) or (key and key in seen):
            continue
        seen.add(key)
        kept.append(paragraph)
        folded.append(key)
    return kept, folded


def _plain_html(paragraphs: list[str]) -> str:
    return sanitize_html("".join(f"<p>{_escape(p)}</p>" for p in paragraphs))


def _unparsed(html: str, with_html: bool) -> CleanHtml:
    """Markup libxml2 would not read whole: its text only, every tag removed."""
    paragraphs, folded = _paragraphs(html_lib.unescape(_ANY_TAG.sub(" ", html)))
    return CleanHtml(_plain_html(paragraphs) if with_html else "", paragraphs, folded)


def _clean(
    html: str | None, with_html: bool, item_url: str | None = None, site_root: str | None = None
) -> CleanHtml:
    if not html:
        return CleanHtml("", [])
    html = html[:MAX_INPUT_CHARS]
    if "<" not in html:
        paragraphs, folded = _paragraphs(html)
        return CleanHtml(_plain_html(paragraphs) if with_html else "", paragraphs, folded)
    # Control characters and lone surrogates are dropped from the text anyway; libxml2 would
    # turn them into U+FFFD, or refuse the string.
    html = strip_controls(html)
    body = _parse(html)
    if body is None:
        return _unparsed(html, with_html)
    walk = _Walk(body, edit=with_html)
    removed = _strip_repeats(walk)
    footer = _republication_footer(walk, removed, item_url, site_root)
    if footer is not None:
        removed.append(footer)  # the last leaf: document order holds
    markup = ""
    if with_html:
        written = walk.markup.html(removed, html) if walk.markup else None
        if written is not None:
            markup = written
        else:
            for element in walk.dropped + [block.element for block in removed]:
                _remove(element)
            markup = sanitize_html(_inner_html(body))
    # Whitespace around the blocks says nothing, and removing a block moves it: without it, the
    # same text could be stored with markup that differs only there, depending on which
    # sighting of an article was loaded last. A control character a reference made (&#x81;)
    # reaches the sanitiser's output as a character: it goes, as from the text.
    markup = _CONTROL_CHARACTER.sub("", markup)
    return CleanHtml(markup.strip(), *_paragraphs(_visible_text(walk, removed)))


def clean_html(
    html: str | None, item_url: str | None = None, site_root: str | None = None
) -> CleanHtml:
    """One parse: furniture and repeated paragraphs out, then sanitised HTML and plain text.

    With ``item_url`` (the item's own link), a last paragraph linking to it and to the site's
    home page (``site_root``; by default the root of the item's host) is a republication footer
    and goes too."""
    return _clean(html, with_html=True, item_url=item_url, site_root=site_root)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_to_text(html: str | None) -> str:
    """Visible text of an HTML fragment, one paragraph per block element, furniture removed."""
    return _clean(html, with_html=False).text


def drop_paragraphs_html(html: str, drop_keys: set[str]) -> str:
    """``html`` (stored, sanitised HTML) without the leaf blocks whose comparison text is in
    ``drop_keys``."""
    if not html or not drop_keys:
        return html
    body = _parse(strip_controls(html))
    if body is None:
        return html
    walk = _Walk(body, edit=True)
    removed = [
        block for block in _leaves(walk) if comparison_text(_block_text(walk, block)) in drop_keys
    ]
    if not removed:
        return html  # written again, it would differ in whitespace only
    written = walk.markup.html(removed, html) if walk.markup else None
    if written is not None:
        return written.strip()
    for element in walk.dropped + [block.element for block in removed]:
        _remove(element)
    return sanitize_html(_inner_html(body)).strip()
