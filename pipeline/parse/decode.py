"""Bytes into text, decided by us rather than by feedparser.

Order: a byte order mark; strict UTF-8; the charset the document or the HTTP header declares;
UTF-8 again if only a few bytes are invalid (then only those bytes are replaced: one stray byte
must not re-decode a whole feed and garble every "Vučić" in it, docs/hostile-inputs.md case 16);
finally detection limited to the encodings Balkan outlets actually use.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# What older Balkan CMSs send: Latin-2 in its Windows and ISO forms, Cyrillic likewise.
DETECTION_CANDIDATES = ("utf-8", "windows-1250", "iso-8859-2", "windows-1251", "iso-8859-5")
# A document counts as UTF-8 with a few bad bytes when its valid multi-byte sequences outnumber
# the invalid bytes this many times; windows-1250 text read as UTF-8 has almost none valid.
MOSTLY_UTF8_RATIO = 10

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,300}?\?>")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    # How the encoding was chosen: bom, utf-8, declared, utf-8-repaired, detected, fallback.
    method: str
    replaced: int = 0

    @property
    def note(self) -> str | None:
        if self.method in {"bom", "utf-8", "declared"}:
            return None
        return f"{self.method}: {self.encoding}, {self.replaced} byte(s) replaced"


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """The HTTP charset, then the XML declaration's; known codec names only."""
    found: list[str] = []
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        if match:
            found.append(match.group(1))
    match = _XML_ENCODING.match(body[:512])
    if match:
        found.append(match.group(1).decode("ascii"))
    if body.startswith(b"<\x00?\x00"):
        found.append("utf-16-le")
    elif body.startswith(b"\x00<\x00?"):
        found.append("utf-16-be")
    codecs_found = [c for c in (_codec(name) for name in found) if c]
    return list(dict.fromkeys(codecs_found))


def _invalid_utf8(body: bytes) -> tuple[int, int]:
    """(invalid bytes replaced, valid multi-byte sequences) when read as UTF-8."""
    replaced = body.decode("utf-8", errors="replace").count("\ufffd") - body.count(b"\xef\xbf\xbd")
    valid = sum(1 for _ in _UTF8_MULTIBYTE.finditer(body))
    return replaced, valid


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body, cp_isolation=list(DETECTION_CANDIDATES)).best()
    return _codec(best.encoding) if best is not None else None


def decode_document(body: bytes, content_type: str | None = None) -> Decoded:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(codec, errors="replace")
            return Decoded(text, codec, "bom", text.count("\ufffd"))
    try:
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    for codec in declared_charsets(body, content_type):
        if codec == "utf-8":
            continue
        try:
            return Decoded(body.decode(codec), codec, "declared")
        except UnicodeDecodeError:
            continue
    replaced, valid = _invalid_utf8(body)
    if valid >= MOSTLY_UTF8_RATIO * replaced:
        return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "utf-8-repaired", replaced)
    detected = _detect(body)
    if detected:
        text = body.decode(detected, errors="replace")
        return Decoded(text, detected, "detected", text.count("\ufffd"))
    text = body.decode("utf-8", errors="replace")
    return Decoded(text, "utf-8", "fallback", replaced)


def as_utf8_xml(text: str) -> bytes:
    """The text as UTF-8 bytes whose XML declaration (if any) says UTF-8, for feedparser."""
    text = text.lstrip("\ufeff \t\r\n")
    match = _XML_DECLARATION.match(text)
    if match:
        text = text[match.end() :]
        return b'<?xml version="1.0" encoding="utf-8"?>' + text.encode("utf-8", "replace")
    return text.encode("utf-8", "replace")
