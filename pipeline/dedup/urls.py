"""Canonical URLs: the same article under different spellings of its address gets one key."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ref", "ref_src", "cmpid", "ocid", "spm", "share", "amp",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "at_medium",
        "at_campaign", "xtor", "__twitter_impression", "s_cid", "src",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
_AMP_PATH = re.compile(r"(/amp/?$)|(\.amp(?=\.html?$|$))")
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def _is_tracking(name: str) -> bool:
    lower = name.lower()
    return lower in TRACKING_PARAMS or lower.startswith(TRACKING_PREFIXES)


def _normalise_path(path: str) -> str:
    # Decode then re-encode so that %c4%8d and %C4%8D (and a raw "č") spell the same path.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    path = _AMP_PATH.sub("", path) or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def canonicalize_url(url: str) -> str:
    """Scheme and host lower-cased, www/m/amp variants folded, tracking parameters and fragment
    dropped, percent-encoding normalised, trailing slash removed, query parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), urlencode(sorted(query)), ""))
