"""A throwaway Airflow home for tests that run Airflow in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "PYTHONPATH": str(REPO),
            "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
        }
    )
    env.update(extra)
    return env


def migrate_metadata(env: dict[str, str]) -> None:
    """Migrate the metadata DB and create the pools the DAGs use, as `make run` does."""
    airflow = str(VENV_BIN / "airflow")
    for args in (
        ["db", "migrate"],
        ["pools", "set", "outbound_fetch", "8", "Outbound HTTP fetches"],
        ["pools", "set", "backfill", "2", "Backfill harvesting"],
    ):
        subprocess.run([airflow, *args], env=env, check=True, capture_output=True, timeout=300)


def registry_toml(outlets: list[dict]) -> str:
    """A registry file for loopback feeds: [{'slug', 'language', 'feeds': [url, ...]}]."""
    parts = []
    for outlet in outlets:
        feeds = ", ".join(
            f'{{ url = "{url}", language = "{outlet["language"]}" }}' for url in outlet["feeds"]
        )
        parts.append(
            "[[outlet]]\n"
            f'slug = "{outlet["slug"]}"\nname = "{outlet["slug"].title()}"\n'
            f'homepage = "{outlet["homepage"]}"\ncountry = "{outlet.get("country", "XK")}"\n'
            f'languages = ["{outlet["language"]}"]\nfeeds = [{feeds}]\n'
        )
    return "\n".join(parts)
