"""Django admin: a tenant's admin sees only their tenant; operators see all, via the platform host."""

import pytest
from django.test import Client

from tenancy.context import tenant_context
from tenancy.models import PlatformAuditEvent
from tenancy.services import team_create
from testing.factories import make_user, session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(two_tenants):
    with tenant_context(two_tenants.a.tenant.id):
        team_create(tenant=two_tenants.a.tenant, name="Acme Support Squad")
    with tenant_context(two_tenants.b.tenant.id):
        team_create(tenant=two_tenants.b.tenant, name="Globex Support Squad")
    return two_tenants


def test_tenant_admin_sees_only_their_tenant(teams):
    client = session_client(teams.a.admin)
    page = client.get("/admin/tenancy/team/")
    assert page.status_code == 200
    assert b"Acme Support Squad" in page.content
    assert b"Globex Support Squad" not in page.content
    members = client.get("/admin/tenancy/membership/")
    assert b"owner@acme.test" in members.content and b"globex" not in members.content
    # Global tables stay with the operators.
    assert client.get("/admin/tenancy/tenant/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_agents_and_customers_do_not_get_into_admin(teams):
    for member in (teams.a.agent, teams.a.customer):
        response = session_client(member).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_operator_on_platform_host_sees_every_tenant_and_is_audited(teams, client):
    operator = make_user("ops@frontline.test", is_staff=True, is_superuser=True)
    client.force_login(operator)
    page = client.get("/admin/tenancy/team/", HTTP_HOST="localhost")
    assert page.status_code == 200
    assert b"Acme Support Squad" in page.content and b"Globex Support Squad" in page.content
    assert PlatformAuditEvent.objects.filter(actor=operator, action="platform.cross_tenant").exists()


def test_admin_login_page_works_on_a_tenant_host(teams, client):
    assert client.get("/admin/login/", HTTP_HOST="acme.localhost").status_code == 200


def _admin_login(client, host: str, email: str):
    return client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": "pw-Admin-2026!"}, HTTP_HOST=host
    )


def test_a_tenant_admin_signs_in_through_the_admin_login_form(teams, client):
    teams.a.admin.user.set_password("pw-Admin-2026!")
    teams.a.admin.user.save()
    response = _admin_login(client, "acme.localhost", teams.a.admin.user.email)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", HTTP_HOST="acme.localhost").status_code == 200


def test_the_admin_login_form_refuses_agents_and_other_tenants_admins(teams):
    for member, host in ((teams.a.agent, "acme.localhost"), (teams.b.admin, "acme.localhost")):
        member.user.set_password("pw-Admin-2026!")
        member.user.save()
        client = Client()
        response = _admin_login(client, host, member.user.email)
        assert response.status_code == 200  # the form again, with its error
        assert client.get("/admin/", HTTP_HOST=host).status_code == 302
