"""A real Airflow deployment on the Celery executor, without Docker, for integration tests.

The production topology of docker-compose.yml, as separate processes on this machine: an
api-server, a scheduler, a dag-processor and N Celery workers sharing one throwaway AIRFLOW_HOME,
the metadata database in a fresh PostgreSQL database and the broker on the local Redis under a
key prefix and a queue of its own, so that clusters of parallel test sessions never meet.

Every process is started in its own session (process group) and killed at ``stop()``, which
also runs when start-up fails half way.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.airflow_env import REPO, VENV_BIN, airflow_env

# Environment variable naming the host of one worker in task instances (see worker_hostname).
HOSTNAME_VAR = "NEWS_TEST_WORKER_HOSTNAME"

# Loaded by every Airflow component from $AIRFLOW_HOME/config: a cluster policy that shortens
# retry delays, so that a retry after a killed worker shows up in seconds rather than a minute.
# The DAG's own retries, backoff and timeouts are kept; only the base delay changes.
LOCAL_SETTINGS = """\
from datetime import timedelta


def task_policy(task):
    task.retry_delay = timedelta(seconds={retry_delay_s})
"""


def worker_hostname() -> str:
    """``[core] hostname_callable`` of the test cluster: each worker reports its own name.

    Both workers run on this one machine, so the default (the FQDN) would not tell them apart.
    """
    return os.environ.get(HOSTNAME_VAR) or socket.getfqdn()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class ClusterOptions:
    workers: int = 2
    # Task slots per worker; two workers of two slots run the fetch fan-out in parallel.
    worker_concurrency: int = 2
    # Base delay of task retries (cluster policy); the DAG says 30 s.
    retry_delay_s: int = 2
    # A task whose worker died is failed (and retried) after this many seconds without heartbeat.
    # Generous against false alarms on a loaded 2-core machine, short enough for a test.
    heartbeat_timeout_s: int = 20
    # The pools the DAGs use, as scripts/compose-init.sh creates them.
    pools: tuple[tuple[str, int], ...] = (("outbound_fetch", 8), ("backfill", 2))
    # Celery's worker pool: "prefork" as in production (docker-compose.yml); "solo" runs one
    # task at a time in the worker's main process.
    celery_pool: str = "prefork"
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass
class Component:
    name: str
    process: subprocess.Popen
    log: Path


class AirflowCluster:
    def __init__(
        self,
        home: Path,
        metadata_url: str,
        redis_url: str = "redis://127.0.0.1:6379/0",
        options: ClusterOptions | None = None,
    ) -> None:
        self.home = home
        self.metadata_url = metadata_url
        self.redis_url = redis_url
        self.options = options or ClusterOptions()
        tag = uuid.uuid4().hex[:10]
        self.queue = f"news_test_{tag}"
        self.key_prefix = f"news-test-{tag}:"
        self.api_port = free_port()
        self.components: dict[str, Component] = {}
        self.worker_names = [f"worker{i + 1}" for i in range(self.options.workers)]
        self.env = self._environment()
        self._token: str | None = None

    # --- configuration -------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _environment(self) -> dict[str, str]:
        o = self.options
        sql = self.metadata_url
        env = airflow_env(
            self.home,
            AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sql,
            AIRFLOW__CELERY__BROKER_URL=self.redis_url,
            AIRFLOW__CELERY__RESULT_BACKEND="db+" + sql,
            AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX=self.key_prefix,
            AIRFLOW__OPERATORS__DEFAULT_QUEUE=self.queue,
            AIRFLOW__CELERY__WORKER_CONCURRENCY=str(o.worker_concurrency),
            AIRFLOW__CELERY__POOL=o.celery_pool,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.api_url}/execution/",
            AIRFLOW__API__BASE_URL=self.api_url,
            AIRFLOW__API_AUTH__JWT_SECRET=uuid.uuid4().hex,
            AIRFLOW__CORE__FERNET_KEY="",
            AIRFLOW__CORE__HOSTNAME_CALLABLE="tests.support.airflow_cluster.worker_hostname",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="True",
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
            # Runs come from the test's triggers only: no scheduled run starts mid-test.
            AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False",
            AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
            AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME="0.5",
            AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC="2",
            AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=str(o.heartbeat_timeout_s),
            AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL="2",
            AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL="2",
            AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
            AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="600",
            AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES="1",
            AIRFLOW__API__WORKERS="1",
            AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
        )
        env.update(o.extra_env)
        return env

    def _write_local_settings(self) -> None:
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "airflow_local_settings.py").write_text(
            LOCAL_SETTINGS.format(retry_delay_s=self.options.retry_delay_s)
        )

    # --- processes -----------------------------------------------------------------------

    def airflow(self, *args: str, timeout: float = 180) -> str:
        """Run one ``airflow`` CLI command against the cluster; returns its stdout."""
        done = subprocess.run(
            [*self._launcher(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _launcher(self) -> list[str]:
        # ``python -m tests.support.airflow_cluster ARGS`` runs ``airflow ARGS``: a command line
        # no other session's ``pkill -f "airflow scheduler"`` matches on this shared machine.
        return [str(VENV_BIN / "python"), "-m", "tests.support.airflow_cluster"]

    def _spawn(self, name: str, args: list[str], **env: str) -> Component:
        log = self.home / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*self._launcher(), *args],
                env={**self.env, **env},
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Own process group: killing a worker kills its pool and task processes with it.
                start_new_session=True,
            )
        component = Component(name, process, log)
        self.components[name] = component
        return component

    def start_worker(self, name: str) -> Component:
        return self._spawn(
            name,
            [
                "celery", "worker",
                "--celery-hostname", f"{name}@%h",
                "--queues", self.queue,
                "--concurrency", str(self.options.worker_concurrency),
                # Two workers on one machine cannot both serve logs on port 8793.
                "--skip-serve-logs",
                "--without-gossip", "--without-mingle",
            ],
            **{HOSTNAME_VAR: name},
        )  # fmt: skip

    def start(self, timeout: float = 180) -> AirflowCluster:
        try:
            self._write_local_settings()
            self.airflow("db", "migrate", timeout=300)
            for pool, slots in self.options.pools:
                self.airflow("pools", "set", pool, str(slots), f"{pool} (test cluster)")
            self._spawn("api-server", ["api-server", "--port", str(self.api_port)])
            self._spawn("scheduler", ["scheduler"])
            self._spawn("dag-processor", ["dag-processor"])
            for name in self.worker_names:
                self.start_worker(name)
            self._wait_ready(time.monotonic() + timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, deadline: float) -> None:
        waiting = {"api-server", "dag", *self.worker_names}
        while waiting:
            self.check_alive()
            if "api-server" in waiting and self._health_ok():
                waiting.discard("api-server")
            if "dag" in waiting and self.metadata_scalar(
                "SELECT count(*) FROM serialized_dag WHERE dag_id = 'news_ingest'"
            ):
                waiting.discard("dag")
            for name in [n for n in self.worker_names if n in waiting]:
                if " ready." in self.components[name].log.read_text(errors="replace"):
                    waiting.discard(name)
            if time.monotonic() > deadline:
                raise TimeoutError(f"cluster not ready, still waiting for {sorted(waiting)}")
            time.sleep(0.5)

    def check_alive(self, ignore: tuple[str, ...] = ()) -> None:
        for name, component in self.components.items():
            if name not in ignore and component.process.poll() is not None:
                tail = component.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {component.process.returncode}:\n{tail}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a component and every process it started, like a machine losing power."""
        process = self.components[name].process
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self) -> None:
        """Terminate every component (SIGTERM, then SIGKILL after a grace period)."""
        for component in self.components.values():
            if component.process.poll() is None:
                try:
                    os.killpg(component.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 5
        for component in self.components.values():
            try:
                component.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for component in self.components.values():
            try:
                # The group may outlive its leader (task processes): always sweep it.
                os.killpg(component.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                component.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._clear_redis()

    def _clear_redis(self) -> None:
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(match=f"{self.key_prefix}*", count=1000))
            keys += [k for k in client.scan_iter(match=f"*{self.queue}*", count=1000)]
            if keys:
                client.delete(*keys)
            client.close()
        except Exception:  # noqa: BLE001 - cleanup is best effort; keys are uniquely named
            pass

    # --- API and metadata -------------------------------------------------------------------

    def _health_ok(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/api/v2/monitor/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        if self._token is None:
            # All-admins mode hands out a token without credentials (local clusters only).
            with urllib.request.urlopen(f"{self.api_url}/auth/token", timeout=10) as r:
                self._token = json.load(r)["access_token"]
        request = urllib.request.Request(
            self.api_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.load(r)

    def trigger(self, dag_id: str = "news_ingest") -> str:
        """Start a manual run (no logical date, as from the UI's Trigger); returns its run id."""
        run = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        return run["dag_run_id"]

    def _metadata_engine(self):
        import sqlalchemy as sa

        if not hasattr(self, "_engine"):
            self._engine = sa.create_engine(self.metadata_url, pool_pre_ping=True)
        return self._engine

    def metadata_rows(self, sql: str, **params) -> list[dict]:
        """Read the metadata database (the test's view; tasks never do this)."""
        import sqlalchemy as sa

        try:
            with self._metadata_engine().connect() as connection:
                return [dict(r._mapping) for r in connection.execute(sa.text(sql), params)]
        except sa.exc.ProgrammingError:
            return []  # tables not created yet

    def metadata_scalar(self, sql: str, **params):
        rows = self.metadata_rows(sql, **params)
        return next(iter(rows[0].values())) if rows else None

    def run_state(self, run_id: str, dag_id: str = "news_ingest") -> str | None:
        return self.metadata_scalar(
            "SELECT state FROM dag_run WHERE dag_id = :d AND run_id = :r", d=dag_id, r=run_id
        )

    def wait_run(
        self,
        run_id: str,
        timeout: float = 240,
        dag_id: str = "news_ingest",
        ignore_dead: tuple[str, ...] = (),
    ) -> str:
        """Poll until the run is finished; returns its final state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.run_state(run_id, dag_id)
            if state in ("success", "failed"):
                return state
            self.check_alive(ignore=ignore_dead)
            time.sleep(0.5)
        raise TimeoutError(
            f"run {run_id} not finished after {timeout} s: {self.task_states(run_id)}"
        )

    def task_instances(self, run_id: str, dag_id: str = "news_ingest") -> list[dict]:
        return self.metadata_rows(
            "SELECT task_id, map_index, state, hostname, try_number, pool, rendered_map_index "
            "FROM task_instance WHERE dag_id = :d AND run_id = :r ORDER BY task_id, map_index",
            d=dag_id,
            r=run_id,
        )

    def task_states(self, run_id: str) -> list[tuple]:
        return [
            (t["task_id"], t["map_index"], t["state"], t["hostname"], t["try_number"])
            for t in self.task_instances(run_id)
        ]

    def worker_log(self, name: str) -> str:
        return self.components[name].log.read_text(errors="replace")

    def dispose(self) -> None:
        if hasattr(self, "_engine"):
            self._engine.dispose()


if __name__ == "__main__":
    import sys

    from airflow.__main__ import main

    sys.argv[0] = "airflow"
    main()
