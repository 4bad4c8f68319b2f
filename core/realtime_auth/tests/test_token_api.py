"""POST /api/v1/realtime/token: signed claims of the caller's own tenant, never another's."""

import time

import pytest
from django.conf import settings
from django.test import Client

from contracts.realtime import TokenError, TokenKind, verify_token
from testing.factories import host_for, session_client, token_client

pytestmark = pytest.mark.django_db
PATH = "/api/v1/realtime/token"


def _claims(response):
    assert response.status_code == 200, response.content
    return verify_token(response.json()["token"], settings.REALTIME_SECRET)


def test_session_token_carries_the_callers_tenant_membership_and_role(two_tenants):
    agent = two_tenants.a.agent
    response = session_client(agent).post(PATH)
    claims = _claims(response)
    assert (claims.tenant_id, claims.membership_id, claims.user_id) == (
        agent.tenant_id,
        agent.id,
        agent.user_id,
    )
    assert claims.role == "agent" and claims.kind == TokenKind.SESSION
    assert "http://acme.localhost" in claims.origins
    # In dev the portal is served by core (make run) or by Vite (npm run dev): both may connect.
    assert f"http://acme.localhost:{settings.WEB_PORT}" in claims.origins
    assert f"http://acme.localhost:{settings.PORTAL_DEV_PORT}" in claims.origins
    assert 0 < claims.exp - time.time() <= settings.REALTIME_TOKEN_TTL_SECONDS
    assert response.json()["url"].startswith("ws://acme.localhost:")


def test_customer_and_api_token_callers_get_their_own_claims(two_tenants):
    customer = two_tenants.b.customer
    assert _claims(session_client(customer).post(PATH)).role == "customer"
    client, _ = token_client(customer)
    claims = _claims(client.post(PATH))
    assert claims.kind == TokenKind.API_TOKEN and claims.tenant_id == two_tenants.b.tenant.id


def test_other_tenants_credentials_on_a_tenant_host_get_404(two_tenants):
    intruder = two_tenants.b.agent
    own = _claims(session_client(intruder).post(PATH))
    assert own.tenant_id == two_tenants.b.tenant.id  # B's member gets B's token on B's host
    cookie_on_a = session_client(intruder).post(PATH, HTTP_HOST=host_for(two_tenants.a.tenant))
    assert cookie_on_a.status_code == 404
    token_on_a, _ = token_client(intruder, host_tenant=two_tenants.a.tenant)
    assert token_on_a.post(PATH).status_code == 404


def test_anonymous_gets_401_and_a_forged_token_does_not_verify(two_tenants):
    assert Client(HTTP_HOST=host_for(two_tenants.a.tenant)).post(PATH).status_code == 401
    token = session_client(two_tenants.a.customer).post(PATH).json()["token"]
    head, body, sig = token.split(".")
    with pytest.raises(TokenError):
        verify_token(token, "another secret")
    with pytest.raises(TokenError):
        verify_token(f"{head}.{body}x.{sig}", settings.REALTIME_SECRET)
    with pytest.raises(TokenError, match="expired"):
        verify_token(token, settings.REALTIME_SECRET, now=time.time() + 3600)


def test_extra_origins_come_from_tenant_settings(two_tenants):
    tenant = two_tenants.a.tenant
    tenant.settings = {"realtime_origins": ["https://help.acme.example", "javascript:x"]}
    tenant.save(update_fields=["settings"])
    claims = _claims(session_client(two_tenants.a.agent).post(PATH))
    assert "https://help.acme.example" in claims.origins
    assert not any(o.startswith("javascript") for o in claims.origins)
    other = _claims(session_client(two_tenants.b.agent).post(PATH))
    assert "https://help.acme.example" not in other.origins
