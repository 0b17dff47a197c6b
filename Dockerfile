# Project image for the compose deployment: Airflow 3.3 with the pipeline installed.
# Everything is installed at build time; containers never pip install at start.
FROM python:3.11-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AIRFLOW_HOME=/opt/airflow

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 50000 airflow

WORKDIR /opt/news
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY pyproject.toml alembic.ini ./
COPY pipeline ./pipeline
RUN pip install --no-deps .

COPY dags /opt/airflow/dags
COPY plugins /opt/airflow/plugins
COPY scripts/compose-init.sh /opt/news/compose-init.sh

RUN mkdir -p /opt/airflow/logs && chown -R airflow /opt/airflow
USER airflow
