#!/bin/sh
# The API suite's two-tenant tests (pytest -m tenant_isolation, see conftest.py) with the app
# role talking to PostgreSQL through a real PgBouncer in transaction mode
# (core/testing/pgbouncer.py). Needs /usr/sbin/pgbouncer and DATABASE_URL/REDIS_URL as for
# `make test`. Arguments (paths, options) replace the default `core`.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- core
FRONTLINE_ENV=test FRONTLINE_TEST_PGBOUNCER=1 exec .venv/bin/pytest -m tenant_isolation "$@"
