# ddgov — the two commands a new user needs are `make run` and `make test`.
# Everything else (virtual environment, locked dependencies, database, demo data) they set up.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
TOOLS := var/tools
UV ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 1
WORKERS ?= 3
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run serve test test-fast lint format typecheck messages bench smoke clean

help:
	@echo "make run    set up and serve ddgov with demo data at http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite (unit, integration, browser)"
	@echo "make lint   ruff (lint + format check) and mypy on services/selectors"
	@echo "make bench  benchmarks under bench/ (not part of the test suite)"

# uv from PyPI into a private tools venv when the machine has none.
$(TOOLS)/bin/uv:
	@mkdir -p var
	@$(PYTHON) -m venv $(TOOLS) || { echo "cannot create a virtual environment: apt-get install python3-venv"; exit 1; }
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$(PYTHON)"
	@touch $@

run: $(VENV)/.synced
	$(BIN)/ddgov migrate --noinput
	$(BIN)/ddgov demo seed --scale $(SCALE) --if-empty
	$(BIN)/ddgov collectstatic --noinput --verbosity 0
	@echo
	@echo "ddgov is serving at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@$(BIN)/ddgov worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/uvicorn ddgov.asgi:application --host $(HOST) --port $(PORT) --workers $(WORKERS) \
	    --timeout-graceful-shutdown 5 --no-server-header

test: $(VENV)/.synced
	@scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.synced
	$(BIN)/pytest -m "not browser" -x $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(VENV)/.synced
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

messages: $(VENV)/.synced
	cd src/ddgov && ../../$(BIN)/ddgov makemessages --locale th --locale en --no-obsolete --ignore 'tests/*'
	cd src/ddgov && ../../$(BIN)/ddgov compilemessages

bench: $(VENV)/.synced
	$(BIN)/python -m bench $(BENCH)

smoke: $(VENV)/.synced
	scripts/smoke

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache .mypy_cache
