"""Desk settings for owners and admins: branding, customer sign-up, time zone; audited, per tenant."""

import json

import pytest

from accounts.models import AuditEvent
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Tenant
from testing.factories import session_client, token_client

pytestmark = pytest.mark.django_db
PATH = "/api/v1/tenant/settings"


def _patch(client, body: dict, **extra):
    return client.patch(PATH, json.dumps(body), content_type="application/json", **extra)


def test_admin_changes_branding_and_signup_and_the_public_endpoint_shows_it(two_tenants):
    admin = session_client(two_tenants.a.admin)
    response = _patch(
        admin,
        {
            "name": "Acme Support",
            "branding": {"portal_title": "Acme Help", "primary_color": "#1f6feb"},
            "allow_signup": True,
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Acme Support"
    assert body["branding"]["portal_title"] == "Acme Help"
    assert body["allow_signup"] is True
    assert body["timezone"] == "Europe/Berlin"

    public = session_client(two_tenants.a.customer).get("/api/v1/tenant").json()
    assert public["name"] == "Acme Support"
    assert public["branding"] == {"portal_title": "Acme Help", "primary_color": "#1f6feb"}
    assert public["signup_allowed"] is True
    # the other tenant is untouched
    other = Tenant.objects.get(id=two_tenants.b.tenant.id)
    assert other.name != "Acme Support" and "branding" not in (other.settings or {})


def test_a_patch_changes_only_what_it_names(two_tenants):
    admin = session_client(two_tenants.a.owner)
    _patch(admin, {"branding": {"portal_title": "One", "accent_color": "#00aa00"}})
    _patch(admin, {"branding": {"portal_title": "Two"}})
    branding = admin.get(PATH).json()["branding"]
    assert branding["portal_title"] == "Two" and branding["accent_color"] == "#00aa00"
    cleared = _patch(admin, {"branding": {"accent_color": ""}}).json()["branding"]
    assert cleared["accent_color"] == "" and cleared["portal_title"] == "Two"


def test_each_change_is_audited_with_the_fields_it_touched(two_tenants):
    _patch(session_client(two_tenants.a.admin), {"allow_signup": True, "timezone": "UTC"})
    with tenant_context(two_tenants.a.tenant.id):
        row = AuditEvent.objects.get(action=AuditAction.TENANT_SETTINGS_CHANGED)
    assert row.actor_id == two_tenants.a.admin.user_id
    assert row.detail == {"changed": ["portal.allow_signup", "timezone"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"branding": {"logo_url": "javascript:alert(1)"}}, "branding.logo_url"),
        ({"branding": {"logo_url": "http://plain.example/logo.png"}}, "branding.logo_url"),
        ({"branding": {"primary_color": "red;}"}}, "branding.primary_color"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_values_answer_422_naming_the_field_and_change_nothing(two_tenants, body, field):
    admin = session_client(two_tenants.a.admin)
    before = Tenant.objects.get(id=two_tenants.a.tenant.id)
    response = _patch(admin, body)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    after = Tenant.objects.get(id=two_tenants.a.tenant.id)
    assert (after.name, after.settings) == (before.name, before.settings)


def test_agents_and_customers_are_refused(two_tenants):
    for member in (two_tenants.a.agent, two_tenants.a.customer):
        client = session_client(member)
        assert client.get(PATH).status_code == 403
        assert _patch(client, {"name": "Hijacked"}).status_code == 403
    assert Tenant.objects.get(id=two_tenants.a.tenant.id).name != "Hijacked"


def test_a_token_of_one_tenant_cannot_change_another(two_tenants):
    client, _ = token_client(two_tenants.a.admin, host_tenant=two_tenants.b.tenant)
    assert _patch(client, {"name": "Hijacked"}).status_code in (401, 403, 404)
    assert Tenant.objects.get(id=two_tenants.b.tenant.id).name != "Hijacked"


def test_tenant_id_in_the_body_is_ignored(two_tenants):
    admin = session_client(two_tenants.a.admin)
    response = _patch(admin, {"name": "Still Acme", "tenant_id": two_tenants.b.tenant.id, "slug": "globex"})
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert Tenant.objects.get(id=two_tenants.b.tenant.id).name != "Still Acme"
