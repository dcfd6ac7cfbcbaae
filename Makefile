# The two commands a new user needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app qa_app

.PHONY: run test bench lint format install frontend db clean

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

# bench.offline drives the built offline form, so the front end is built first. wrk is
# installed by bench.run with apt-get when missing and run as root, else a Python load
# generator stands in. BENCH_DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL too.
bench: $(VENV)/.dev-installed frontend ## Measure the register and saving a visit (see bench/README.md)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.offline

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
