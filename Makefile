# The two commands that matter: `make run` (demo server) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench install migration clean

run: $(STAMP)
	$(BIN)/queue-service db upgrade
	$(BIN)/queue-service seed-demo
	$(BIN)/queue-service serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy queue_service

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[postgres,redis,deploy,dev]'
	touch $(STAMP)

# Write a new migration from the difference between the models and a fresh database.
migration: $(STAMP)
	@test -n "$(MESSAGE)" || (echo 'usage: make migration MESSAGE="what changed"'; exit 2)
	$(BIN)/python scripts/new_migration.py "$(MESSAGE)"

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
