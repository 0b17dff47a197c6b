# Balkan news archive. `make run` starts Airflow with the archive; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
export PATH := $(abspath $(BIN)):$(PATH)

# Airflow standalone (SQLite metadata DB, LocalExecutor) keeps its home under data/.
AIRFLOW_HOME ?= $(abspath data/airflow)
NEWSROOM_PORT ?= 8765

.PHONY: install run demo test test-fast lint format bench clean fuzz

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	AIRFLOW_HOME=$(AIRFLOW_HOME) bash scripts/run-airflow.sh

demo: install
	AIRFLOW_HOME=$(abspath data/airflow-demo) NEWS_DEMO=1 NEWSROOM_PORT=$(NEWSROOM_PORT) bash scripts/run-airflow.sh

test: install
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow and not airflow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# EVALDATA=DIR also runs the evaluations on third-party data kept outside the repository.
bench: install
	$(BIN)/python -m bench $(if $(EVALDATA),--evaldata $(EVALDATA))

# A long fuzz run of the feed pipeline: prints executions, coverage and crashes; each crash is
# written to tests/data/fuzz/, which `make test` replays.
FUZZ_EXAMPLES ?= 5000
fuzz: install
	$(BIN)/python -m tests.test_fuzz_feeds --examples $(FUZZ_EXAMPLES)

clean:
	rm -rf data/airflow data/airflow-demo .pytest_cache
