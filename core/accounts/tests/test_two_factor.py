"""Two-factor sign-in (TOTP, RFC 6238) through the API, as a browser does it: enrolment with a
first code, the password step's challenge, the code step, recovery codes, replay and skew,
tampered/expired/foreign challenges, lockout, turning it off, and the tenant's staff policy.

Codes are computed from the secret the enrolment answers, with pyotp, as an authenticator
app would; nothing in the product is stubbed.
"""

from __future__ import annotations

import json
import time

import pyotp
import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from accounts import two_factor
from accounts.models import AuditEvent, RecoveryCode, TotpDevice
from tenancy.context import tenant_context
from testing.factories import host_for, make_member, make_tenant, make_user, make_world, token_client

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _settle() -> None:
    """Stay clear of a 30 s step boundary, so 'this step' and 'the next' mean the same at
    generation and at verification."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_steps * 30)


class Browser:
    def __init__(self, host: str) -> None:
        self.client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
        self.client.get("/api/v1/auth/csrf")

    @property
    def csrf(self) -> str:
        return self.client.cookies["csrftoken"].value  # signing in rotates it, as in a browser

    def post(self, path: str, body: dict | None = None, **extra):
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", HTTP_X_CSRFTOKEN=self.csrf, **extra
        )

    def put(self, path: str, body: dict):
        return self.client.put(
            path, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=self.csrf
        )

    def get(self, path: str):
        return self.client.get(path)

    def login(self, email: str, password: str = PASSWORD):
        return self.post("/api/v1/auth/login", {"email": email, "password": password})


def _member(tenant, role="agent", email=None):
    user = make_user(email or f"{role}{time.time_ns()}@{tenant.slug}.test", PASSWORD)
    return make_member(tenant, role, user)


def _enrolled(member) -> tuple[Browser, str, list[str]]:
    """Sign in, set up an authenticator with a code of the previous step; returns the browser
    (signed in), the secret and the recovery codes."""
    _settle()
    browser = Browser(host_for(member.tenant))
    assert browser.login(member.user.email).status_code == 200
    enrolment = browser.post("/api/v1/auth/2fa/enrol")
    assert enrolment.status_code == 200, enrolment.content
    body = enrolment.json()
    assert (
        body["otpauth_uri"].startswith("otpauth://totp/")
        and "secret=" + body["secret"] in body["otpauth_uri"]
    )
    assert body["qr_svg"].startswith("<svg")
    confirmed = browser.post("/api/v1/auth/2fa/confirm", {"code": _code(body["secret"], -1)})
    assert confirmed.status_code == 200, confirmed.content
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT and confirmed.json()["me"] is None
    return browser, body["secret"], codes


def _actions(tenant_id: int) -> list[str]:
    with tenant_context(tenant_id):
        return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _failures(tenant_id: int) -> list[dict]:
    with tenant_context(tenant_id):
        return list(
            AuditEvent.objects.filter(action="2fa.failed").order_by("id").values_list("detail", flat=True)
        )


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_enrol_then_sign_in_with_password_and_code_and_refuse_the_replay():
    tenant = make_tenant("acme")
    member = _member(tenant)
    _, secret, _ = _enrolled(member)
    device = TotpDevice.objects.get(user=member.user)
    assert secret not in device.secret, "the secret is stored encrypted"
    assert "2fa.enrolled" in _actions(tenant.id)

    browser = Browser(host_for(tenant))
    step = browser.login(member.user.email)
    assert step.status_code == 202 and step.json()["status"] == "code_required"
    challenge = step.json()["challenge"]
    assert browser.get("/api/v1/auth/me").status_code == 401, "no session before the code"

    code = _code(secret)
    signed_in = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": code})
    assert signed_in.status_code == 200, signed_in.content
    assert browser.get("/api/v1/auth/me").json()["email"] == member.user.email

    # The same code again (another browser, fresh challenge): refused as a replay.
    again = Browser(host_for(tenant))
    challenge2 = again.login(member.user.email).json()["challenge"]
    replay = again.post("/api/v1/auth/login/code", {"challenge": challenge2, "code": code})
    assert "used already" in _problem(replay, 401)["detail"]
    # An older code (previous step, inside the skew window) is refused too: steps only move on.
    older = again.post("/api/v1/auth/login/code", {"challenge": challenge2, "code": _code(secret, -1)})
    assert _problem(older, 401)["detail"] in {"This code was used already; wait for the next one."}
    assert [d["reason"] for d in _failures(tenant.id)] == ["replayed", "replayed"]


def test_clock_skew_of_one_step_is_accepted_two_steps_are_not():
    tenant = make_tenant("acme")
    member = _member(tenant)
    _, secret, _ = _enrolled(member)  # used step -1
    browser = Browser(host_for(tenant))
    challenge = browser.login(member.user.email).json()["challenge"]
    too_far = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": _code(secret, 2)})
    assert _problem(too_far, 401)["detail"] == "The code is not valid."
    ahead = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": _code(secret, 1)})
    assert ahead.status_code == 200, ahead.content
    assert [d["reason"] for d in _failures(tenant.id)] == ["wrong"]


def test_recovery_codes_work_once_each():
    tenant = make_tenant("acme")
    member = _member(tenant)
    _, _, codes = _enrolled(member)
    assert not any(RecoveryCode.objects.filter(code_hash__contains=c) for c in codes)

    def sign_in(code: str):
        browser = Browser(host_for(tenant))
        challenge = browser.login(member.user.email).json()["challenge"]
        return browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": code})

    assert sign_in(codes[0].lower().replace("-", " ")).status_code == 200, "typed loosely, still the code"
    assert _problem(sign_in(codes[0]), 401)["detail"] == "The code is not valid."
    assert sign_in(codes[1]).status_code == 200
    assert _actions(tenant.id).count("2fa.recovery_code_used") == 2


@pytest.mark.parametrize("damage", ["tampered", "expired", "other_tenant", "wrong_step", "garbage"])
def test_bad_challenges_are_a_clear_401_and_audited(damage, settings):
    tenant = make_tenant("acme")
    other = make_tenant("globex")
    member = _member(tenant)
    make_member(other, "agent", member.user)  # a member of both: the challenge still binds to acme
    _, secret, _ = _enrolled(member)
    browser = Browser(host_for(tenant))
    challenge = browser.login(member.user.email).json()["challenge"]
    host = host_for(tenant)
    if damage == "tampered":
        payload = signing.loads(challenge, salt=two_factor.CHALLENGE_SALT)
        forged_user = make_user("mallory@acme.test", PASSWORD)
        make_member(tenant, "agent", forged_user)
        # Same payload for another user, re-signed with a wrong key: the signature fails.
        challenge = signing.dumps(
            {**payload, "u": forged_user.pk}, key="not the key", salt=two_factor.CHALLENGE_SALT
        )
    elif damage == "expired":
        settings.TWO_FACTOR_CHALLENGE_SECONDS = -1
    elif damage == "other_tenant":
        host = host_for(other)
    elif damage == "wrong_step":
        challenge = two_factor.challenge_sign(
            user_id=member.user.pk,
            tenant_id=tenant.id,
            next=two_factor.Next.ENROL,
            password_hash=member.user.password,
        )
    else:
        challenge = "x" * 300
    attempt = Browser(host)
    response = attempt.post("/api/v1/auth/login/code", {"challenge": challenge, "code": _code(secret)})
    detail = _problem(response, 401)["detail"]
    assert "challenge" in detail and "sign in with your password again" in detail
    assert attempt.get("/api/v1/auth/me").status_code == 401


def test_a_password_change_voids_an_open_challenge():
    tenant = make_tenant("acme")
    member = _member(tenant)
    _, secret, _ = _enrolled(member)
    browser = Browser(host_for(tenant))
    challenge = browser.login(member.user.email).json()["challenge"]
    member.user.set_password("another long passphrase")
    member.user.save()
    response = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": _code(secret)})
    assert _problem(response, 401)["detail"].startswith("The sign-in challenge is not valid")


def test_wrong_codes_lock_the_code_step_and_are_audited(settings):
    settings.TWO_FACTOR_MAX_FAILURES = 3
    tenant = make_tenant("acme")
    member = _member(tenant)
    _, secret, _ = _enrolled(member)
    browser = Browser(host_for(tenant))
    challenge = browser.login(member.user.email).json()["challenge"]
    for wrong in ["000000", "12345", "not-a-code"]:
        response = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": wrong})
        assert _problem(response, 401)["detail"] == "The code is not valid."
    locked = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": _code(secret)})
    assert _problem(locked, 429)["detail"].startswith("Too many requests")
    assert locked["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    actions = _actions(tenant.id)
    assert actions.count("2fa.failed") == 3 and "2fa.locked_out" in actions
    # The lockout is per tenant: the same person on another tenant is not locked.
    other = make_tenant("globex")
    make_member(other, "agent", member.user)
    elsewhere = Browser(host_for(other))
    challenge_b = elsewhere.login(member.user.email).json()["challenge"]
    assert (
        elsewhere.post(
            "/api/v1/auth/login/code", {"challenge": challenge_b, "code": _code(secret)}
        ).status_code
        == 200
    )


def test_code_attempts_are_rate_limited_per_address(settings):
    settings.TWO_FACTOR_MAX_PER_IP_PER_MINUTE = 2
    tenant = make_tenant("acme")
    member = _member(tenant)
    _enrolled(member)  # its confirm counted once for this address
    browser = Browser(host_for(tenant))
    challenge = browser.login(member.user.email).json()["challenge"]
    first = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "000000"})
    assert first.status_code == 401
    limited = browser.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "000000"})
    assert (
        _problem(limited, 429)["detail"]
        == "Too many requests (2fa-code). Try again in " + limited["Retry-After"] + " s."
    )


def test_disable_needs_password_and_code_and_ends_the_other_sessions_audit():
    tenant = make_tenant("acme")
    member = _member(tenant)
    browser, secret, codes = _enrolled(member)
    wrong_password = browser.post(
        "/api/v1/auth/2fa/disable", {"password": "nope nope nope", "code": _code(secret)}
    )
    assert _problem(wrong_password, 403)["detail"] == "The password is not correct."
    wrong_code = browser.post("/api/v1/auth/2fa/disable", {"password": PASSWORD, "code": "000000"})
    assert _problem(wrong_code, 403)["detail"] == "The code is not valid."
    assert browser.get("/api/v1/auth/2fa").json()["enabled"] is True
    off = browser.post("/api/v1/auth/2fa/disable", {"password": PASSWORD, "code": codes[3]})
    assert off.status_code == 204, off.content
    assert browser.get("/api/v1/auth/2fa").json() == {
        "enabled": False,
        "pending": False,
        "recovery_codes_left": 0,
        "required_by_tenant": False,
    }
    assert "2fa.disabled" in _actions(tenant.id)
    assert Browser(host_for(tenant)).login(member.user.email).status_code == 200, "password alone again"


def test_regenerate_recovery_codes_needs_an_app_code_and_voids_the_old_ones():
    tenant = make_tenant("acme")
    member = _member(tenant)
    browser, secret, old_codes = _enrolled(member)
    by_recovery = browser.post("/api/v1/auth/2fa/recovery-codes", {"code": old_codes[0]})
    assert _problem(by_recovery, 403)["detail"] == "The code is not valid."
    fresh = browser.post("/api/v1/auth/2fa/recovery-codes", {"code": _code(secret)})
    assert fresh.status_code == 200
    new_codes = fresh.json()["recovery_codes"]
    assert set(new_codes).isdisjoint(old_codes)
    assert browser.get("/api/v1/auth/2fa").json()["recovery_codes_left"] == len(new_codes)
    login = Browser(host_for(tenant))
    challenge = login.login(member.user.email).json()["challenge"]
    assert (
        login.post("/api/v1/auth/login/code", {"challenge": challenge, "code": old_codes[1]}).status_code
        == 401
    )
    assert (
        login.post("/api/v1/auth/login/code", {"challenge": challenge, "code": new_codes[0]}).status_code
        == 200
    )
    assert "2fa.recovery_codes_regenerated" in _actions(tenant.id)


def test_enrol_twice_and_confirm_without_pending_are_4xx():
    tenant = make_tenant("acme")
    member = _member(tenant)
    browser, secret, _ = _enrolled(member)
    again = browser.post("/api/v1/auth/2fa/enrol")
    assert "on already" in str(_problem(again, 422)["errors"])
    confirm = browser.post("/api/v1/auth/2fa/confirm", {"code": _code(secret)})
    assert "no pending set-up" in str(_problem(confirm, 422)["errors"])
    anonymous = Browser(host_for(tenant)).post("/api/v1/auth/2fa/enrol")
    assert _problem(anonymous, 401)["detail"].startswith("Sign in")


def test_policy_sends_staff_without_2fa_to_enrolment_and_customers_are_exempt():
    world = make_world("acme")
    other = make_world("globex")
    for m in [*world.members.values(), *other.members.values()]:
        m.user.set_password(PASSWORD)
        m.user.save()
    owner_browser = Browser(host_for(world.tenant))
    assert owner_browser.login(world.owner.user.email).status_code == 200
    refused = owner_browser.put("/api/v1/tenant/security", {"two_factor_required_for_staff": True})
    assert "yourself first" in str(_problem(refused, 422)["errors"])
    _settle()
    secret = owner_browser.post("/api/v1/auth/2fa/enrol").json()["secret"]
    assert owner_browser.post("/api/v1/auth/2fa/confirm", {"code": _code(secret, -1)}).status_code == 200
    on = owner_browser.put("/api/v1/tenant/security", {"two_factor_required_for_staff": True})
    assert on.status_code == 200 and on.json() == {"two_factor_required_for_staff": True}
    assert "2fa.policy_changed" in _actions(world.tenant.id)

    # An agent without 2FA: the password step says "enrol", nothing is signed in yet.
    agent = Browser(host_for(world.tenant))
    step = agent.login(world.agent.user.email)
    assert step.status_code == 202 and step.json()["status"] == "enrolment_required"
    challenge = step.json()["challenge"]
    assert agent.get("/api/v1/auth/me").status_code == 401
    code_step = agent.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "123456"})
    assert code_step.status_code == 401, "an enrolment challenge is not a code challenge"
    enrolment = agent.post("/api/v1/auth/2fa/enrol", {"challenge": challenge})
    assert enrolment.status_code == 200, enrolment.content
    done = agent.post(
        "/api/v1/auth/2fa/confirm", {"challenge": challenge, "code": _code(enrolment.json()["secret"])}
    )
    assert done.status_code == 200, done.content
    assert done.json()["me"]["role"] == "agent" and len(done.json()["recovery_codes"]) == 10
    assert agent.get("/api/v1/auth/me").status_code == 200
    # Staff may not turn it off while required.
    off = agent.post(
        "/api/v1/auth/2fa/disable", {"password": PASSWORD, "code": done.json()["recovery_codes"][0]}
    )
    assert _problem(off, 409)["detail"].startswith("This desk requires")

    # Customers are not staff: password alone.
    assert Browser(host_for(world.tenant)).login(world.customer.user.email).status_code == 200
    # The other tenant's policy is its own: its agent signs in with the password alone.
    assert Browser(host_for(other.tenant)).login(other.agent.user.email).status_code == 200
    policy_b = Browser(host_for(other.tenant))
    policy_b.login(other.owner.user.email)
    assert policy_b.get("/api/v1/tenant/security").json() == {"two_factor_required_for_staff": False}


def test_policy_endpoint_is_for_admins_and_api_tokens_stay_password_free():
    world = make_world("acme")
    agent_browser = Browser(host_for(world.tenant))
    world.agent.user.set_password(PASSWORD)
    world.agent.user.save()
    agent_browser.login(world.agent.user.email)
    assert _problem(agent_browser.get("/api/v1/tenant/security"), 403)
    # An API token of someone with 2FA works without any code: tokens are their own factor.
    _, secret, _ = _enrolled(world.agent)

    client, _ = token_client(world.agent)
    assert client.get("/api/v1/auth/me").status_code == 200
    # ... but a token may not choose the person's second factor.
    by_token = client.post("/api/v1/auth/2fa/enrol", json.dumps({}), content_type="application/json")
    assert _problem(by_token, 403)["detail"].startswith("Set up two-factor sign-in in the browser")


def test_bad_input_is_422_not_500():
    tenant = make_tenant("acme")
    member = _member(tenant)
    browser, _, _ = _enrolled(member)
    for body in [{}, {"challenge": "", "code": ""}, {"challenge": "x", "code": "1" * 500}, {"challenge": 5}]:
        response = browser.post("/api/v1/auth/login/code", body)
        assert response.status_code == 422, (body, response.content)
    assert browser.post("/api/v1/auth/2fa/disable", {"password": PASSWORD}).status_code == 422


def test_two_tenants_status_is_the_hosts_and_a_session_of_a_is_nobody_on_b():
    world_a = make_world("acme")
    world_b = make_world("globex")
    world_a.agent.user.set_password(PASSWORD)
    world_a.agent.user.save()
    browser, secret, _ = _enrolled(world_a.agent)
    for path in ["/api/v1/auth/2fa", "/api/v1/tenant/security"]:
        response = browser.client.get(path, HTTP_HOST=host_for(world_b.tenant))
        assert response.status_code == 404, path
    posted = browser.client.post(
        "/api/v1/auth/2fa/recovery-codes",
        json.dumps({"code": _code(secret)}),
        content_type="application/json",
        HTTP_HOST=host_for(world_b.tenant),
        HTTP_X_CSRFTOKEN=browser.csrf,
    )
    assert posted.status_code == 404
    assert settings.TWO_FACTOR_MAX_FAILURES >= 1
