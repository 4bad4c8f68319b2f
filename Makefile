# Frontline: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
STACK := $(PY) scripts/devstack.py exec --
MANAGE := $(PY) core/manage.py
MKDOCS := $(VENV)/bin/mkdocs
# The portal (React + TypeScript): npm deps from the committed lock, a production build
# that core serves, and Debian's Chromium for the browser tests.
PORTAL_INSTALLED := portal/node_modules/.package-lock.json
PORTAL_BUILD := portal/dist/index.html
PORTAL_SOURCES := $(shell find portal/src -type f 2>/dev/null) portal/index.html portal/vite.config.ts \
	portal/tsconfig.json portal/package-lock.json
CHROMIUM := /usr/bin/chromium
# Real engines the tests put in front of / beside the app (Debian packages, like Chromium).
ENGINE_PACKAGES := nginx pgbouncer
# What bandit reads: the code that ships (tests, helpers, migrations, bench excluded in pyproject.toml).
BANDIT_PATHS := core ai realtime contracts scripts
# mypy/export only import the settings; no database is contacted.
NO_DB_ENV := DATABASE_URL=postgres://lint@127.0.0.1/lint FRONTLINE_ENV=test

.PHONY: run serve migrate test lint format lock install stack-down docs help messages portal-install portal-build portal-api \
	chromium engines

help:
	@echo "make run    install what is missing, start every service with demo data"
	@echo "make test   install what is missing, run every test"
	@echo "make serve  the production process set (gunicorn, gateways, ai, a worker per queue, beat, smtp)"
	@echo "make migrate   apply migrations once (refuses while another migrate runs)"
	@echo "make lint   ruff, ruff format --check, mypy, import layers, the docs' links, bandit, pip-audit of the lock, ESLint, tsc --noEmit, API types staleness"
	@echo "make docs   regenerate docs/architecture from the models and the database, build the site into site/"
	@echo "make portal-api   regenerate portal/openapi.json and the portal's TypeScript API types"

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Frontline needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@# Bytecode at install time: with PYTHONDONTWRITEBYTECODE set (as on CI) every process
	@# would otherwise compile each module it imports, every time it starts.
	$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	@touch $@

install: $(VENV)/.installed

$(PORTAL_INSTALLED): portal/package-lock.json
	@command -v npm >/dev/null || { echo "The portal needs Node.js 20+ with npm (https://nodejs.org)."; exit 1; }
	cd portal && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

portal-install: $(PORTAL_INSTALLED)

# The mails' translations: .po -> .mo with Babel (pure Python, no GNU gettext needed). The .mo
# files are committed too, so a checkout works without this; the i18n test says when to run it.
messages: install
	$(VENV)/bin/pybabel compile -d core/locale -D django

$(PORTAL_BUILD): $(PORTAL_INSTALLED) $(PORTAL_SOURCES)
	cd portal && npx vite build --logLevel warn

portal-build: $(PORTAL_BUILD)

# Run after changing an API schema; commit both files (make lint fails while they are stale).
portal-api: install portal-install
	$(NO_DB_ENV) $(PY) core/manage.py export_openapi portal/openapi.json
	cd portal && npm run --silent api:types

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's chromium for the browser tests (once) ..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Debian's Chromium at $(CHROMIUM): run 'sudo apt-get install -y chromium'."; \
			exit 1; \
		fi; \
	fi

engines:
	@missing=""; for pkg in $(ENGINE_PACKAGES); do test -x /usr/sbin/$$pkg || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's$$missing for the tests (once) ..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "The tests run real$$missing: run 'sudo apt-get install -y$$missing'."; \
			exit 1; \
		fi; \
	fi

run: install portal-build
	@$(STACK) $(PY) scripts/run.py

# Production: FRONTLINE_SECRET_KEY and FRONTLINE_AI_TOKEN (or their _FILE) must be set;
# DATABASE_URL/REDIS_URL name your servers (unset: embedded ones, for a trial).
serve: install portal-build
	@$(STACK) sh -c '$(PY) scripts/serve.py migrate --wait 30 && exec $(PY) scripts/serve.py all'

migrate: install
	@$(STACK) $(PY) scripts/serve.py migrate

test: install portal-build chromium engines
	cd portal && npx vitest run
	@# Then the API suite's two-tenant tests again, the app role through a real PgBouncer in
	@# transaction mode (scripts/test_pgbouncer.sh), on the same servers.
	@FRONTLINE_ENV=test $(STACK) sh -c '$(VENV)/bin/pytest $(PYTEST_ARGS) && scripts/test_pgbouncer.sh'

lint: install portal-install
	@# mypy's Django plugin imports the settings; no database is contacted.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(NO_DB_ENV) $(VENV)/bin/mypy
	@# The import layers and "no circles inside an app" (pyproject.toml [tool.importlinter]).
	PYTHONPATH=core:. $(VENV)/bin/lint-imports --no-cache
	@# README.md at most 250 lines; every link in it and in docs/ leads to a file in the repository.
	$(PY) scripts/check_docs.py
	@# Security lint of the shipped code ([tool.bandit] in pyproject.toml; bandit warns about each
	@# `# nosec` on a line with several strings: noise, filtered), then the lock's pins against the
	@# advisory database (offline: says NOT AUDITED and goes on; docs/development/security-checks.md).
	@set -o pipefail; $(VENV)/bin/bandit -q -c pyproject.toml -r $(BANDIT_PATHS) 2>&1 | { grep -v 'nosec encountered' || true; }
	$(PY) scripts/audit_lock.py
	cd portal && npx eslint . && npx tsc --noEmit && npm run --silent api:check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock:
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock

# docs/architecture from the models and the database, then the MkDocs site (mkdocs.yml) into
# site/; --strict fails on a broken link or anchor.
docs: install
	@FRONTLINE_ENV=$${FRONTLINE_ENV:-dev} $(STACK) sh -c '$(MANAGE) migrate --database owner --no-input -v 0 && $(MANAGE) generate_docs'
	NO_MKDOCS_2_WARNING=1 $(MKDOCS) build --strict --site-dir site

stack-down: install
	$(PY) scripts/devstack.py down
