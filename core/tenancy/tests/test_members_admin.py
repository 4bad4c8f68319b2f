"""Admins manage members: invite/create with a role, change role, deactivate, list.
Permission matrix (owner/admin/agent/customer), owner rules, two tenants, and what
deactivation takes away (session, tokens) without touching the user's other tenants."""

from __future__ import annotations

import json

import pytest

from testing.factories import make_member, make_user, session_client, token_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db

ROLES = ("owner", "admin", "agent", "customer")


def _post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def _patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(two_tenants, role):
    world = two_tenants.a
    client = session_client(world.members[role])
    admin_like = role in ("owner", "admin")
    invited = _post(client, "/api/v1/members", {"email": f"new-{role}@example.com", "role": "agent"})
    assert invited.status_code == (201 if admin_like else 403), invited.content
    changed = _patch(client, f"/api/v1/members/{world.customer.id}", {"role": "agent"})
    assert changed.status_code == (200 if admin_like else 403)
    deactivated = _patch(client, f"/api/v1/members/{world.agent.id}", {"active": False})
    if role == "agent":
        assert deactivated.status_code == 403
    listing = client.get("/api/v1/members")
    assert listing.status_code == (403 if role == "customer" else 200)


def test_invite_creates_user_with_role_and_password_then_list_shows_it(two_tenants):
    client = session_client(two_tenants.a.admin)
    response = _post(
        client,
        "/api/v1/members",
        {"email": "Jane@Example.com", "role": "agent", "full_name": "Jane", "password": "a-long-enough-pw"},
    )
    assert response.status_code == 201, response.content
    member = response.json()
    assert (member["email"], member["role"], member["active"]) == ("jane@example.com", "agent", True)
    assert "jane@example.com" in {m["email"] for m in client.get("/api/v1/members").json()}
    again = _post(client, "/api/v1/members", {"email": "jane@example.com", "role": "customer"})
    assert again.status_code == 422 and "already a member" in again.json()["errors"]["email"][0]
    bad = _post(client, "/api/v1/members", {"email": "x@example.com", "role": "wizard"})
    assert bad.status_code == 422


def test_existing_user_of_another_tenant_joins_with_own_role(two_tenants):
    other = two_tenants.b.agent.user
    response = _post(
        session_client(two_tenants.a.admin), "/api/v1/members", {"email": other.email, "role": "customer"}
    )
    assert response.status_code == 201 and response.json()["user_id"] == other.id
    # Their membership in B is untouched.
    assert session_client(two_tenants.b.agent).get("/api/v1/auth/me").status_code == 200


def test_owner_rules(two_tenants):
    world = two_tenants.a
    admin = session_client(world.admin)
    assert _post(admin, "/api/v1/members", {"email": "boss@example.com", "role": "owner"}).status_code == 403
    assert _patch(admin, f"/api/v1/members/{world.agent.id}", {"role": "owner"}).status_code == 403
    assert _patch(admin, f"/api/v1/members/{world.owner.id}", {"active": False}).status_code == 403
    assert _patch(admin, f"/api/v1/members/{world.admin.id}", {"role": "customer"}).status_code == 403  # self
    owner = session_client(world.owner)
    assert _patch(owner, f"/api/v1/members/{world.owner.id}", {"active": False}).status_code == 403  # self
    promoted = _patch(owner, f"/api/v1/members/{world.admin.id}", {"role": "owner"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "owner"
    # Now two owners: one may demote the other, but not the last one.
    assert _patch(owner, f"/api/v1/members/{world.admin.id}", {"role": "admin"}).status_code == 200
    second_owner = make_member(world.tenant, "owner")
    assert (
        _patch(
            session_client(second_owner), f"/api/v1/members/{world.owner.id}", {"active": False}
        ).status_code
        == 200
    )
    last = _patch(owner, f"/api/v1/members/{second_owner.id}", {"role": "agent"})
    assert last.status_code in (401, 403, 404)  # the deactivated owner's session no longer works


def test_deactivated_owner_loses_access_and_can_be_demoted(two_tenants):
    world = two_tenants.a
    second_owner = make_member(world.tenant, "owner")
    client = session_client(second_owner)
    assert _patch(client, f"/api/v1/members/{world.owner.id}", {"active": False}).status_code == 200
    response = _patch(session_client(world.owner), f"/api/v1/members/{second_owner.id}", {"role": "agent"})
    assert response.status_code == 404  # world.owner is deactivated: as if not a member
    demoted = _patch(client, f"/api/v1/members/{world.owner.id}", {"role": "agent"})
    assert demoted.status_code == 200  # a deactivated owner may be demoted: an active one remains
    assert _patch(client, f"/api/v1/members/{second_owner.id}", {"role": "agent"}).status_code == 403  # self


def test_deactivation_ends_sessions_and_tokens_in_this_tenant_only(two_tenants):
    world = two_tenants.a
    user = make_user("both@example.com")
    member_a = make_member(world.tenant, "agent", user=user)
    member_b = make_member(two_tenants.b.tenant, "agent", user=user)
    session, (token, _) = session_client(member_a), token_client(member_a)
    assert (
        session.get("/api/v1/tickets").status_code == 200 and token.get("/api/v1/tickets").status_code == 200
    )
    response = _patch(session_client(world.admin), f"/api/v1/members/{member_a.id}", {"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert session.get("/api/v1/tickets").status_code == 404
    assert token.get("/api/v1/tickets").status_code in (401, 404)
    assert session_client(member_b).get("/api/v1/tickets").status_code == 200  # other tenant unaffected
    listed = {m["id"]: m["active"] for m in session_client(world.admin).get("/api/v1/members").json()}
    assert listed[member_a.id] is False
    back = _patch(session_client(world.admin), f"/api/v1/members/{member_a.id}", {"active": True})
    assert back.json()["active"] is True and token.get("/api/v1/tickets").status_code == 200


def test_member_update_is_tenant_isolated(two_tenants):
    assert_other_tenant_gets_404(
        two_tenants, "patch", f"/api/v1/members/{two_tenants.a.customer.id}", {"role": "agent"}
    )
