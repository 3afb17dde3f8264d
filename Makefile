# The two commands that matter: `make run` (demo server) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
# Days of made-up history for the report pages; seed-history skips days it already wrote.
HISTORY_DAYS ?= 60
# Browser libraries come from npm (package-lock.json); pages load their dist files from here.
NODE_STAMP := node_modules/.installed-stamp
VENDOR := queue_service/static/vendor
SOCKETIO_JS := $(VENDOR)/socket.io.esm.min.js
# Each package keeps its own gettext catalogue in PACKAGE/translations; Flask-Babel merges them.
UI_PACKAGES := queue_service kiosk_ui display_ui reception_ui
LANGUAGES := pl ar
PO_FILES := $(wildcard $(addsuffix /translations/*/LC_MESSAGES/messages.po,$(UI_PACKAGES)))
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test lint format bench bench-estimates load install vendor translations messages migration clean

run: $(STAMP) vendor translations
	$(BIN)/queue-service db upgrade
	$(BIN)/queue-service seed-demo
	$(BIN)/queue-service seed-history --site bootle --days $(HISTORY_DAYS)
	$(BIN)/queue-service seed-history --site southport --days $(HISTORY_DAYS)
	@printf "\nOpen http://$(HOST):$(PORT)/ to start: its kiosk and display links are paired with the demo devices.\n\n"
	$(BIN)/queue-service serve --host $(HOST) --port $(PORT)

test: lint vendor translations
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# BENCH_LIVE_CLIENTS=100,500 (say) picks fewer Socket.IO clients for a quicker live bench.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_live.py
	$(BIN)/python scripts/bench_reconnect.py
	$(BIN)/python scripts/bench_reports.py

# BENCH_DAYS=2 (say) runs fewer simulated days per scenario for a quicker estimate bench.
bench-estimates: $(STAMP)
	$(BIN)/python scripts/bench_estimates.py

# Five minutes of the deployed layout (two processes, PostgreSQL, Redis, nginx) under load; needs
# nginx. LOAD_SECONDS, LOAD_CLIENTS, LOAD_KIOSKS, LOAD_DESKS scale it (see scripts/load.py).
load: $(STAMP)
	$(BIN)/python scripts/load.py

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[postgres,redis,deploy,dev]'
	touch $(STAMP)

vendor: $(SOCKETIO_JS)

# `npm ci` only when package.json or its lock file changed since the last install.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ with npm (Debian: apt-get install npm) for the browser libraries" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The source map too, when the package ships one (the `*` matches it).
$(SOCKETIO_JS): $(NODE_STAMP)
	mkdir -p $(VENDOR)
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js* $(VENDOR)/

# Compiled catalogues (.mo) are built, never committed.
translations: $(MO_FILES)

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After adding or changing translatable strings: extract each package's strings, then add
# the new ones to its .po files (created for a new language) for the translators.
messages: $(STAMP)
	@for package in $(UI_PACKAGES); do \
	    pot=$$package/translations/messages.pot; mkdir -p $$package/translations; \
	    $(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output \
	        --project "OneStop Queue" -o $$pot $$package || exit 1; \
	    for language in $(LANGUAGES); do \
	        if [ -f $$package/translations/$$language/LC_MESSAGES/messages.po ]; then \
	            $(BIN)/pybabel update -i $$pot -d $$package/translations -l $$language || exit 1; \
	        else \
	            $(BIN)/pybabel init -i $$pot -d $$package/translations -l $$language || exit 1; \
	        fi; \
	    done; \
	done

# Write a new migration from the difference between the models and a fresh database.
migration: $(STAMP)
	@test -n "$(MESSAGE)" || (echo 'usage: make migration MESSAGE="what changed"'; exit 2)
	$(BIN)/python scripts/new_migration.py "$(MESSAGE)"

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache node_modules $(VENDOR) $(MO_FILES)
