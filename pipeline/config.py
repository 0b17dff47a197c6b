"""Settings read from the environment, in one place.

Every stage takes what it needs from one ``Settings`` object; the CLI and the DAGs build it with
``Settings.from_env()`` and override fields from their own arguments. Every ``NEWS_*`` variable
is read here and nowhere else, and each has one default: its field's below (stages that need a
default of their own, such as ``PolitenessOptions``, take it from here too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# The project's data folder, resolved from this file (the repository root's data/), so that a
# command run from any folder reads and writes one archive, never a new one beside the caller.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_ARCHIVE_URL = f"sqlite:///{DATA_DIR / 'archive.sqlite'}"
DEFAULT_USER_AGENT = "BalkanNewsArchive/0.1 (+https://github.com/balkan-news-archive/archive; feeds@balkan-news.invalid)"
# Defaults other modules' options repeat as their own (fetch politeness, language, maintenance).
DEFAULT_HOST_SPACING_S = 0.5
DEFAULT_LANGID_BACKEND = "ensemble"
DEFAULT_CAPTURE_RETENTION_DAYS = 90


def _flag(value: str | None, default: bool) -> bool:
    """A yes/no variable; unset or empty keeps ``default``."""
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _hosts(value: str | None) -> frozenset[str]:
    return frozenset(h.strip() for h in (value or "").split(",") if h.strip())


@dataclass(frozen=True)
class Settings:
    archive_url: str = DEFAULT_ARCHIVE_URL
    # Registry source: a registry TOML file, or None for the packaged registry.
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
    per_host_spacing_s: float = DEFAULT_HOST_SPACING_S
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
    # Language identification (pipeline.language): "ensemble", or "langdetect" alone; an
    # unknown value falls back to the ensemble there.
    langid_backend: str = DEFAULT_LANGID_BACKEND
    # URL that failed tasks are posted to as JSON (pipeline.flows.alerts); None: log only.
    alert_webhook: str | None = None
    # Password given to the read-only analyst role (pipeline.archive.analyst_role). A secret:
    # never shown in a repr.
    analyst_password: str | None = field(default=None, repr=False)
    # Schedule of the news_ingest DAG (an interval timetable: each run owns [start, end)).
    poll_cron: str = "*/15 * * * *"
    # Raw captures older than this are pruned (dags/maintenance.py).
    capture_retention_days: int = DEFAULT_CAPTURE_RETENTION_DAYS
    # How far back near-duplicate lookup reaches; exact copies match the whole archive.
    dedup_window_days: int = 30

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the ``NEWS_*`` variables; an unset or empty one keeps its default.

        ``overrides`` that are not None win over the environment (command-line arguments).
        """
        env = os.environ.get
        default = cls()  # the defaults, stated once in the fields above
        settings = cls(
            archive_url=env("NEWS_ARCHIVE_URL") or default.archive_url,
            sources=env("NEWS_SOURCES") or default.sources,
            allow_private_networks=_flag(
                env("NEWS_FETCH_ALLOW_PRIVATE_NETWORKS"), default.allow_private_networks
            ),
            allowed_hosts=_hosts(env("NEWS_FETCH_ALLOW_HOSTS")) or default.allowed_hosts,
            user_agent=env("NEWS_USER_AGENT") or default.user_agent,
            ca_bundle=env("NEWS_FETCH_CA_BUNDLE") or default.ca_bundle,
            per_host_spacing_s=float(
                env("NEWS_FETCH_HOST_SPACING_S") or default.per_host_spacing_s
            ),
            fetch_batch_size=int(env("NEWS_FETCH_BATCH") or default.fetch_batch_size),
            redis_url=env("NEWS_REDIS_URL") or default.redis_url,
            process_batch=int(env("NEWS_PROCESS_BATCH") or default.process_batch),
            parse_workers=max(1, int(env("NEWS_PARSE_WORKERS") or default.parse_workers)),
            langid_backend=(env("NEWS_LANGID_BACKEND") or default.langid_backend).strip().lower(),
            alert_webhook=env("NEWS_ALERT_WEBHOOK") or default.alert_webhook,
            analyst_password=env("NEWS_ANALYST_PASSWORD") or default.analyst_password,
            poll_cron=env("NEWS_POLL_CRON") or default.poll_cron,
            capture_retention_days=int(
                env("NEWS_CAPTURE_RETENTION_DAYS") or default.capture_retention_days
            ),
            dedup_window_days=int(env("NEWS_DEDUP_WINDOW_DAYS") or default.dedup_window_days),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean)


def secret_from_env(variable: str) -> str | None:
    """A secret from the variable a user names on the command line (a secret store's, say), so
    that this module stays the one place the environment is read."""
    return os.environ.get(variable) or None
