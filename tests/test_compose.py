"""The compose deployment cannot run here (no Docker engine): check it agrees with the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
AIRFLOW_SERVICES = {"api-server", "scheduler", "dag-processor", "triggerer", "worker", "init"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _env(service: dict) -> dict:
    return service.get("environment") or {}


def test_services_of_the_production_shape(compose):
    assert AIRFLOW_SERVICES | {"postgres", "redis"} <= set(compose["services"])
    for name in AIRFLOW_SERVICES - {"init"}:
        service = compose["services"][name]
        assert service["image"] == "balkan-news-archive:latest", name
        assert service["depends_on"]["init"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in service, name


def test_components_share_executor_secret_and_databases(compose):
    envs = {name: _env(compose["services"][name]) for name in AIRFLOW_SERVICES}
    for name, env in envs.items():
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "${AIRFLOW_JWT_SECRET}", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379"), name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://api-server:8080/execution/"
        metadata = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        archive = env["NEWS_ARCHIVE_URL"]
        # Airflow's metadata and the archive live in separate databases of the one server.
        assert metadata.endswith("@postgres:5432/airflow") and archive.endswith(
            "@postgres:5432/archive"
        )


def test_environment_names_are_ones_the_project_reads(compose):
    read = set(re.findall(r'"(NEWS_[A-Z_]+)"', (REPO / "pipeline/config.py").read_text()))
    for name in AIRFLOW_SERVICES:
        news_vars = {k for k in _env(compose["services"][name]) if k.startswith("NEWS_")}
        assert news_vars <= read, news_vars - read
    # "$${HOSTNAME}" is escaped for the container shell, not a compose variable.
    secrets = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", (REPO / "docker-compose.yml").read_text()))
    example = set(re.findall(r"^([A-Z_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert secrets <= example, secrets - example


def test_scale_out_workers_have_no_fixed_name_or_port(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert worker["command"][:3] == ["airflow", "celery", "worker"]


def test_image_installs_at_build_time_and_scripts_exist(compose):
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install -r requirements.txt -c constraints.txt" in dockerfile
    for service in compose["services"].values():
        command = " ".join(service.get("command", []))
        assert "pip install" not in command
    assert (REPO / "scripts/compose-init.sh").exists()
    for volume in compose["services"]["postgres"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (REPO / source).exists(), source
    init = (REPO / "scripts/compose-init.sh").read_text()
    assert "airflow db migrate" in init and "python -m pipeline migrate" in init
    assert "airflow pools set outbound_fetch" in init


def test_every_pool_the_dags_use_is_created_at_init():
    # A task whose pool does not exist is never scheduled: it waits silently, it does not fail.
    used = set()
    for dag_file in (REPO / "dags").glob("*.py"):
        used |= set(re.findall(r'pool="([a-z_]+)"', dag_file.read_text()))
    created = set(
        re.findall(r"airflow pools set ([a-z_]+)", (REPO / "scripts/compose-init.sh").read_text())
    )
    assert used <= created, used - created


def test_celery_executor_imports_with_the_installed_celery():
    # apache-airflow-providers-celery 3.26.0 imports names that Celery 5.7.0 removed
    # (celery.backends.database.retry): workers would not start.
    import importlib

    importlib.import_module("airflow.providers.celery.executors.celery_executor_utils")
