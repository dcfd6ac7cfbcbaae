# The two commands a new user needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app qa_app

.PHONY: run test chaos bench lint format install frontend db clean

run: install frontend db ## Set everything up and serve on http://127.0.0.1:5000
	@$(FLASK) seed-demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	@$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs in one process per core (pytest-xdist), then the browser tests in one
# process beside the one Chromium and live servers they share. A run that selects no browser
# tests (PYTEST_ARGS=tests/test_api.py) is not a failure: pytest's exit code 5.
test: $(VENV)/.dev-installed frontend ## Install what the tests need and run the whole suite
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto --dist worksteal -m "not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The sync's seeded chaos test with more seeds than `make test` runs (3): SEEDS=50, and
# STEPS steps each (40); CHAOS_SEED=17 runs one seed alone.
SEEDS ?= 20
STEPS ?= 40
chaos: $(VENV)/.dev-installed frontend ## The tablet's sync under seeded chaos (SEEDS=50 STEPS=40)
	CHAOS_SEEDS=$(SEEDS) CHAOS_STEPS=$(STEPS) $(BIN)/pytest -m browser tests/browser/test_sync_chaos.py $(PYTEST_ARGS)

# bench.offline drives the built offline form, so the front end is built first. wrk is
# installed by bench.run with apt-get when missing and run as root, else a Python load
# generator stands in. BENCH_DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL too,
# and adds bench.concurrent: a morning's saves at once through gunicorn set up as in production.
bench: $(VENV)/.dev-installed frontend ## Measure the register, the list pages, a sign-in, saving a visit and a placement, an import and, on PostgreSQL, the saves under load (see bench/README.md)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.lists
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.offline
	$(BIN)/python -m bench.bundle
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.attendance
	$(BIN)/python -m bench.concurrent

lint: $(VENV)/.dev-installed ## Style, and the import contracts of .importlinter
	$(BIN)/ruff check qa_app tests bench migrations
	$(BIN)/ruff format --check qa_app tests bench
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff format qa_app tests bench
	$(BIN)/ruff check --fix qa_app tests bench

install: $(VENV)/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

frontend: static/vendor/.built

static/vendor/.built: node_modules/.installed static/build.mjs $(wildcard static/css/*.scss)
	npm run --silent build
	touch $@

db: install
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) node_modules static/vendor
