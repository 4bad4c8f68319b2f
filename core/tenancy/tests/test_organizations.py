"""Customer organizations: admin-only API, domain rules, customers joining by email domain."""

import json

import pytest

from accounts.services.members import membership_set
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.selectors import membership_get
from tenancy.services import organization_save
from testing.factories import make_user, session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db


def post(client, path, data, method="post"):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


def org(world, **kw):
    kw.setdefault("name", "Initech")
    return organization_save(tenant=world.tenant, **kw)


def test_admin_creates_lists_updates_and_deletes_organizations(two_tenants):
    client = session_client(two_tenants.a.admin)
    created = post(
        client, "/api/v1/organizations", {"name": "Initech", "domains": ["Initech.COM", "@ini.io"]}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["domains"] == ["ini.io", "initech.com"]
    listed = client.get("/api/v1/organizations").json()
    assert [o["name"] for o in listed] == ["Initech"]
    patched = post(client, f"/api/v1/organizations/{body['id']}", {"notes": "VIP"}, method="patch")
    assert patched.status_code == 200 and patched.json()["notes"] == "VIP"
    assert patched.json()["domains"] == ["ini.io", "initech.com"]  # left alone when not given
    assert client.delete(f"/api/v1/organizations/{body['id']}").status_code == 204
    assert client.get("/api/v1/organizations").json() == []
    # the other tenant never saw it
    assert session_client(two_tenants.b.admin).get("/api/v1/organizations").json() == []


def test_agents_and_customers_may_not_manage_organizations(two_tenants):
    for member in (two_tenants.a.agent, two_tenants.a.customer):
        client = session_client(member)
        assert client.get("/api/v1/organizations").status_code == 403
        assert post(client, "/api/v1/organizations", {"name": "X"}).status_code == 403


def test_bad_domains_and_clashes_are_422_with_a_reason(two_tenants):
    client = session_client(two_tenants.a.admin)
    assert post(client, "/api/v1/organizations", {"name": "A", "domains": ["a.com"]}).status_code == 201
    clash = post(client, "/api/v1/organizations", {"name": "B", "domains": ["A.com"]})
    assert clash.status_code == 422 and "a.com already belongs to the organization 'A'" in clash.text
    bad = post(client, "/api/v1/organizations", {"name": "C", "domains": ["not a domain"]})
    assert bad.status_code == 422 and "Not an email domain" in bad.text
    dup = post(client, "/api/v1/organizations", {"name": "A"})
    assert dup.status_code == 422 and "already exists" in dup.text
    # domains are per tenant: the other tenant may list the same one
    other = post(
        session_client(two_tenants.b.admin), "/api/v1/organizations", {"name": "A", "domains": ["a.com"]}
    )
    assert other.status_code == 201


def test_organization_endpoints_are_tenant_isolated(two_tenants):
    with tenant_context(two_tenants.a.tenant.id):
        initech = org(two_tenants.a)
    base = f"/api/v1/organizations/{initech.id}"
    assert_other_tenant_gets_404(two_tenants, "get", base)
    assert_other_tenant_gets_404(two_tenants, "patch", base, data={"notes": "x"})
    member = two_tenants.a.customer
    assert_other_tenant_gets_404(
        two_tenants, "put", f"/api/v1/members/{member.id}/organization", data={"organization_id": initech.id}
    )
    # B's admin cannot attach their own customer to A's organization either
    b_client = session_client(two_tenants.b.admin)
    response = post(
        b_client,
        f"/api/v1/members/{two_tenants.b.customer.id}/organization",
        {"organization_id": initech.id},
        method="put",
    )
    assert response.status_code == 404
    assert_other_tenant_gets_404(two_tenants, "delete", base)


def test_new_customers_join_the_organization_of_their_email_domain(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        initech = org(acme, domains=["initech.com"])
    customer = membership_set(tenant=acme.tenant, user=make_user("Peter@Initech.com"), role=Role.CUSTOMER)
    agent = membership_set(tenant=acme.tenant, user=make_user("bob@initech.com"), role=Role.AGENT)
    stranger = membership_set(tenant=acme.tenant, user=make_user("x@elsewhere.com"), role=Role.CUSTOMER)
    assert customer.organization_id == initech.id
    assert agent.organization_id is None  # staff do not belong to customer organizations
    assert stranger.organization_id is None
    # the same person arriving at the other tenant joins nothing there
    other = membership_set(tenant=two_tenants.b.tenant, user=customer.user, role=Role.CUSTOMER)
    assert other.organization_id is None


def test_adding_a_domain_adopts_existing_customers_and_delete_releases_them(two_tenants):
    acme = two_tenants.a
    customer = membership_set(tenant=acme.tenant, user=make_user("ann@globo.org"), role=Role.CUSTOMER)
    with tenant_context(acme.tenant.id):
        globo = org(acme, name="Globo")
        assert membership_get(tenant=acme.tenant, membership_id=customer.id).organization_id is None
        organization_save(tenant=acme.tenant, organization=globo, domains=["globo.org"])
        assert membership_get(tenant=acme.tenant, membership_id=customer.id).organization_id == globo.id
    client = session_client(acme.admin)
    assert client.get(f"/api/v1/members/{customer.id}").json()["organization_id"] == globo.id
    assert client.delete(f"/api/v1/organizations/{globo.id}").status_code == 204
    assert client.get(f"/api/v1/members/{customer.id}").json()["organization_id"] is None


def test_admin_moves_a_customer_but_not_an_agent(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        initech = org(acme)
    client = session_client(acme.admin)
    path = f"/api/v1/members/{acme.customer.id}/organization"
    moved = post(client, path, {"organization_id": initech.id}, method="put")
    assert moved.status_code == 200 and moved.json()["organization_id"] == initech.id
    refused = post(
        client, f"/api/v1/members/{acme.agent.id}/organization", {"organization_id": initech.id}, "put"
    )
    assert refused.status_code == 422
    cleared = post(client, path, {"organization_id": None}, method="put")
    assert cleared.json()["organization_id"] is None


def test_django_admin_checks_domains_and_stays_in_the_tenant(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        org(acme, name="Initech", domains=["initech.com"])
    with tenant_context(two_tenants.b.tenant.id):
        org(two_tenants.b, name="Globex Corp")
    client = session_client(acme.admin)
    page = client.get("/admin/tenancy/organization/")
    assert page.status_code == 200
    assert b"Initech" in page.content and b"Globex Corp" not in page.content
    clash = client.post(
        "/admin/tenancy/organization/add/", {"name": "Other", "domains": "initech.com", "notes": ""}
    )
    assert clash.status_code == 200 and b"already belongs" in clash.content
    ok = client.post(
        "/admin/tenancy/organization/add/", {"name": "Hooli", "domains": "hooli.xyz", "notes": ""}
    )
    assert ok.status_code == 302
    customer = membership_set(tenant=acme.tenant, user=make_user("g@hooli.xyz"), role=Role.CUSTOMER)
    assert customer.organization is not None and customer.organization.name == "Hooli"
