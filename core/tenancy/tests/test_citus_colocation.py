"""Citus cannot run here, so the catalog is checked against its co-location rules instead: every
key of a tenant table holds tenant_id, every foreign key between tenant tables links tenant_id
to tenant_id, and no global table points into a tenant table."""

import pytest
from django.db import connections

from tenancy import colocation
from tenancy.security import tenant_models

pytestmark = pytest.mark.django_db(databases=["default", "owner"])

# Global tables that tenant tables reference: in Citus they become reference tables (copied
# to every node). A new one is a decision (it is copied and written on every node), so it
# is listed here.
REFERENCE_TABLES = ["accounts_user", "tenancy_tenant"]


def _listing(offences: list[colocation.Offence]) -> str:
    return "\n".join(str(o) for o in offences)


def test_every_model_table_is_seen_as_a_tenant_table():
    assert {m._meta.db_table for m in tenant_models()} <= set(colocation.tenant_tables())


def test_every_key_of_a_tenant_table_contains_tenant_id():
    offences = colocation.keys_without_tenant()
    assert offences == [], f"keys a shard cannot enforce alone:\n{_listing(offences)}"


def test_every_primary_key_of_a_tenant_table_is_tenant_id_then_id():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'p' AND c.conrelid::regclass::text = ANY (%s)",
            [colocation.tenant_tables()],
        )
        keys = dict(cursor.fetchall())
    assert {t: d for t, d in keys.items() if d != "PRIMARY KEY (tenant_id, id)"} == {}
    assert set(keys) == set(colocation.tenant_tables())


def test_every_foreign_key_between_tenant_tables_links_tenant_id():
    offences = colocation.foreign_keys_without_tenant()
    assert offences == [], f"foreign keys Citus cannot co-locate:\n{_listing(offences)}"


def test_no_global_table_references_a_tenant_table():
    offences = colocation.global_foreign_keys_into_tenant_tables()
    assert offences == [], f"reference tables pointing into distributed ones:\n{_listing(offences)}"


def test_the_referenced_global_tables_are_the_known_reference_tables():
    assert colocation.reference_tables() == REFERENCE_TABLES


def test_the_checks_find_a_table_that_breaks_every_rule():
    """Given a tenant table keyed by id alone, with a unique email and single-column foreign
    keys, and a global table pointing at it (all rolled back with the test's transaction)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "CREATE TABLE rogue_tenant (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, email text, "
            "ticket_id bigint, CONSTRAINT rogue_email UNIQUE (email), "
            "CONSTRAINT rogue_ticket FOREIGN KEY (tenant_id, ticket_id) "
            "REFERENCES tickets_ticket (tenant_id, id))"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX rogue_lower_email ON rogue_tenant (lower(email)) INCLUDE (tenant_id)"
        )
        cursor.execute(
            "CREATE TABLE rogue_global (id bigint PRIMARY KEY, rogue_id bigint REFERENCES rogue_tenant)"
        )
        cursor.execute(
            "ALTER TABLE rogue_tenant ADD CONSTRAINT rogue_self FOREIGN KEY (ticket_id) REFERENCES rogue_tenant"
        )
    keys = {(o.table, o.kind, o.name) for o in colocation.keys_without_tenant()}
    fks = {(o.table, o.name) for o in colocation.foreign_keys_without_tenant()}
    into = {(o.table, o.name) for o in colocation.global_foreign_keys_into_tenant_tables()}
    assert keys >= {
        ("rogue_tenant", "primary key", "rogue_tenant_pkey"),
        ("rogue_tenant", "unique", "rogue_email"),
        ("rogue_tenant", "unique index", "rogue_lower_email"),  # tenant_id only INCLUDEd
    }
    assert ("rogue_tenant", "rogue_self") in fks
    assert ("rogue_tenant", "rogue_ticket") not in fks  # the composite key is fine
    assert into == {("rogue_global", "rogue_global_rogue_id_fkey")}
    assert "rogue_global" not in colocation.reference_tables()
