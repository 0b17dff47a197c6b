#!/usr/bin/env bash
# Runs once in the postgres container: separate databases and owners for Airflow and the archive.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE USER airflow WITH PASSWORD '${AIRFLOW_DB_PASSWORD}';
CREATE DATABASE airflow OWNER airflow;
CREATE USER archive WITH PASSWORD '${ARCHIVE_DB_PASSWORD}';
CREATE DATABASE archive OWNER archive;
SQL
