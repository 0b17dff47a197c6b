"""Settings read from the environment, in one place.

Every stage takes what it needs from one ``Settings`` object; the CLI and the DAGs build it with
``Settings.from_env()`` and override fields from their own arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_ARCHIVE_URL = "sqlite:///data/archive.sqlite"
DEFAULT_USER_AGENT = "BalkanNewsArchive/0.1 (+https://github.com/balkan-news-archive/archive; feeds@balkan-news.invalid)"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    archive_url: str = DEFAULT_ARCHIVE_URL
    # Registry source: a TOML path, "newsroom:<base url>", or None for the packaged registry.
    sources: str | None = None
    allow_private_networks: bool = False
    # "host:port" endpoints allowed even though they are private (tests use loopback ports).
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout_s: float = 10.0
    # Total wall-clock budget per request, body included (Miniflux uses 20 s).
    deadline_s: float = 20.0
    max_feed_bytes: int = 15 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    max_items_per_fetch: int = 2000
    # Feeds fetched at once inside one task; per-host limits apply on top.
    fetch_concurrency: int = 16
    # Feeds per mapped fetch task in the DAG: 1 names every instance by its feed; a registry of
    # thousands of feeds wants a few hundred per task, fetched concurrently.
    fetch_batch_size: int = 1
    # Redis holding per-host politeness shared by all workers (the Celery deployment).
    redis_url: str | None = None
    max_redirects: int = 5
    # Politeness (pipeline.fetch.politeness): requests in flight per host, spacing between
    # the starts of two requests to one host, robots.txt.
    per_host_concurrency: int = 2
    per_host_spacing_s: float = 0.5
    respect_robots: bool = True
    # Some servers answer 304 although the feed changed: fetch without validators this often.
    unconditional_every_h: float = 24.0
    # An extra certificate authority to trust (a lab proxy, the tests' own CA).
    ca_bundle: str | None = None
    # Budget of one feed parse, run in a worker process (pipeline.parse.budget).
    parse_timeout_s: float = 30.0
    parse_memory_mb: int = 1024
    parse_isolated: bool = True
    # Parse workers of one processing task: captures are parsed this many at a time (results
    # taken in capture order). Parsing, cleaning and language identification are the larger
    # share of a task's CPU, so two keep a second core busy while the task loads; each worker
    # holds the language models (about 250 MB resident).
    parse_workers: int = 2
    # Articles loaded per transaction (rows of several captures together). Per-statement costs
    # fall with the batch until about a thousand rows; memory grows with it (a few MB per 1,000
    # articles of full text), so a run's peak memory is set here, not by the archive's size.
    process_batch: int = 1000

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        settings = cls(
            archive_url=os.environ.get("NEWS_ARCHIVE_URL") or DEFAULT_ARCHIVE_URL,
            sources=os.environ.get("NEWS_SOURCES") or None,
            allow_private_networks=_flag("NEWS_FETCH_ALLOW_PRIVATE_NETWORKS"),
            allowed_hosts=frozenset(
                h.strip()
                for h in os.environ.get("NEWS_FETCH_ALLOW_HOSTS", "").split(",")
                if h.strip()
            ),
            user_agent=os.environ.get("NEWS_USER_AGENT") or DEFAULT_USER_AGENT,
            ca_bundle=os.environ.get("NEWS_FETCH_CA_BUNDLE") or None,
            per_host_spacing_s=float(os.environ.get("NEWS_FETCH_HOST_SPACING_S") or 0.5),
            fetch_batch_size=int(os.environ.get("NEWS_FETCH_BATCH") or 1),
            redis_url=os.environ.get("NEWS_REDIS_URL") or None,
            process_batch=int(os.environ.get("NEWS_PROCESS_BATCH") or 1000),
            parse_workers=max(1, int(os.environ.get("NEWS_PARSE_WORKERS") or 2)),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean)
