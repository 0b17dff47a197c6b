"""One Settings: every NEWS_* variable is read in pipeline/config.py, with one default each, and
the stages' options are built from it."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import re
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.fetch.client import FetchOptions, FetchSession, _shared_slots
from pipeline.fetch.coordination import CoordinationOptions
from pipeline.fetch.politeness import HostLimiter, PolitenessOptions
from pipeline.language.types import LanguageOptions, default_options
from pipeline.sources.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pipeline" / "config.py"
NAME = re.compile(r"\bNEWS_[A-Z0-9_]*[A-Z0-9]\b")
# Read only by scripts/*.sh for the airflow CLI (pool sizes, the demo switch); no Python reads them.
SHELL_ONLY = {"NEWS_DEMO", "NEWS_FETCH_POOL_SLOTS", "NEWS_BACKFILL_POOL_SLOTS"}
# Read by the DAG files with os.environ today; Settings has their fields (remove when moved).

# Each variable from_env reads: a value to set, the field it reaches, the value expected there.
CASES: dict[str, tuple[str, str, object]] = {
    "NEWS_ARCHIVE_URL": (
        "sqlite:////tmp/other.sqlite",
        "archive_url",
        "sqlite:////tmp/other.sqlite",
    ),
    "NEWS_SOURCES": ("/tmp/registry.toml", "sources", "/tmp/registry.toml"),
    "NEWS_FETCH_ALLOW_PRIVATE_NETWORKS": ("yes", "allow_private_networks", True),
    "NEWS_FETCH_ALLOW_HOSTS": (
        " 127.0.0.1:8080, ,localhost:9 ",
        "allowed_hosts",
        frozenset({"127.0.0.1:8080", "localhost:9"}),
    ),
    "NEWS_USER_AGENT": ("TestAgent/1.0", "user_agent", "TestAgent/1.0"),
    "NEWS_FETCH_CA_BUNDLE": ("/etc/ssl/lab.pem", "ca_bundle", "/etc/ssl/lab.pem"),
    "NEWS_FETCH_HOST_SPACING_S": ("2.5", "per_host_spacing_s", 2.5),
    "NEWS_FETCH_BATCH": ("200", "fetch_batch_size", 200),
    "NEWS_REDIS_URL": ("redis://127.0.0.1:6379/3", "redis_url", "redis://127.0.0.1:6379/3"),
    "NEWS_PROCESS_BATCH": ("250", "process_batch", 250),
    "NEWS_PARSE_WORKERS": ("5", "parse_workers", 5),
    "NEWS_LANGID_BACKEND": (" LangDetect ", "langid_backend", "langdetect"),
    "NEWS_ALERT_WEBHOOK": ("http://127.0.0.1:9/hook", "alert_webhook", "http://127.0.0.1:9/hook"),
    "NEWS_ANALYST_PASSWORD": ("s3cret-config", "analyst_password", "s3cret-config"),
    "NEWS_POLL_CRON": ("*/5 * * * *", "poll_cron", "*/5 * * * *"),
    "NEWS_CAPTURE_RETENTION_DAYS": ("14", "capture_retention_days", 14),
    "NEWS_DEDUP_WINDOW_DAYS": ("7", "dedup_window_days", 7),
}


def _from_env() -> ast.FunctionDef:
    tree = ast.parse(CONFIG.read_text(encoding="utf-8"))
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    return next(n for n in settings.body if isinstance(n, ast.FunctionDef) and n.name == "from_env")


def _read_names() -> set[str]:
    """The NEWS_* names ``Settings.from_env`` reads, from its source."""
    return {
        node.value
        for node in ast.walk(_from_env())
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and NAME.fullmatch(node.value)
    }


def _project_files(*, python_only: bool = False) -> list[Path]:
    files = [
        path
        for folder in ("pipeline", "dags", "plugins")
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    ]
    if not python_only:
        files += [p for p in (ROOT / "scripts").rglob("*") if p.is_file()]
        files += [ROOT / "docker-compose.yml", ROOT / ".env.example"]
    return files


def _mentioned(files: list[Path]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in files:
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No NEWS_* variable set (the test suite's conftest sets some)."""
    import os

    for name in list(os.environ):
        if name.startswith("NEWS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_from_env_reads_exactly_the_listed_variables() -> None:
    assert _read_names() == set(CASES)


def test_every_mentioned_variable_is_read_by_settings() -> None:
    mentioned = _mentioned(_project_files())
    assert mentioned, "the scan found no NEWS_* name at all"
    unread = {name: sorted(where) for name, where in mentioned.items() if name not in _read_names()}
    unread = {name: where for name, where in unread.items() if name not in SHELL_ONLY}
    assert unread == {}, f"NEWS_* variables not read by Settings.from_env: {unread}"


def test_shell_only_variables_stay_out_of_python() -> None:
    # Were Python to read one of them, it would need a Settings field like the others.
    in_python = _mentioned(_project_files(python_only=True))
    assert {name: sorted(in_python[name]) for name in SHELL_ONLY if name in in_python} == {}


def test_no_module_but_config_reads_the_environment() -> None:
    readers = re.compile(r"os\.environ|getenv\(|environ\.get\(")
    offenders = []
    for path in _project_files(python_only=True):
        if path == CONFIG:
            continue
        where = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not readers.search(line):
                continue
            if NAME.search(line):
                offenders.append(f"{where}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_variable_reaches_its_field(clean_env: pytest.MonkeyPatch, name: str) -> None:
    value, field_name, expected = CASES[name]
    default = getattr(Settings(), field_name)
    assert expected != default, "the case must change the field"
    clean_env.setenv(name, value)
    settings = Settings.from_env()
    assert getattr(settings, field_name) == expected
    # Nothing else moved.
    others = {f.name for f in dataclasses.fields(Settings)} - {field_name}
    assert {f: getattr(settings, f) for f in others} == {f: getattr(Settings(), f) for f in others}


def test_unset_or_empty_variables_give_the_field_defaults(clean_env: pytest.MonkeyPatch) -> None:
    assert Settings.from_env() == Settings()
    for name in CASES:
        clean_env.setenv(name, "")
    assert Settings.from_env() == Settings()


def test_from_env_states_no_default_of_its_own() -> None:
    """``X or <literal>`` and ``environ.get(X, <literal>)`` would restate a field's default."""
    restated = []
    for node in ast.walk(_from_env()):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            restated += [ast.unparse(node) for v in node.values if isinstance(v, ast.Constant)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and len(node.args) > 1:
                restated.append(ast.unparse(node))
    assert restated == []


def test_overrides_win_and_none_keeps_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("NEWS_ARCHIVE_URL", "sqlite:////tmp/env.sqlite")
    assert Settings.from_env(archive_url=None).archive_url == "sqlite:////tmp/env.sqlite"
    assert Settings.from_env(archive_url="sqlite:///x").archive_url == "sqlite:///x"


def test_analyst_password_is_kept_out_of_reprs(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("NEWS_ANALYST_PASSWORD", "s3cret-config")
    settings = Settings.from_env()
    assert settings.analyst_password == "s3cret-config"
    assert "s3cret-config" not in repr(settings)
    assert "s3cret-config" not in str(settings)


def test_stage_defaults_are_the_settings_defaults(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.per_host_spacing_s == 0.5  # what README.md documents
    assert PolitenessOptions().spacing_s == settings.per_host_spacing_s
    assert CoordinationOptions().spacing_s == settings.per_host_spacing_s
    assert CoordinationOptions().redis_url == settings.redis_url
    assert LanguageOptions().backend == settings.langid_backend == "ensemble"
    from pipeline.flows.maintenance import DEFAULT_RETENTION

    assert DEFAULT_RETENTION.days == settings.capture_retention_days == 90
    # No other module states a spacing default as a number.
    literal = re.compile(r"spacing_s\s*:\s*float\s*=\s*[\d.]")
    stated = [
        str(p.relative_to(ROOT))
        for p in _project_files(python_only=True)
        if literal.search(p.read_text())
    ]
    assert stated == []


README_ROW = re.compile(r"^\| `(NEWS_[A-Z0-9_]+)` \| `([^`|]+)` \|", re.MULTILINE)


def test_readme_documents_the_settings_defaults() -> None:
    rows = dict(README_ROW.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    rows.pop("NEWS_USER_AGENT", None)  # documented in short
    assert "NEWS_FETCH_HOST_SPACING_S" in rows
    defaults = Settings()
    documented = {name: rows[name] for name in rows if name in CASES}
    actual = {name: str(getattr(defaults, CASES[name][1])) for name in documented}
    assert documented == actual


def test_spacing_variable_reaches_the_fetchers_politeness(clean_env: pytest.MonkeyPatch) -> None:
    assert FetchOptions.from_settings(Settings.from_env()).politeness.spacing_s == 0.5
    clean_env.setenv("NEWS_FETCH_HOST_SPACING_S", "0.25")
    options = FetchOptions.from_settings(Settings.from_env())
    assert options.politeness.spacing_s == 0.25
    assert FetchSession(options).limiter.options.spacing_s == 0.25
    assert CoordinationOptions.from_env().spacing_s == 0.25

    # And the limiter keeps it: two requests to one host start at least 0.25 s apart.
    limiter = HostLimiter(options.politeness)

    async def two_requests() -> float:
        starts = []
        for _ in range(2):
            async with limiter.slot("example.org"):
                starts.append(time.monotonic())
        return starts[1] - starts[0]

    assert asyncio.run(two_requests()) >= 0.24
    assert limiter.min_gap["example.org"] >= 0.24


def test_langid_variable_changes_the_language_options(clean_env: pytest.MonkeyPatch) -> None:
    assert default_options().backend == "ensemble"
    clean_env.setenv("NEWS_LANGID_BACKEND", "langdetect")
    assert LanguageOptions().backend == "langdetect"
    assert default_options().backend == "langdetect"
    assert LanguageOptions.from_settings(Settings.from_env()).backend == "langdetect"
    # An unknown name falls back to the ensemble, as it always did.
    clean_env.setenv("NEWS_LANGID_BACKEND", "magic")
    assert LanguageOptions().backend == "ensemble"
    assert LanguageOptions.from_settings(Settings(langid_backend="magic")).backend == "ensemble"


def test_redis_variable_reaches_the_coordination_options(clean_env: pytest.MonkeyPatch) -> None:
    assert CoordinationOptions.from_env().redis_url is None
    url = "redis://127.0.0.1:6379/7"
    clean_env.setenv("NEWS_REDIS_URL", url)
    clean_env.setenv("NEWS_FETCH_HOST_SPACING_S", "0.75")
    assert CoordinationOptions.from_env().redis_url == url
    assert CoordinationOptions.from_settings(Settings.from_env()).redis_url == url
    assert (
        CoordinationOptions.from_env(redis_url="redis://other:6379/0").redis_url
        == "redis://other:6379/0"
    )
    # The fetcher's shared slots are built from the same settings (no connection is made here).
    politeness = FetchOptions.from_settings(Settings.from_env()).politeness
    assert politeness.shared_url == url
    slots = _shared_slots(politeness)
    try:
        assert slots.shared
        assert (slots.options.redis_url, slots.options.spacing_s) == (url, 0.75)
    finally:
        slots.close()


def test_sources_variable_reaches_the_registry(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    registry = tmp_path / "registry.toml"
    registry.write_text(
        '[[outlet]]\nslug = "only"\nname = "Only"\nhomepage = "https://only.example"\n'
        'country = "RS"\nlanguages = ["sr"]\n',
        encoding="utf-8",
    )
    clean_env.setenv("NEWS_SOURCES", str(registry))
    assert [o.slug for o in load_registry(Settings.from_env().sources).outlets] == ["only"]
    clean_env.delenv("NEWS_SOURCES")
    assert len(load_registry(Settings.from_env().sources).outlets) > 1
