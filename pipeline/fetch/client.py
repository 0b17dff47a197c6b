"""HTTP fetching of feeds and pages.

One request is bounded by a total wall-clock deadline (body included), a byte cap counted after
decompression, a redirect limit and the network guard, which checks the address actually
connected to on every hop. Failures come back as a ``FetchResult`` with an error class; they are
never raised, so one bad feed cannot stop the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.config import Settings
from pipeline.fetch.errors import FetchError, classify_exception
from pipeline.fetch.guard import AddressPolicy, guarded_transport

REDIRECT_CODES = {301, 302, 303, 307, 308}
# Retry-After beyond a day is treated as a day (hostile-inputs.md case 12).
MAX_RETRY_AFTER_S = 24 * 3600


@dataclass(frozen=True)
class FetchOptions:
    user_agent: str
    connect_timeout_s: float = 10.0
    deadline_s: float = 20.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    max_url_length: int = 2048
    policy: AddressPolicy = field(default_factory=AddressPolicy)

    @classmethod
    def from_settings(cls, settings: Settings, *, page: bool = False) -> FetchOptions:
        return cls(
            user_agent=settings.user_agent,
            connect_timeout_s=settings.connect_timeout_s,
            deadline_s=settings.deadline_s,
            max_bytes=settings.max_page_bytes if page else settings.max_feed_bytes,
            policy=AddressPolicy(
                allow_private=settings.allow_private_networks,
                allowed_endpoints=settings.allowed_hosts,
            ),
        )


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    elapsed_ms: int = 0
    error_class: str | None = None
    error_message: str | None = None
    retry_after_s: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.status is not None and self.status < 400


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(seconds, MAX_RETRY_AFTER_S))


def _check_url(url: str, options: FetchOptions) -> None:
    if len(url) > options.max_url_length:
        raise FetchError("url_too_long", f"URL of {len(url)} characters")
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("bad_scheme", f"scheme {scheme or '(none)'!r} is not fetched")


def _read_capped(response: httpx.Response, options: FetchOptions, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    # iter_bytes yields decoded (decompressed) bytes, so the cap counts what a gzip bomb inflates to.
    for chunk in response.iter_bytes(chunk_size=64 * 1024):
        size += len(chunk)
        if size > options.max_bytes:
            raise FetchError("too_large", f"body exceeds {options.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError("timeout", f"total deadline of {options.deadline_s:.0f} s exceeded")
        chunks.append(chunk)
    return b"".join(chunks)


def _error_status_class(status: int) -> str | None:
    if status < 400:
        return None
    if status in (404, 410):
        return f"http_{status}"
    if status in (429, 503):
        return "rate_limited"
    if status >= 500:
        return "http_5xx"
    return "http_4xx"


def fetch(
    url: str,
    *,
    options: FetchOptions,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` with conditional headers; never raises for network or HTTP trouble."""
    started = time.monotonic()
    deadline = started + options.deadline_s
    result = FetchResult(url=url, final_url=url)
    headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(options.deadline_s, connect=options.connect_timeout_s)
    try:
        with httpx.Client(
            transport=guarded_transport(options.policy),
            timeout=timeout,
            follow_redirects=False,
        ) as client:
            current = url
            for _hop in range(options.max_redirects + 1):
                _check_url(current, options)
                result.final_url = current
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECT_CODES and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    result.error_class = _error_status_class(response.status_code)
                    if result.error_class == "rate_limited":
                        result.retry_after_s = parse_retry_after(
                            response.headers.get("retry-after")
                        )
                    if result.error_class:
                        result.error_message = f"HTTP {response.status_code}"
                    elif response.status_code != 304:
                        result.body = _read_capped(response, options, deadline)
                    break
            else:
                raise FetchError(
                    "too_many_redirects", f"more than {options.max_redirects} redirects"
                )
    except FetchError as exc:
        result.error_class, result.error_message = exc.error_class, exc.message
    except Exception as exc:  # noqa: BLE001 - every transport failure becomes a classified result
        result.error_class, result.error_message = classify_exception(exc)
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result
