#!/usr/bin/env bash
# One-shot init of the compose deployment: both databases migrated, pools, admin user.
set -euo pipefail
airflow db migrate
python -m pipeline migrate --db "$NEWS_ARCHIVE_URL"
airflow pools set outbound_fetch "${NEWS_FETCH_POOL_SLOTS:-8}" "Outbound HTTP fetches across all workers"
airflow pools set backfill "${NEWS_BACKFILL_POOL_SLOTS:-2}" "Backfill harvesting, below live ingestion"
echo "init done"
