"""Personal API tokens: shown once, stored hashed, tenant-bound, revocable, last use recorded."""

import hashlib
import json

import pytest
from django.test import Client

from accounts.models import ApiToken, AuditEvent
from tenancy.context import tenant_context
from testing.factories import session_client, token_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_stored_hashed(two_tenants):
    client = session_client(two_tenants.a.agent)
    created = client.post("/api/v1/tokens", json.dumps({"name": "zapier"}), content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith(f"flt_{two_tenants.a.tenant.id}_")
    with tenant_context(two_tenants.a.tenant.id):
        stored = ApiToken.objects.get(id=created.json()["id"])
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(client.get("/api/v1/tokens").json())


def test_token_authenticates_records_use_and_can_be_revoked(two_tenants):
    client, raw = token_client(two_tenants.a.agent)
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["tenant"] == "acme"
    with tenant_context(two_tenants.a.tenant.id):
        token = ApiToken.objects.get(token_hash=hashlib.sha256(raw.encode()).hexdigest())
        assert token.last_used_at is not None
        assert AuditEvent.objects.filter(action="token.used", detail__token_id=token.id).count() == 1
    revoke = session_client(two_tenants.a.agent).delete(f"/api/v1/tokens/{token.id}")
    assert revoke.status_code == 200 and revoke.json()["revoked_at"]
    assert client.get("/api/v1/auth/me").status_code == 401


def test_token_works_on_platform_host_for_its_own_tenant(two_tenants):
    client, _ = token_client(two_tenants.a.agent, host_tenant=None)
    assert client.get("/api/v1/auth/me").json()["tenant"] == "acme"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer flt_1_short", "Bearer flt_999999_" + "x" * 43])
def test_bad_tokens_get_401(two_tenants, header):
    response = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=header).get("/api/v1/auth/me")
    assert response.status_code in (401, 404)
    assert response.status_code == 401 or header.startswith("Bearer flt_999999")


def test_token_revoke_is_tenant_isolated(two_tenants):
    with tenant_context(two_tenants.a.tenant.id):
        from accounts.services.users import api_token_create

        token, _ = api_token_create(tenant=two_tenants.a.tenant, membership=two_tenants.a.owner, name="a")
    assert_other_tenant_gets_404(two_tenants, "delete", f"/api/v1/tokens/{token.id}")


def test_token_list_is_per_member(two_tenants):
    token_client(two_tenants.a.owner)
    listing = session_client(two_tenants.a.agent).get("/api/v1/tokens").json()
    assert listing == []


def test_audit_log_endpoint_for_admins_only(two_tenants):
    token_client(two_tenants.a.agent)[0].get("/api/v1/auth/me")
    admin = session_client(two_tenants.a.admin).get("/api/v1/audit-events")
    assert admin.status_code == 200
    assert {"token.created", "token.used"} <= {e["action"] for e in admin.json()}
    assert session_client(two_tenants.a.agent).get("/api/v1/audit-events").status_code == 403
    # B's admin sees none of A's events.
    assert all(
        e["actor_id"] != two_tenants.a.agent.user_id
        for e in session_client(two_tenants.b.admin).get("/api/v1/audit-events").json()
    )


def test_token_use_is_audited_once_per_token_per_minute(two_tenants, settings):
    import datetime as dt

    import time_machine

    client, raw = token_client(two_tenants.a.agent)
    digest = hashlib.sha256(raw.encode()).hexdigest()

    def used_events() -> int:
        with tenant_context(two_tenants.a.tenant.id):
            token = ApiToken.objects.get(token_hash=digest)
            return AuditEvent.objects.filter(action="token.used", detail__token_id=token.id).count()

    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            assert client.get("/api/v1/auth/me").status_code == 200
        assert used_events() == 1
    with time_machine.travel(start + dt.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS + 1), tick=False):
        assert client.get("/api/v1/auth/me").status_code == 200
        assert client.get("/api/v1/auth/me").status_code == 200
        assert used_events() == 2


def test_token_request_costs_few_queries(two_tenants, django_assert_max_num_queries):
    client, _ = token_client(two_tenants.a.agent)
    client.get("/api/v1/auth/me")  # this minute's use is recorded; the next requests only read
    # One query finds token + membership + user + tenant; no tenant lookup, no audit row. Inside
    # the test's transaction the tenant context is nested, so it also counts its savepoint, its
    # release and reading/restoring the setting (a real request: BEGIN, set_config, lookup).
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/auth/me").status_code == 200
