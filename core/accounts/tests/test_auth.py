"""Session login/logout with CSRF, lockout, membership checks and the audit log."""

import json

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import AuditEvent, User
from tenancy.context import tenant_context
from testing.factories import make_member, make_tenant, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def acme_agent():
    tenant = make_tenant("acme")
    user = make_user("alice@acme.test", PASSWORD)
    return make_member(tenant, "agent", user)


def _csrf_client(host: str = "acme.localhost") -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client, token


def _login(client: Client, csrf: str, email: str, password: str):
    return client.post(
        "/api/v1/auth/login",
        json.dumps({"email": email, "password": password}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def _audit_actions(tenant_id: int) -> list[str]:
    with tenant_context(tenant_id):
        return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_login_me_logout_roundtrip_is_audited(acme_agent):
    client, csrf = _csrf_client()
    response = _login(client, csrf, "Alice@acme.test", PASSWORD)
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "agent"
    assert client.get("/api/v1/auth/me").json()["email"] == "alice@acme.test"
    logout = client.post("/api/v1/auth/logout", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert logout.status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    assert _audit_actions(acme_agent.tenant_id) == ["auth.login", "auth.logout"]


def test_session_probe_answers_200_signed_in_or_not(acme_agent):
    # The portal asks on every page load; nobody signed in is a normal answer, not a 401.
    client, csrf = _csrf_client()
    anonymous = client.get("/api/v1/auth/session")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"signed_in": False, "me": None}
    assert _login(client, csrf, "alice@acme.test", PASSWORD).status_code == 200
    signed_in = client.get("/api/v1/auth/session").json()
    assert signed_in["signed_in"] is True
    assert signed_in["me"]["email"] == "alice@acme.test" and signed_in["me"]["role"] == "agent"
    # Another tenant's host never answers with this session's person.
    make_tenant("globex")
    assert client.get("/api/v1/auth/session", HTTP_HOST="globex.localhost").status_code == 404


def test_login_without_csrf_token_is_refused(acme_agent):
    client, _ = _csrf_client()
    response = _login(client, "wrong", "alice@acme.test", PASSWORD)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_writes_need_csrf(acme_agent):
    client, csrf = _csrf_client()
    assert _login(client, csrf, "alice@acme.test", PASSWORD).status_code == 200
    no_csrf = client.post("/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json")
    assert no_csrf.status_code == 403


def test_wrong_password_and_non_member_get_the_same_401(acme_agent):
    make_tenant("globex")
    client, csrf = _csrf_client()
    wrong = _login(client, csrf, "alice@acme.test", "not the password")
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Invalid email or password."
    other_client, other_csrf = _csrf_client("globex.localhost")
    not_member = _login(other_client, other_csrf, "alice@acme.test", PASSWORD)
    assert not_member.status_code == 401 and not_member.json()["detail"] == "Invalid email or password."
    assert "auth.login_failed" in _audit_actions(acme_agent.tenant_id)


def test_lockout_after_repeated_failures(acme_agent):
    client, csrf = _csrf_client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert _login(client, csrf, "alice@acme.test", "bad password!").status_code == 401
    locked = _login(client, csrf, "alice@acme.test", PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "Too many" in locked.json()["detail"]
    assert "auth.locked_out" in _audit_actions(acme_agent.tenant_id)


def test_login_on_platform_host_is_not_a_tenant_login(acme_agent):
    client, csrf = _csrf_client("localhost")
    assert _login(client, csrf, "alice@acme.test", PASSWORD).status_code == 404


def test_session_from_one_tenant_is_refused_on_another_host(acme_agent):
    other = make_tenant("globex")
    make_member(other, "agent", acme_agent.user)  # same person, member of both
    client, csrf = _csrf_client()
    assert _login(client, csrf, "alice@acme.test", PASSWORD).status_code == 200
    # The test client sends the cookie to every host; a browser would not. Either way: 404.
    assert client.get("/api/v1/auth/me", HTTP_HOST="globex.localhost").status_code == 404


def test_passwords_are_hashed_with_argon2(acme_agent):
    user = User.objects.get(email="alice@acme.test")
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize("weak", ["short", "password123", "1234567890123"])
def test_password_validators_refuse_weak_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
    validate_password("a long and unusual passphrase")
