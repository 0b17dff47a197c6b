#!/usr/bin/env bash
# The compose topology by hand, without Docker: PostgreSQL and Redis of this machine, an
# api-server, a scheduler, a dag-processor and N Celery workers (default 2) as separate
# processes, with the news DAGs polling the offline newsroom (NEWS_DEMO=1, the default) or the
# registry. Ctrl-C stops every process it started.
#
#   bash scripts/celery-local.sh            # 2 workers, newsroom on :8765, UI on :8080
#   WORKERS=3 NEWS_DEMO=0 bash scripts/celery-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.venv/bin:$PATH"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"

workers=${WORKERS:-2}
api_port=${API_PORT:-8080}
pg=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379/0}
: "${AIRFLOW_HOME:=$root/data/airflow-celery}"
export AIRFLOW_HOME
mkdir -p "$AIRFLOW_HOME/logs"

bash scripts/ensure-services.sh
for db in news_airflow news_archive; do
  psql "$pg" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || psql "$pg" -c "CREATE DATABASE $db" >/dev/null
done
pg_base=${pg%/*}
pg_base=${pg_base/postgresql:/postgresql+psycopg:}

export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$pg_base/news_airflow"
export AIRFLOW__CELERY__BROKER_URL="$redis_url"
export AIRFLOW__CELERY__RESULT_BACKEND="db+$pg_base/news_airflow"
export AIRFLOW__CELERY__WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$api_port/execution/"
export AIRFLOW__API_AUTH__JWT_SECRET=${AIRFLOW__API_AUTH__JWT_SECRET:-$(python -c 'import secrets; print(secrets.token_hex(16))')}
export AIRFLOW__CORE__DAGS_FOLDER="$root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
export NEWS_ARCHIVE_URL="${NEWS_ARCHIVE_URL:-$pg_base/news_archive}"
export NEWS_REDIS_URL="${NEWS_REDIS_URL:-${redis_url%/*}/1}"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 5
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

if [ "${NEWS_DEMO:-1}" = "1" ]; then
  port=${NEWSROOM_PORT:-8765}
  registry="$AIRFLOW_HOME/newsroom-registry.toml"
  export NEWS_SOURCES="$registry"
  export NEWS_FETCH_ALLOW_PRIVATE_NETWORKS=1
  # shellcheck source=scripts/newsroom.sh
  source "$root/scripts/newsroom.sh"
  start_newsroom "$port" "$registry" "$AIRFLOW_HOME/logs/newsroom.log" || exit 1
  pids+=("$newsroom_pid")
fi

airflow db migrate >/dev/null
python -m pipeline migrate --db "$NEWS_ARCHIVE_URL"
airflow pools set outbound_fetch "${NEWS_FETCH_POOL_SLOTS:-8}" "Outbound HTTP fetches across all workers" >/dev/null
airflow pools set backfill "${NEWS_BACKFILL_POOL_SLOTS:-2}" "Backfill harvesting, below live ingestion" >/dev/null

start() {  # name, then the airflow arguments; each in its own process group
  local name=$1; shift
  setsid airflow "$@" >"$AIRFLOW_HOME/logs/$name.log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!, log $AIRFLOW_HOME/logs/$name.log)"
}
start api-server api-server --port "$api_port"
start scheduler scheduler
start dag-processor dag-processor
for i in $(seq 1 "$workers"); do
  # Distinct Celery names; each worker serves its task logs on its own port.
  AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((8793 + i - 1)) \
    start "worker$i" celery worker --celery-hostname "worker$i@%h"
done
echo "UI: http://127.0.0.1:$api_port/   archive: $NEWS_ARCHIVE_URL   Ctrl-C stops everything"
wait
