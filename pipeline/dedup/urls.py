"""Canonical URLs: the same article under different spellings of its address gets one key."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader (campaigns, click ids, share widgets), not the document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "ocid", "spm", "share",
        "amp", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "at_medium",
        "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "xtor",
        "__twitter_impression", "s_cid", "src", "twclid", "ttclid", "li_fat_id", "srsltid",
        "mkt_tok", "_hsenc", "_hsmi", "vero_id", "vero_conv", "rb_clickid", "s_kwcid", "ef_id",
        "_openstat", "wt.mc_id", "wt_mc", "icid", "ito", "fb_action_ids", "fb_action_types",
        "fb_source", "fb_ref", "action_object_map", "action_type_map", "action_ref_map",
        "outputtype", "sc_cid", "cid_source", "rss", "rss_source", "feed_source", "__tn__",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "ga_", "matomo_")
# AMP spellings of an article path: ".../amp", ".../amp/", "/amp/..." at the start, "x.amp.html".
_AMP_SUFFIX = re.compile(r"/amp/?$|\.amp(?=\.html?$|$)")
_AMP_PREFIX = re.compile(r"^/amp(?=/)")
# Google's AMP cache: https://example-com.cdn.ampproject.org/c/s/example.com/path
_AMP_CACHE = re.compile(r"^/(?:[cvi]/)+(s/)?(.+)$")
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path; everything else (spaces, non-ASCII) is percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    lower = name.lower()
    return lower in TRACKING_PARAMS or lower.startswith(TRACKING_PREFIXES)


def _normalise_percent(value: str) -> str:
    """RFC 3986 section 6.2.2: escapes of unreserved characters decoded, the rest upper-cased.

    Escapes of reserved characters (``%2F`` in a path) keep their meaning: they are not decoded.
    """

    def one(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    # Stray "%" not followed by two hex digits is escaped first, so it cannot pair up later.
    value = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", value)
    return _PERCENT.sub(one, quote(value, safe=_PATH_SAFE))


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    result = "/".join(out)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result if result.startswith("/") else "/" + result


def _normalise_path(path: str) -> str:
    path = _remove_dot_segments(_normalise_percent(path or "/"))
    path = _AMP_PREFIX.sub("", path)
    path = _AMP_SUFFIX.sub("", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _normalise_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def _unwrap_amp_cache(host: str, path: str) -> str | None:
    """The publisher's URL inside a Google AMP cache URL, or None."""
    if not host.endswith(".cdn.ampproject.org"):
        return None
    match = _AMP_CACHE.match(path)
    if not match:
        return None
    return ("https://" if match.group(1) else "http://") + match.group(2)


def _query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
    # "?amp=1" and "?outputType=amp" are dropped above; sorting makes parameter order irrelevant.
    return urlencode(sorted(pairs))


def canonicalize_url(url: str) -> str:
    """Scheme and host lower-cased, www/m/amp variants folded, tracking parameters and fragment
    dropped, percent-encoding normalised, dot segments and trailing slash removed, query
    parameters sorted. Idempotent: a canonical URL canonicalises to itself."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _normalise_host(parts.hostname or "")
    inner = _unwrap_amp_cache(host, parts.path)
    if inner and inner != url:
        return canonicalize_url(inner)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the host alone
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # "#!" fragments carry the path on old AJAX sites; other fragments are positions on a page.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), _query(parts.query), fragment))


def url_key(canonical_url: str) -> str:
    """What keys an article: the canonical URL without its scheme, so that the http and the
    https address of one page are one article."""
    return canonical_url.split("://", 1)[-1]
