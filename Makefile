# `make run` and `make test` both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast check validate bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "revise needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/revise

# The whole suite, TUI and slow tests included.
# The whole suite, on every core (the UI tests spend most of their time waiting for the screen).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

# Everything but the TUI and slow tests, on every core: what a contributor runs after each edit.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not tui and not slow" -n auto

# Lint, formatting, types and the import contracts (core never imports Textual, layers, independent screens).
check: $(STAMP)
	$(BIN)/ruff format --check revise tests benchmarks
	$(BIN)/ruff check revise tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

validate: $(STAMP)
	$(BIN)/revise validate --strict

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
