"""Customer sign-up, confirmed by email: the answer never tells whether an address has an account."""

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from tenancy.context import tenant_context
from tenancy.models import Membership
from testing.factories import make_member, make_tenant, make_user
from testing.outbound_mail import deliver_mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _client(host: str = "acme.localhost") -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
    return client, client.get("/api/v1/auth/csrf").json()["csrf_token"]


def _post(client: Client, csrf: str, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)


def _allow_signup(tenant, allowed: bool = True) -> None:
    tenant.settings = {**tenant.settings, "portal": {"allow_signup": allowed}}
    tenant.save(update_fields=["settings"])


def _signup(email: str, host: str = "acme.localhost", **extra):
    client, csrf = _client(host)
    return _post(client, csrf, "/api/v1/auth/signup", {"email": email, **extra})


def _mail_to(address: str):
    deliver_mail()
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    return found[0]


def _token(message) -> str:
    match = re.search(r"/signup/(?:confirm|join)\?token=(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _confirm(token: str, host: str = "acme.localhost", password: str = PASSWORD) -> tuple[Client, object]:
    client, csrf = _client(host)
    return client, _post(client, csrf, "/api/v1/auth/signup/confirm", {"token": token, "password": password})


@pytest.fixture
def acme():
    tenant = make_tenant("acme")
    cache.clear()  # pending sign-ups and throttles of earlier tests
    return tenant


def test_signup_is_refused_unless_the_tenant_allows_it(acme):
    refused = _signup("new@example.test")
    assert refused.status_code == 403
    deliver_mail()
    assert mail.outbox == []


def test_the_account_exists_only_once_the_mailed_link_is_used(acme):
    _allow_signup(acme)
    asked = _signup("New@Example.test", full_name="New Person")
    assert asked.status_code == 202, asked.content
    assert "new@example.test" in asked.json()["detail"]
    assert not User.objects.filter(email="new@example.test").exists()

    client, confirmed = _confirm(_token(_mail_to("new@example.test")))
    assert confirmed.status_code == 201, confirmed.content
    assert confirmed.json()["role"] == "customer"
    assert client.get("/api/v1/auth/me").json()["email"] == "new@example.test"  # signed in
    user = User.objects.get(email="new@example.test")
    assert user.check_password(PASSWORD) and user.email_verified and user.full_name == "New Person"

    _, again = _confirm(_token(mail.outbox[-1]))
    assert again.status_code == 422 and "invalid or has expired" in again.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(acme):
    _allow_signup(acme)
    make_member(acme, "customer", make_user("member@x.test", PASSWORD))
    make_member(make_tenant("globex"), "agent", make_user("roamer@x.test", PASSWORD))
    answers = {email: _signup(email) for email in ("member@x.test", "roamer@x.test", "nobody@x.test")}
    assert {r.status_code for r in answers.values()} == {202}
    assert len({r.json()["detail"].split(" ", 2)[2] for r in answers.values()}) == 1
    assert {r.json()["detail"].replace(e, "X") for e, r in answers.items()} == {
        "Check X for a link to finish signing up."
    }
    reminder = _mail_to("member@x.test")
    assert "/signup/" not in reminder.body and "/login" in reminder.body
    assert "/signup/join?token=" in _mail_to("roamer@x.test").body
    assert "/signup/confirm?token=" in _mail_to("nobody@x.test").body


def test_an_account_elsewhere_joins_by_the_link_and_keeps_its_password(acme):
    _allow_signup(acme)
    globex = make_tenant("globex")
    user = make_user("roamer@x.test", PASSWORD)
    make_member(globex, "agent", user)
    assert _signup("roamer@x.test").status_code == 202
    message = _mail_to("roamer@x.test")
    assert "keeps your password" in message.body
    _, joined = _confirm(_token(message), password="an attacker's guess")
    assert joined.status_code == 201 and joined.json()["role"] == "customer"
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password("an attacker's guess")
    with tenant_context(globex.id):
        assert Membership.objects.get(tenant=globex, user=user).role == "agent"  # untouched elsewhere


def test_a_link_works_only_on_its_own_tenant(acme):
    _allow_signup(acme)
    globex = make_tenant("globex")
    _allow_signup(globex)
    assert _signup("a@x.test").status_code == 202
    token = _token(_mail_to("a@x.test"))
    _, elsewhere = _confirm(token, host="globex.localhost")
    assert elsewhere.status_code == 422
    _, tampered = _confirm(token[:-3] + "abc")
    assert tampered.status_code == 422
    assert not User.objects.filter(email="a@x.test").exists()
    _, confirmed = _confirm(token)
    assert confirmed.status_code == 201
    with tenant_context(globex.id):
        assert not Membership.objects.filter(tenant=globex, user__email="a@x.test").exists()


def test_a_new_account_needs_a_good_password_and_the_link_survives_a_bad_one(acme):
    _allow_signup(acme)
    assert _signup("w@x.test").status_code == 202
    token = _token(_mail_to("w@x.test"))
    for password in ("", "123", "1234567890123"):
        _, weak = _confirm(token, password=password)
        assert weak.status_code == 422 and "password" in json.dumps(weak.json()["errors"])
    assert not User.objects.filter(email="w@x.test").exists()
    _, confirmed = _confirm(token)
    assert confirmed.status_code == 201


def test_signup_mails_are_limited_per_address(acme, settings):
    settings.PASSWORD_RESET_MAX_PER_HOUR = 2
    _allow_signup(acme)
    assert [_signup("flood@x.test").status_code for _ in range(4)] == [202] * 4
    deliver_mail()
    assert len([m for m in mail.outbox if m.to == ["flood@x.test"]]) == 2
