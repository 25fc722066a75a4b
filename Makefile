# Everything a fresh machine needs: Python 3.11 and make. The venv is built here, on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Our own modules' bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (containers, CI,
# this sandbox) Python never caches it and recompiles ~60 modules on every command (~0.1 s of a
# `sync`). Up-to-date files are skipped, so it is cheap to repeat after every pull.
BYTECODE := $(BIN)/python -m compileall -q bot tools

.PHONY: demo test lint format typecheck bench clean lock

# Dependencies come from a lock with hashes (requirements/dev.lock: runtime + dev; the image
# installs requirements/app.lock), so every machine gets the same bytes; our own package is
# then installed editable without resolving anything. `make lock` rewrites both locks.
LOCKS := requirements/app.lock requirements/dev.lock
UV := .venv-lock/bin/uv
UV_VERSION := 0.13.10
COMPILE := $(UV) pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command 'make lock'

$(STAMP): pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
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

# Rewrite the locks from pyproject.toml (needs PyPI): after changing a dependency, or to take
# newer releases. uv resolves (fast, and for every platform at once); pip installs.
lock:
	@test -x $(UV) || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv==$(UV_VERSION))
	$(COMPILE) pyproject.toml requirements/build.in -o requirements/app.lock
	$(COMPILE) pyproject.toml requirements/build.in --extra dev -o requirements/dev.lock

clean:
	rm -rf $(VENV) .venv-lock .mypy_cache .pytest_cache .ruff_cache
