"""HTML from feeds into sanitised HTML (an allowlist) and plain text with paragraph breaks."""

from __future__ import annotations

import nh3
from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString

from pipeline.clean.text import clean_block

# Elements whose content is never article text.
_DROP = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "form",
    "button",
    "svg",
    "template",
)
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "section", "article", "header", "footer", "table", "tr", "figure", "figcaption", "pre",
}  # fmt: skip

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "img", "table", "thead", "tbody",
    "tr", "td", "th", "pre", "code", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


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


def html_to_text(html: str | None) -> str:
    """Visible text of an HTML fragment, one paragraph per block element."""
    if not html:
        return ""
    if "<" not in html:
        return clean_block(html)
    # html.parser does not recurse, so 10,000-deep nesting costs time, not the stack.
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    parts: list[str] = []
    for node in soup.descendants:
        if isinstance(node, NavigableString):
            # Comments, doctypes and processing instructions are not visible text.
            if not isinstance(node, PreformattedString):
                parts.append(str(node))
        elif node.name in _BLOCKS:
            parts.append("\n\n")
    return clean_block("".join(parts))
