"""Real Airflow components (api-server, scheduler, dag-processor) as subprocesses of a test."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.airflow_env import VENV_BIN, airflow_env, migrate_metadata


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalAirflow:
    """A fresh AIRFLOW_HOME with LocalExecutor components started as separate processes."""

    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.port = free_port()
        self.env = airflow_env(
            home,
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            AIRFLOW__CORE__PARALLELISM="4",
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{self.port}/execution/",
            AIRFLOW__API_AUTH__JWT_SECRET="test-secret-shared-by-every-component",
            AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
            AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="5",
            AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="2",
            AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
            **env,
        )
        self.processes: list[subprocess.Popen] = []

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VENV_BIN / "airflow"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self) -> LocalAirflow:
        self.home.mkdir(parents=True, exist_ok=True)
        migrate_metadata(self.env)
        for component in (
            ["api-server", "--port", str(self.port)],
            ["scheduler"],
            ["dag-processor"],
        ):
            log = open(self.home / f"{component[0]}.log", "w")  # noqa: SIM115 - closed with the process
            self.processes.append(
                subprocess.Popen(
                    [str(VENV_BIN / "airflow"), *component],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        return self

    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.cli("dags", "list", "-o", "json")
            if done.returncode == 0 and dag_id in done.stdout:
                return
            time.sleep(2)
        raise TimeoutError(f"{dag_id} was not parsed in {timeout} s:\n{self.logs()}")

    def runs(self, dag_id: str) -> list[dict]:
        done = self.cli("dags", "list-runs", dag_id, "-o", "json")
        # Warnings may precede the JSON on stdout.
        line = next((x for x in done.stdout.splitlines() if x.startswith("[")), None)
        return json.loads(line) if done.returncode == 0 and line else []

    def wait_for_runs(self, dag_id: str, predicate, timeout: float = 600) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.runs(dag_id)
            if predicate(runs):
                return runs
            time.sleep(3)
        raise TimeoutError(
            f"runs of {dag_id} did not finish in {timeout} s: {self.runs(dag_id)}\n{self.logs()}"
        )

    def logs(self, tail: int = 3000) -> str:
        parts = []
        for name in ("scheduler", "dag-processor", "api-server"):
            path = self.home / f"{name}.log"
            if path.exists():
                parts.append(f"--- {name}\n" + path.read_text(errors="replace")[-tail:])
        return "\n".join(parts)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
