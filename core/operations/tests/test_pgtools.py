"""Choosing pg_dump/pg_restore for a server: the operator's directory, the server's own version, a clear error."""

import pytest

from operations.errors import OperationError
from operations.pgtools import PG_BIN_ENV, _embedded_bin, find_tool, libpq_env, restore_script_filter


def test_the_servers_own_major_version_is_preferred(monkeypatch):
    monkeypatch.delenv(PG_BIN_ENV, raising=False)
    assert find_tool("pg_dump", min_major=18, server_major=18).major == 18
    newest = find_tool("pg_dump", min_major=10, server_major=10)  # no 10 here: the first newer one
    assert newest.major > 10


def test_an_explicit_directory_is_used_or_refused_never_passed_over(monkeypatch, tmp_path):
    monkeypatch.setenv(PG_BIN_ENV, str(_embedded_bin()))
    assert find_tool("pg_restore", min_major=15, server_major=15).major == 18
    monkeypatch.setenv(PG_BIN_ENV, str(tmp_path))
    with pytest.raises(
        OperationError, match=rf"No pg_dump of PostgreSQL 15 or newer .*{PG_BIN_ENV}={tmp_path}: no pg_dump"
    ):
        find_tool("pg_dump", min_major=15, server_major=15)


def test_no_fitting_tool_is_one_clear_error(monkeypatch):
    monkeypatch.delenv(PG_BIN_ENV, raising=False)
    with pytest.raises(OperationError, match=r"No pg_dump of PostgreSQL 99 or newer found \(.*pg_dump 18"):
        find_tool("pg_dump", min_major=99, server_major=99)


def test_the_password_travels_in_the_environment():
    env = libpq_env({"host": "db", "password": "s3cret", "dbname": "x"}, options="-c app.cross_tenant=on")
    assert env["PGPASSWORD"] == "s3cret" and env["PGHOST"] == "db"
    assert env["PGOPTIONS"].endswith("-c app.cross_tenant=on")


def test_only_an_older_server_loses_the_transaction_timeout_line():
    assert restore_script_filter(15, 18) == {b"SET transaction_timeout = 0;\n"}
    assert restore_script_filter(17, 18) == set()
    assert restore_script_filter(15, 15) == set()
