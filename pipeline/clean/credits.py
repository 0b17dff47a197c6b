"""Syndication credits: "/ VOA", "(Reuters)", "Burimi: ...", "Izvor: ...", "Извор: ...".

A credit names the outlet or agency a text was taken from. It fills ``syndicated_from`` and is
left out of the text that copies are compared on, since the origin does not carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Canonical names for agencies and services that Balkan outlets credit under several spellings.
_ALIASES = {
    "voa": "VOA", "zeri i amerikes": "VOA", "zëri i amerikës": "VOA", "glas amerike": "VOA",
    "глас америке": "VOA", "voice of america": "VOA", "reuters": "Reuters", "ројтерс": "Reuters",
    "ap": "AP", "associated press": "AP", "afp": "AFP", "beta": "Beta",
    "бета": "Beta", "tanjug": "Tanjug", "танјуг": "Tanjug", "fena": "Fena", "hina": "Hina",
    "mia": "MIA", "миа": "MIA", "bbc": "BBC", "bbc news na srpskom": "BBC News na srpskom",
    "bbc na srpskom": "BBC News na srpskom", "bbc news на српском": "BBC News na srpskom",
    "rse": "REL", "rel": "REL", "radio evropa e lirë": "REL", "rfe/rl": "RFE/RL",
    "slobodna evropa": "RFE/RL", "радио слободна европа": "RFE/RL", "anadolu": "Anadolu",
    "aa": "Anadolu", "kosovapress": "KosovaPress", "kallxo": "Kallxo", "n1": "N1", "dpa": "dpa",
    "ata": "ATA", "srna": "Srna", "срна": "Srna", "kim radio": "KiM radio", "dw": "DW",
    "deutsche welle": "DW", "kp": "KosovaPress", "bta": "BTA", "бта": "BTA", "cna": "CNA",
    "bbc news": "BBC",
}  # fmt: skip
_NAME = r"[^\W\d_][\w .,&'/-]{0,60}?"
# Whole-paragraph credit lines, e.g. "Izvor: BBC News na srpskom", "Marrë nga: VOA".
_SOURCE_LINE = re.compile(
    r"^(?:burimi|burim|izvor|извор|source|sources|извори|изворот|preuzeto(?:\s+(?:sa|iz|od))?"
    r"|преузето(?:\s+(?:са|из|од))?|marrë nga|marre nga|originally published (?:by|in|on)"
    r"|this (?:article|story) (?:was )?(?:first |originally )?(?:published|appeared) (?:by|in|on)"
    r"|courtesy of|via|tekst preuzet (?:sa|iz)|текст преузет (?:са|из))\s*[:\-–—]?\s*"
    rf"(?P<name>{_NAME})\s*[.!]?$",
    re.IGNORECASE,
)
# Bylines: "Piše: ...", "Пише: ...", "Shkruan: ...". Names of people do not fill syndicated_from;
# an agency or outlet named there does (see _canonical).
_BYLINE_LINE = re.compile(
    r"^(?:piše|пише|pišu|пишу|shkruan|shkroi|пишува|autor|аутор|автор|author|by|përgatiti"
    r"|pripremio|pripremila|приредио|приредила)\s*[:\-–—]?\s*"
    rf"(?P<name>{_NAME})\s*[.!]?$",
    re.IGNORECASE,
)
# "... last sentence. / VOA" and "... last sentence. /Reuters/".
_SLASH_SUFFIX = re.compile(rf"\s+/\s*(?P<name>{_NAME})\s*/?\s*$")
# "... last sentence. (Reuters)" or a paragraph that is only "(Beta)".
_PAREN_SUFFIX = re.compile(r"\s*\((?P<name>[^\W\d_][\w .&/-]{0,40})\)\s*$")
# Datelines: "BEOGRAD (Beta) - ...", "PRISHTINË, 3 mars (Reuters) – ...".
_DATELINE = re.compile(
    r"^(?P<lead>[^\W\d_][^\W\d_ ,.'-]*(?:[ -][^\W\d_]+){0,3}(?:,\s*[\w .]{1,25})?)\s*"
    r"\((?P<name>[^\W\d_][\w .&/-]{0,40})\)\s*[-–—]\s*"
)
# Only the last paragraphs carry credits at the end; more would start eating quotes.
_TAIL_PARAGRAPHS = 3
_MAX_CREDIT_LINE = 120


@dataclass(frozen=True)
class Credit:
    source: str | None  # an outlet or agency; None for a person's byline
    raw: str


@dataclass(frozen=True)
class Credited:
    paragraphs: list[str]  # without credit lines, suffixes or dateline agencies
    credits: list[Credit]

    @property
    def source(self) -> str | None:
        return next((c.source for c in self.credits if c.source), None)


def _canonical(name: str, *, byline: bool = False) -> str | None:
    name = name.strip(" .,:;-–—/")
    if not name:
        return None
    known = _ALIASES.get(name.lower())
    if known:
        return known
    # A byline credits a person unless it names a known agency; a source line names a source.
    return None if byline else name[:200]


def _is_agency(name: str) -> bool:
    """Parenthesised and slash credits are short agency names: "(Reuters)", "/ VOA"."""
    name = name.strip()
    return name.lower() in _ALIASES or (len(name) <= 25 and len(name.split()) <= 3)


def _line_credit(paragraph: str) -> Credit | None:
    if len(paragraph) > _MAX_CREDIT_LINE:
        return None
    match = _SOURCE_LINE.match(paragraph)
    if match:
        return Credit(_canonical(match.group("name")), paragraph)
    match = _BYLINE_LINE.match(paragraph)
    if match:
        return Credit(_canonical(match.group("name"), byline=True), paragraph)
    stripped = paragraph.strip()
    if stripped.startswith("/") or (stripped.startswith("(") and stripped.endswith(")")):
        name = stripped.strip("/() ")
        if name and _is_agency(name):
            return Credit(_canonical(name), paragraph)
    return None


def is_credit_line(paragraph: str) -> bool:
    """A paragraph that is only a credit ("Izvor: Beta", "/ VOA", "Piše: ...")."""
    return _line_credit(paragraph) is not None


def _suffix_credit(paragraph: str) -> tuple[str, Credit] | None:
    # Each pattern needs its character ("/", a closing parenthesis at the end): checking for it
    # first spares a regex scan of every tail paragraph that cannot match.
    patterns = []
    if "/" in paragraph:
        patterns.append(_SLASH_SUFFIX)
    if paragraph.rstrip().endswith(")"):
        patterns.append(_PAREN_SUFFIX)
    for pattern in patterns:
        match = pattern.search(paragraph)
        if match and _is_agency(match.group("name")):
            name = match.group("name")
            # "(2024)" or "(foto)" are not credits: only names that are known or look like one.
            if pattern is _PAREN_SUFFIX and name.lower() not in _ALIASES:
                continue
            return paragraph[: match.start()].rstrip(), Credit(_canonical(name), match.group(0))
    return None


def split_credits(paragraphs: list[str]) -> Credited:
    """Credit lines and credit suffixes found at the start and end of an article, removed."""
    paragraphs = list(paragraphs)
    credits: list[Credit] = []
    if paragraphs:
        match = _DATELINE.match(paragraphs[0])
        if match and match.group("name").lower() in _ALIASES:
            credits.append(Credit(_canonical(match.group("name")), match.group(0)))
            paragraphs[0] = paragraphs[0][match.end() :]
        elif len(paragraphs) > 1 and (credit := _line_credit(paragraphs[0])):
            credits.append(credit)
            paragraphs.pop(0)
    tail_start = max(0, len(paragraphs) - _TAIL_PARAGRAPHS)
    kept_tail: list[str] = []
    for paragraph in paragraphs[tail_start:]:
        credit = _line_credit(paragraph)
        if credit:
            credits.append(credit)
            continue
        suffix = _suffix_credit(paragraph)
        if suffix:
            paragraph, credit = suffix
            credits.append(credit)
        if paragraph:
            kept_tail.append(paragraph)
    return Credited(paragraphs[:tail_start] + kept_tail, credits)


def syndication_source(text: str) -> str | None:
    """The outlet or agency a text credits, or None."""
    return split_credits(text.split("\n\n")).source if text else None


# Where each known source publishes itself: its own items never credit it as a source.
_HOMES = {
    "VOA": ("voanews.com", "zeriamerikes.com", "glasamerike.net"),
    "Reuters": ("reuters.com",), "AP": ("apnews.com", "ap.org"), "AFP": ("afp.com",),
    "Beta": ("beta.rs",), "Tanjug": ("tanjug.rs",), "Fena": ("fena.ba",), "Hina": ("hina.hr",),
    "MIA": ("mia.mk",), "BBC": ("bbc.com", "bbc.co.uk", "bbci.co.uk"),
    "BBC News na srpskom": ("bbc.com", "bbc.co.uk"),
    "REL": ("evropaelire.org",), "RFE/RL": ("slobodnaevropa.org", "rferl.org", "slobodnaevropa.mk"),
    "Anadolu": ("aa.com.tr",), "KosovaPress": ("kosovapress.com",), "Kallxo": ("kallxo.com",),
    "N1": ("n1info.rs", "n1info.ba", "n1info.hr", "n1info.si"), "dpa": ("dpa.com",),
    "ATA": ("ata.gov.al",), "Srna": ("srna.rs",), "KiM radio": ("kimradio.net",),
    "DW": ("dw.com",), "BTA": ("bta.bg",), "CNA": ("cna.al",),
}  # fmt: skip
# Names a URL path may carry as a whole segment ("/bbc-news/", "/reuters/"): short aliases such as
# "ap", "aa", "kp" or "rel" are ordinary words or abbreviations in paths, so they do not count.
_PATH_NAMES = {
    alias.replace(" ", "-"): name
    for alias, name in _ALIASES.items()
    if (len(alias) >= 4 or alias in {"bbc", "voa", "afp", "dpa"}) and alias.isascii()
}


def _known(name: str | None) -> str | None:
    """The canonical name of a known outlet or agency ``name`` is, bracketed or not."""
    if not name:
        return None
    return _ALIASES.get(name.strip(" ()[]/.,:;-–—").lower())


def _publishes_itself(source: str, site_url: str | None) -> bool:
    host = (urlsplit(site_url).hostname or "").lower() if site_url else ""
    return any(host == home or host.endswith("." + home) for home in _HOMES.get(source, ()))


def metadata_source(
    authors: list[str],
    categories: list[str],
    url: str | None,
    source_name: str | None,
    site_url: str | None,
) -> str | None:
    """The known outlet or agency an item's metadata credits, or None.

    In order: the item's ``<source>`` element, an author field that is only a source's name
    ("(BBC)", "Reuters"), a category naming one, a path segment of its URL ("/bbc-news/"). Only
    known names count (an author is a person unless the alias table knows the name), and never
    the source whose own site ``site_url`` is (BBC's items do not credit BBC)."""
    path = urlsplit(url).path if url else ""
    segments = [segment.lower() for segment in path.split("/") if segment][:-1]  # not the slug
    found = (
        _known(source_name),
        *(_known(author) for author in authors),
        *(_known(category) for category in categories),
        *(_PATH_NAMES.get(segment) for segment in segments),
    )
    for source in found:
        if source and not _publishes_itself(source, site_url):
            return source
    return None
