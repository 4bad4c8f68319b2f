"""Self-serve desk sign-up on the platform host: off by default, invite-only or open; confirmed by
email before the desk is served; the answer never tells whether an email has an account."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import AuditEvent, User
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Membership, Tenant
from testing.factories import make_tenant, make_user
from testing.outbound_mail import deliver_mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
PLATFORM = "localhost"


def _signup(body: dict | None = None, host: str = PLATFORM, ip: str = "10.0.0.1"):
    form = {
        "company_name": "Initech",
        "slug": "initech",
        "email": "Owner@Initech.test",
        "password": PASSWORD,
        "full_name": "Peter Gibbons",
        **(body or {}),
    }
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip).post(
        "/api/v1/platform/signup", json.dumps(form), content_type="application/json"
    )


def _link() -> str:
    deliver_mail()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    match = re.search(r"/api/v1/platform/signup/confirm\?token=(\S+)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def _confirm(token: str):
    return Client(HTTP_HOST=PLATFORM).get("/api/v1/platform/signup/confirm", {"token": token})


def test_sign_up_is_off_unless_the_operator_turns_it_on():
    refused = _signup()
    assert refused.status_code == 403 and "operator" in refused.json()["detail"]
    assert not Tenant.objects.filter(slug="initech").exists()
    assert Client(HTTP_HOST=PLATFORM).get("/api/v1/platform").json() == {"tenant_signup": "off"}


@override_settings(TENANT_SIGNUP="open")
def test_a_desk_is_served_only_after_its_owner_confirms_by_email():
    response = _signup()
    assert response.status_code == 202, response.content
    assert response.json()["slug"] == "initech"
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.status == Tenant.Status.PENDING
    assert Client().get("/api/v1/tenant", HTTP_HOST="initech.localhost").status_code == 404  # not served
    assert not User.objects.filter(email="owner@initech.test").exists()

    token = _link()
    assert mail.outbox[0].to == ["owner@initech.test"]
    confirmed = _confirm(token)
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("http://initech.localhost") and "/login" in confirmed["Location"]

    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE and tenant.settings == {}  # password hash gone
    owner = User.objects.get(email="owner@initech.test")
    assert owner.check_password(PASSWORD) and owner.email_verified and owner.full_name == "Peter Gibbons"
    with tenant_context(tenant.id):
        assert Membership.objects.get(tenant=tenant, user=owner).role == "owner"
        assert AuditEvent.objects.filter(action=AuditAction.TENANT_SIGNED_UP).count() == 1
    login = Client(HTTP_HOST="initech.localhost")
    csrf = login.get("/api/v1/auth/csrf").json()["csrf_token"]
    signed_in = login.post(
        "/api/v1/auth/login",
        json.dumps({"email": "owner@initech.test", "password": PASSWORD}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert signed_in.status_code == 200, signed_in.content

    again = _confirm(token)  # the link works once
    assert again.status_code == 422 and "already confirmed" in again.content.decode()


@override_settings(TENANT_SIGNUP="open")
def test_the_answer_is_the_same_for_a_known_email_and_the_owner_keeps_their_password():
    make_user("owner@initech.test", password="their own old password")
    known = _signup()
    unknown = _signup({"slug": "initrode", "email": "someone.new@initrode.test"}, ip="10.0.0.2")
    assert known.status_code == unknown.status_code == 202
    assert known.json()["detail"].replace("owner@initech.test", "X") == unknown.json()["detail"].replace(
        "someone.new@initrode.test", "X"
    )
    deliver_mail()
    to_known = next(m for m in mail.outbox if m.to == ["owner@initech.test"])
    assert "existing password" in to_known.body
    mail.outbox = [to_known]
    token = re.search(r"token=(\S+)", to_known.body).group(1)
    assert _confirm(token).status_code == 302
    owner = User.objects.get(email="owner@initech.test")
    assert owner.check_password("their own old password") and not owner.check_password(PASSWORD)


@override_settings(TENANT_SIGNUP="open")
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "www"}, "slug"),
        ({"slug": "-edge"}, "slug"),
        ({"password": "short"}, "password"),
        ({"password": "1234567890123"}, "password"),
        ({"company_name": "   "}, "company_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_forms_answer_422_naming_the_field_and_create_nothing(body, field):
    response = _signup(body)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert not Tenant.objects.filter(name="Initech").exists()


@override_settings(TENANT_SIGNUP="open")
def test_a_taken_address_is_refused_and_an_expired_pending_one_is_reclaimed():
    make_tenant("acme")
    taken = _signup({"slug": "acme"})
    assert taken.status_code == 422 and "taken" in taken.content.decode()

    assert _signup().status_code == 202
    held = _signup({"email": "squatter@else.test"}, ip="10.0.0.2")
    assert held.status_code == 422  # held while the first owner may still confirm
    first_token = _link()
    mail.outbox = []

    tenant = Tenant.objects.get(slug="initech")
    stale = (timezone.now() - timedelta(days=3)).isoformat()
    tenant.settings = {"signup": {**tenant.settings["signup"], "requested_at": stale}}
    tenant.save(update_fields=["settings"])
    reclaimed = _signup({"company_name": "Initech 2", "email": "second@initech.test"}, ip="10.0.0.3")
    assert reclaimed.status_code == 202
    assert _confirm(first_token).status_code == 422  # the old link no longer matches
    assert _confirm(_link()).status_code == 302
    assert Tenant.objects.get(slug="initech").name == "Initech 2"
    assert User.objects.filter(email="second@initech.test").exists()


@override_settings(TENANT_SIGNUP="invite", TENANT_SIGNUP_INVITE_CODES=["sesame-7"])
def test_invite_only_needs_a_valid_code():
    assert _signup({"invite_code": "guess"}).status_code == 403
    assert _signup().status_code == 403
    assert _signup({"invite_code": "sesame-7"}).status_code == 202


@override_settings(TENANT_SIGNUP="open", TENANT_SIGNUP_MAX_PER_IP_PER_HOUR=2)
def test_sign_ups_are_limited_per_client_address():
    codes = [_signup({"slug": f"desk-{n}"}, ip="10.9.9.9").status_code for n in range(3)]
    assert codes == [202, 202, 429]
    assert _signup({"slug": "desk-x"}, ip="10.9.9.8").status_code == 202


@override_settings(TENANT_SIGNUP="open")
def test_tampered_or_foreign_tokens_are_refused():
    assert _signup().status_code == 202
    token = _link()
    assert _confirm(token[:-2] + "xx").status_code == 422
    assert _confirm("").status_code == 422
    posted = Client(HTTP_HOST=PLATFORM).post(
        "/api/v1/platform/signup/confirm", json.dumps({"token": "garbage"}), content_type="application/json"
    )
    assert posted.status_code == 422
    assert Tenant.objects.get(slug="initech").status == Tenant.Status.PENDING


@override_settings(TENANT_SIGNUP="open")
def test_the_platform_routes_do_not_answer_on_a_tenant_host():
    make_tenant("acme")
    assert _signup(host="acme.localhost").status_code == 404
    assert Client(HTTP_HOST="acme.localhost").get("/api/v1/platform").status_code == 404
