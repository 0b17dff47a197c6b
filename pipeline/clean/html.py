"""HTML from feeds into sanitised HTML (an allowlist) and plain text with paragraph breaks.

Site furniture goes before either is made: scripts and embeds, ads, share and follow widgets,
"read more" blocks, lines that send the reader to social networks, and paragraphs an article
repeats. Boilerplate that only shows as repetition across an outlet's articles is learned in
``pipeline.clean.boilerplate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from pipeline.clean.text import clean_block, clean_line
from pipeline.dedup.normalize import comparison_text

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
# 1,000,000 of HTML, and a 14 MB description (hostile-inputs.md case 22) must stay cheap.
MAX_INPUT_CHARS = 2_000_000


@dataclass(frozen=True)
class CleanHtml:
    html: str  # sanitised, furniture removed
    paragraphs: list[str]  # plain text paragraphs, hygiene applied

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def sanitize_html(html: str | None) -> str:
    """Allowlisted HTML with only http(s) links; sanitising the result again changes nothing."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
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


def _attr_text(tag: Tag) -> str:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, str(tag.get("id") or "")])


def _visible_text(node: Tag) -> str:
    parts: list[str] = []
    for child in node.descendants:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):
                parts.append(str(child))
        elif child.name in _BLOCKS:
            parts.append("\n\n")
    return "".join(parts)


def _gone(tag: Tag) -> bool:
    # Tag.decomposed looks the flag up through Tag.__getattr__, which searches the subtree for a
    # child tag of that name when the flag is unset: quadratic on deep nesting.
    return bool(tag.__dict__.get("_decomposed"))


def _tags(soup: BeautifulSoup) -> list[Tag]:
    # One walk instead of find_all: bs4's filters cost more than the walk itself.
    return [node for node in soup.descendants if isinstance(node, Tag)]


def _leaf_blocks(tags: list[Tag]) -> list[Tag]:
    """Text blocks without a text block inside: a wrapper is judged by its children.

    Each block marks only its nearest block ancestor, so 10,000 nested divs cost linear time.
    """
    blocks = [t for t in tags if t.name in _TEXT_BLOCKS and not _gone(t)]
    wrappers: set[int] = set()
    for tag in blocks:
        parent = tag.parent
        while parent is not None and parent.name not in _TEXT_BLOCKS:
            parent = parent.parent
        if parent is not None:
            wrappers.add(id(parent))
    return [tag for tag in blocks if id(tag) not in wrappers]


def _strip_furniture(soup: BeautifulSoup) -> None:
    tags = _tags(soup)
    for tag in tags:
        if _gone(tag):
            continue  # inside an element already removed
        if tag.name in _DROP:
            tag.decompose()
        elif tag.attrs and _FURNITURE_ATTR.search(_attr_text(tag)):
            tag.decompose()
    seen: set[str] = set()
    for tag in _leaf_blocks(tags):
        if _gone(tag):
            continue
        text = clean_line(tag.get_text(" "))
        if not text:
            continue
        key = comparison_text(text)
        if is_furniture_text(text) or (key and key in seen):
            tag.decompose()
        elif key:
            seen.add(key)


def _paragraphs(text: str) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in clean_block(text).split("\n\n"):
        key = comparison_text(paragraph)
        if not paragraph or is_furniture_text(paragraph) or (key and key in seen):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def clean_html(html: str | None) -> CleanHtml:
    """One parse: furniture and repeated paragraphs out, then sanitised HTML and plain text."""
    if not html:
        return CleanHtml("", [])
    html = html[:MAX_INPUT_CHARS]
    if "<" not in html:
        paragraphs = _paragraphs(html)
        return CleanHtml(
            sanitize_html("".join(f"<p>{_escape(p)}</p>" for p in paragraphs)), paragraphs
        )
    # html.parser does not recurse, so 10,000-deep nesting costs time, not the stack.
    soup = BeautifulSoup(html, "html.parser")
    _strip_furniture(soup)
    return CleanHtml(sanitize_html(str(soup)), _paragraphs(_visible_text(soup)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_to_text(html: str | None) -> str:
    """Visible text of an HTML fragment, one paragraph per block element, furniture removed."""
    return clean_html(html).text


def drop_paragraphs_html(html: str, drop_keys: set[str]) -> str:
    """``html`` without the leaf blocks whose comparison text is in ``drop_keys``."""
    if not html or not drop_keys:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for tag in _leaf_blocks(_tags(soup)):
        if not _gone(tag) and comparison_text(tag.get_text(" ")) in drop_keys:
            tag.decompose()
    return sanitize_html(str(soup))
