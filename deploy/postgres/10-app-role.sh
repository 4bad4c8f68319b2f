#!/bin/sh
# First start of the PostgreSQL container: create the restricted role the app connects as.
# Migrations (the `migrate` role) grant it its table privileges; it owns nothing, is no
# superuser and cannot bypass row-level security.
set -eu
role="${FRONTLINE_APP_ROLE:-frontline_app}"
password="$(cat "${FRONTLINE_APP_PASSWORD_FILE:-/run/secrets/db_app_password}")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_role="$role" -v app_password="$password" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
SQL
