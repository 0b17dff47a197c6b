#!/usr/bin/env bash
# Start Airflow standalone (SQLite metadata DB, LocalExecutor, UI on :8080) with the news DAGs
# unpaused. With NEWS_DEMO=1 the offline newsroom is started and polled instead of the real web.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
: "${AIRFLOW_HOME:=$root/data/airflow}"
export AIRFLOW_HOME
export PATH="$root/.venv/bin:$PATH"
mkdir -p "$AIRFLOW_HOME" "$root/data"

export AIRFLOW__CORE__DAGS_FOLDER="$root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"

if [ "${NEWS_DEMO:-0}" = "1" ]; then
  port="${NEWSROOM_PORT:-8765}"
  export NEWS_ARCHIVE_URL="${NEWS_ARCHIVE_URL:-sqlite:///$root/data/demo-archive.sqlite}"
  registry="$root/data/newsroom-registry.toml"
  export NEWS_SOURCES="$registry"
  export NEWS_FETCH_ALLOW_PRIVATE_NETWORKS=1
  # shellcheck source=scripts/newsroom.sh
  source "$root/scripts/newsroom.sh"
  start_newsroom "$port" "$registry"
  trap 'kill $newsroom_pid 2>/dev/null || true' EXIT
  echo "newsroom: http://127.0.0.1:$port/ (registry $registry)"
else
  export NEWS_ARCHIVE_URL="${NEWS_ARCHIVE_URL:-sqlite:///$root/data/archive.sqlite}"
fi

python -m pipeline migrate
airflow db migrate >/dev/null
# Outbound fetches share one pool; backfill harvesting gets a small one so live polls keep going.
airflow pools set outbound_fetch "${NEWS_FETCH_POOL_SLOTS:-8}" "Outbound HTTP fetches" >/dev/null
airflow pools set backfill "${NEWS_BACKFILL_POOL_SLOTS:-2}" "Backfill harvesting, below live ingestion" >/dev/null

(
  for _ in $(seq 1 120); do
    if curl -fs http://localhost:8080/api/v2/monitor/health >/dev/null 2>&1; then
      password=$(python -c "import json,sys; print(json.load(open(sys.argv[1])).get('admin','?'))" \
        "$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated" 2>/dev/null || echo '?')
      echo
      echo "Airflow UI: http://localhost:8080/  login: admin / $password"
      echo "Archive:    $NEWS_ARCHIVE_URL"
      exit 0
    fi
    sleep 2
  done
) &

airflow standalone
