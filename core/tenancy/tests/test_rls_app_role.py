"""As the app role, the database itself keeps tenants apart."""

import pytest
from django.db import DatabaseError, connection, transaction

from tenancy.context import cross_tenant_context, current_tenant_id, tenant_context
from tenancy.models import Membership, Team
from testing.factories import make_member, make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    a, b = make_tenant("rls-a"), make_tenant("rls-b")
    with tenant_context(a.id):
        team_a = Team.objects.create(tenant=a, name="A team")
    with tenant_context(b.id):
        team_b = Team.objects.create(tenant=b, name="B team")
    return a, b, team_a, team_b


def test_no_tenant_context_reads_nothing(teams):
    assert current_tenant_id() is None
    assert Team.objects.count() == 0
    assert Membership.objects.count() == 0


def test_no_tenant_context_cannot_insert(teams):
    a, *_ = teams
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Team.objects.create(tenant=a, name="sneaky")


def test_tenant_a_sees_only_its_rows(teams):
    a, b, team_a, team_b = teams
    with tenant_context(a.id):
        assert list(Team.objects.values_list("name", flat=True)) == ["A team"]
        # Even a query that names tenant B explicitly gets nothing.
        assert Team.objects.filter(tenant=b).count() == 0


def test_tenant_a_cannot_update_or_delete_tenant_b_rows(teams):
    a, b, team_a, team_b = teams
    with tenant_context(a.id):
        assert Team.objects.filter(id=team_b.id).update(name="hijacked") == 0
        assert Team.objects.filter(id=team_b.id).delete()[0] == 0
    with tenant_context(b.id):
        assert Team.objects.get(id=team_b.id).name == "B team"


def test_tenant_a_cannot_insert_tenant_b_rows(teams):
    a, b, *_ = teams
    with tenant_context(a.id), pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Team.objects.create(tenant=b, name="planted")


def test_composite_foreign_key_refuses_cross_tenant_reference(teams):
    """Even the owner-level constraint stops a row pointing into another tenant."""
    a, b, team_a, team_b = teams
    member_b = make_member(b)
    with cross_tenant_context(actor_id=None, reason="test"):
        with pytest.raises(DatabaseError, match="tenant_fk"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO tenancy_teammembership (tenant_id, team_id, membership_id) VALUES (%s, %s, %s)",
                    [a.id, team_a.id, member_b.id],
                )
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_context_is_restored_and_ends_with_the_transaction(teams):
    a, b, *_ = teams
    with tenant_context(a.id):
        with tenant_context(b.id):
            assert current_tenant_id() == b.id
        assert current_tenant_id() == a.id
    assert current_tenant_id() is None


def test_cross_tenant_context_sees_all_and_is_audited(teams):
    from tenancy.models import PlatformAuditEvent

    with cross_tenant_context(actor_id=None, reason="nightly sweep"):
        assert Team.objects.count() == 2
    assert Team.objects.count() == 0
    assert PlatformAuditEvent.objects.filter(
        action="platform.cross_tenant", detail__reason="nightly sweep"
    ).exists()
