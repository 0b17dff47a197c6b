"""Error classes of fetches and what each means for a feed's health."""

from __future__ import annotations

import socket
import ssl

import aiohttp

# Severity decides how much a failure weighs on a feed (see pipeline.fetch.health):
# hard failures say the feed is gone or refuses us, soft ones that it is broken today,
# temporary ones that the outlet asked us to wait or the network hiccuped.
SEVERITY = {
    "dns": "soft",
    "connect": "temporary",
    "timeout": "temporary",
    "tls": "soft",
    "http_404": "hard",
    "http_410": "hard",
    "http_4xx": "soft",
    "http_5xx": "temporary",
    "rate_limited": "temporary",
    "too_large": "soft",
    "not_a_feed": "soft",
    "unsupported_format": "soft",
    "parse_error": "soft",
    "robots_disallowed": "hard",
    "blocked_address": "hard",
    "bad_scheme": "hard",
    "url_too_long": "hard",
    # An unusable URL, e.g. a redirect to "javascript:alert(1)".
    "bad_url": "hard",
    "too_many_redirects": "soft",
    "empty_body": "soft",
    "transport": "temporary",
    "protocol": "soft",
    "bad_encoding": "soft",
    "parse_budget": "soft",
    # The feed redirects to another feed of the registry: reported, never counted.
    "duplicate_feed": "none",
    # Our own fault (database, a bug): never counted against the feed.
    "internal": "none",
}

# Failures that say nothing about the feed being broken: no score, no consecutive failure.
NOT_COUNTED = frozenset({"rate_limited", "duplicate_feed", "internal"})


class FetchError(Exception):
    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(f"{error_class}: {message}")
        self.error_class = error_class
        self.message = message


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """Map a transport exception to (error class, message)."""
    message = f"{type(exc).__name__}: {exc}"[:1000]
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, FetchError):
            return cause.error_class, cause.message
        if isinstance(cause, socket.gaierror):
            return "dns", message
        if isinstance(cause, ssl.SSLError):
            return "tls", message
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, TimeoutError):  # aiohttp's connect timeout is one too
        return "timeout", message
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns", message
    if isinstance(exc, aiohttp.ClientSSLError):
        return "tls", message
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "connect", message
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "too_many_redirects", message
    if isinstance(exc, aiohttp.InvalidURL):
        return "bad_url", message
    # A malformed status line or header (ClientResponseError: we never raise for a status), a
    # body cut short or mis-framed, a server hanging up before it answered.
    if isinstance(
        exc,
        aiohttp.ClientResponseError | aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError,
    ):
        return "protocol", message
    if isinstance(exc, aiohttp.ClientError | OSError):
        return "transport", message
    return "internal", message
