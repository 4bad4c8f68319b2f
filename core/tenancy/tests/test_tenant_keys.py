"""The tenant keys survive later migrations: the post-migrate step puts back what one changed,
and the system check stops a model from asking for a key the schema cannot have."""

import pytest
from django.db import connections, models
from django.test.utils import isolate_apps

from tenancy import colocation
from tenancy.checks import check_tenant_foreign_keys, foreign_key_errors
from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, Tenant, TenantOwned
from tenancy.security import apply_tenant_security

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def _run(*statements: str) -> None:
    with connections["owner"].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _constraints() -> list[tuple[str, str, str]]:
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        return list(cursor.fetchall())


def _definition(table: str, name: str) -> str:
    return {(t, n): d for t, n, d in _constraints()}[(table, name)]


def test_the_project_s_models_pass_the_check():
    assert check_tenant_foreign_keys() == []


@isolate_apps("tenancy")
def test_the_check_refuses_plain_keys_between_tenant_models_and_any_key_from_a_global_one():
    class RogueNote(TenantOwned):
        member = models.ForeignKey(Membership, on_delete=models.CASCADE, db_constraint=False)

    class RogueGlobal(models.Model):  # noqa: DJ008
        member = TenantForeignKey(Membership, on_delete=models.CASCADE)
        tenant = TenantForeignKey(Tenant, on_delete=models.CASCADE)

    class FineNote(TenantOwned):
        member = TenantForeignKey(Membership, on_delete=models.CASCADE)

    errors = foreign_key_errors([RogueNote, RogueGlobal, FineNote])
    assert sorted((e.id, e.obj.model.__name__, e.obj.name) for e in errors) == [
        ("tenancy.E001", "RogueGlobal", "member"),
        ("tenancy.E002", "RogueNote", "member"),
        ("tenancy.E003", "RogueGlobal", "tenant"),
    ]


def test_migrate_puts_back_keys_that_a_later_migration_changed():
    """Given what Django would leave after altering tickets_customstatus' primary key (a key on
    id alone and its single-column foreign key from tickets, the composite one gone) and a
    composite key that lost its ON DELETE CASCADE; when the post-migrate step runs; then every
    key is as before, and a second run changes nothing."""
    before = _constraints()
    _run(
        "ALTER TABLE tickets_ticket DROP CONSTRAINT tickets_ticket_custom_status_id_tenant_fk",
        "ALTER TABLE tickets_customstatus DROP CONSTRAINT tickets_customstatus_pkey",
        "ALTER TABLE tickets_customstatus ADD CONSTRAINT tickets_customstatus_pkey PRIMARY KEY (id)",
        "ALTER TABLE tickets_ticket ADD CONSTRAINT tickets_ticket_custom_status_id_2bbe1537_fk_tickets_c "
        "FOREIGN KEY (custom_status_id) REFERENCES tickets_customstatus (id) DEFERRABLE INITIALLY DEFERRED",
        "ALTER TABLE tickets_message DROP CONSTRAINT tickets_message_ticket_id_tenant_fk",
        "ALTER TABLE tickets_message ADD CONSTRAINT tickets_message_ticket_id_tenant_fk "
        "FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets_ticket (tenant_id, id) "
        "DEFERRABLE INITIALLY DEFERRED",
    )
    assert {o.name for o in colocation.violations()} == {
        "tickets_customstatus_pkey",
        "tickets_ticket_custom_status_id_2bbe1537_fk_tickets_c",
    }

    apply_tenant_security("owner")

    assert colocation.violations() == []
    assert _constraints() == before
    assert _definition("tickets_message", "tickets_message_ticket_id_tenant_fk").endswith(
        "REFERENCES tickets_ticket(tenant_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )
    apply_tenant_security("owner")
    assert _constraints() == before
