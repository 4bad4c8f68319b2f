"""FRONTLINE_DB_PGBOUNCER: the app role's settings behind PgBouncer in transaction mode."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings

OWNER = "postgres://owner:pw@db.internal:5432/frontline"
APP = "postgres://frontline_app:pw@pgbouncer.internal:6432/frontline"


def _settings(tmp_path: Path, pgbouncer: str, prepare: bool = True) -> dict:
    return database_settings(
        owner_url=OWNER, app_url=APP, data_dir=tmp_path, pool=True, prepare=prepare, pgbouncer=pgbouncer
    )


def test_direct_by_default_prepared_statements_and_server_cursors_on(tmp_path):
    app = _settings(tmp_path, "")["default"]
    assert app["OPTIONS"]["prepare_threshold"] == 0
    assert not app.get("DISABLE_SERVER_SIDE_CURSORS")


@pytest.mark.parametrize("value", ["1", "transaction", "TRUE", " on "])
def test_transaction_mode_turns_off_prepared_statements_and_server_cursors(tmp_path, value):
    databases = _settings(tmp_path, value)
    app, owner = databases["default"], databases["owner"]
    assert app["OPTIONS"]["prepare_threshold"] is None
    assert app["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert (app["HOST"], app["PORT"]) == ("pgbouncer.internal", 6432)
    # Migrations keep reaching PostgreSQL directly, with nothing turned off.
    assert (owner["HOST"], bool(owner.get("DISABLE_SERVER_SIDE_CURSORS"))) == ("db.internal", False)


def test_prepared_mode_keeps_prepared_statements_unless_turned_off(tmp_path):
    app = _settings(tmp_path, "prepared")["default"]
    assert (app["OPTIONS"]["prepare_threshold"], app["DISABLE_SERVER_SIDE_CURSORS"]) == (0, True)
    assert _settings(tmp_path, "prepared", prepare=False)["default"]["OPTIONS"]["prepare_threshold"] is None


def test_an_unknown_value_is_refused_with_the_choices(tmp_path):
    with pytest.raises(
        ImproperlyConfigured, match=r"FRONTLINE_DB_PGBOUNCER='session' is not one of: 0 .*prepared"
    ):
        _settings(tmp_path, "session")
