# The Bike Shop workbook: two commands do everything.
#   make book   set up (once) and build the HTML book with every notebook executed
#   make test   set up (once) and run every check
# Set-up steps leave stamp files, so a second run reinstalls nothing unless a lock changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
BOOK_HTML := _build/html
JB_FLAGS := --warningiserror --nitpick --keep-going
PYTEST := $(BIN)/python -m pytest

.PHONY: help setup book test lint unit notebooks browser live lab mlflow bench clean

help:  ## list the commands
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

# ---------------------------------------------------------------- set-up

$(STAMPS)/python: requirements.lock pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The published pages load these files from the book itself, never from a CDN.
# They live in _vendor/ (named in html_static_path), not _static/, because Jupyter Book
# would inject every .js under _static/ into every page.
$(STAMPS)/vendor: $(STAMPS)/node scripts/vendor_js.py
	$(BIN)/python scripts/vendor_js.py node_modules _vendor
	@touch $@

setup: $(STAMPS)/python $(STAMPS)/vendor  ## create .venv, install pinned packages and vendored JS

# ---------------------------------------------------------------- the book

book: setup  ## build the book (notebooks executed, zero warnings allowed)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo
	@echo "The book is at $(CURDIR)/$(BOOK_HTML)/index.html"

# ---------------------------------------------------------------- checks

lint: setup  ## ruff on the package, tests, scripts and notebooks
	$(BIN)/ruff check src tests benchmarks scripts notebooks
	$(BIN)/ruff format --check src tests benchmarks scripts

unit: setup  ## unit tests, doctests, data and repository tests
	$(PYTEST) -m "not browser and not live" tests/code tests/data tests/repo tests/model src

notebooks: setup  ## run every workbook notebook with nbval
	$(PYTEST) --nbval-lax -p no:cacheprovider notebooks

browser: setup  ## browser tests against the built book (run `make book` first)
	$(PYTEST) tests/browser

live: setup  ## a live kernel test: a Voila server on localhost
	$(PYTEST) tests/live

# Browser and live tests run in separate processes: each drives its own Playwright
# session, and Playwright's sync API cannot nest two in one process.
test: lint unit notebooks book browser live  ## every check: lint, unit, data, notebooks, book, browser, live

# ---------------------------------------------------------------- for readers

lab: setup  ## open JupyterLab on the notebooks (widgets work; root allowed)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.allow_root=True --ServerApp.ip=127.0.0.1

# The course depends on mlflow-skinny, which has no web UI. For readers who want to browse
# their runs, the full mlflow package of the same version is installed on first use.
MLFLOW_VERSION = $(shell sed -n 's/^mlflow-skinny==//p' requirements.lock)

mlflow: setup  ## browse tracked runs in the MLflow UI on localhost (installs the UI once)
	@$(BIN)/python -c "import importlib.util as u, pathlib, sys; \
		p = pathlib.Path(u.find_spec('mlflow').origin).parent / 'server' / 'js' / 'build'; \
		sys.exit(0 if p.is_dir() else 1)" \
		|| $(BIN)/python -m pip install --quiet "mlflow==$(MLFLOW_VERSION)"
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlruns.db \
		--default-artifact-root $(CURDIR)/mlartifacts --host 127.0.0.1 --port 5000

bench: setup  ## measure speed: book build, explorers, generator, planning, features, models
	@for script in benchmarks/bench_*.py; do \
		echo; echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:  ## remove the build, the environment and every stamp
	rm -rf _build $(VENV) node_modules _vendor $(STAMPS) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
