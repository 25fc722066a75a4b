# Everything a fresh machine needs: Python 3.11 and make. The venv is built here, on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Our own modules' bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (containers, CI,
# this sandbox) Python never caches it and recompiles ~60 modules on every command (~0.1 s of a
# `sync`). Up-to-date files are skipped, so it is cheap to repeat after every pull.
BYTECODE := $(BIN)/python -m compileall -q bot tools

.PHONY: demo test lint format typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BYTECODE)
	touch $(STAMP)

demo: $(STAMP)
	@$(BYTECODE)
	$(BIN)/claude-usage demo

lint: $(STAMP)
	$(BIN)/ruff check bot tools tests bench
	$(BIN)/ruff format --check bot tools tests bench

format: $(STAMP)
	$(BIN)/ruff format bot tools tests bench
	$(BIN)/ruff check --fix bot tools tests bench

typecheck: $(STAMP)
	$(BIN)/mypy bot tools tests

test: lint typecheck
	$(BIN)/pytest -q

bench: $(STAMP)
	@$(BYTECODE)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/sync_users.py
	$(BIN)/python bench/full_sync.py --quick
	$(BIN)/python bench/client.py
	@if [ -f bench/store.py ]; then $(BIN)/python bench/store.py; fi
	@if [ -f bench/slack_ack.py ]; then $(BIN)/python bench/slack_ack.py; fi
	$(BIN)/python bench/ask.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
