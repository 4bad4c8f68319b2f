# Frontline: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
STACK := $(PY) scripts/devstack.py exec --
MANAGE := $(PY) core/manage.py

.PHONY: run test lint format lock install stack-down docs help

help:
	@echo "make run    install what is missing, start every service with demo data"
	@echo "make test   install what is missing, run every test"
	@echo "make lint   ruff, ruff format --check, mypy"
	@echo "make docs   regenerate docs/architecture from the models and the database"

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Frontline needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	@$(STACK) $(PY) scripts/run.py

test: install
	@FRONTLINE_ENV=test $(STACK) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	@# mypy's Django plugin imports the settings; no database is contacted.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=postgres://lint@127.0.0.1/lint FRONTLINE_ENV=test $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock:
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock

docs: install
	@$(STACK) sh -c '$(MANAGE) migrate --database owner --no-input -v 0 && $(MANAGE) generate_docs'

stack-down: install
	$(PY) scripts/devstack.py down
