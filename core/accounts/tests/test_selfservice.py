"""Customer sign-up and password reset: tenant setting, one-time links, no address disclosure."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from testing.factories import make_member, make_tenant, make_user
from testing.outbound_mail import deliver_mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new staple"


def _client(host: str = "acme.localhost") -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
    return client, client.get("/api/v1/auth/csrf").json()["csrf_token"]


def _post(client: Client, csrf: str, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)


def _allow_signup(tenant, allowed: bool = True) -> None:
    tenant.settings = {**tenant.settings, "portal": {"allow_signup": allowed}}
    tenant.save(update_fields=["settings"])


def _link_parts(body: str) -> tuple[str, str]:
    match = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", body)
    assert match, body
    return match.group(1), match.group(2)


@pytest.fixture
def acme():
    return make_tenant("acme")


def test_signup_without_csrf_is_refused(acme):
    _allow_signup(acme)
    client, _ = _client()
    assert (
        _post(client, "nope", "/api/v1/auth/signup", {"email": "a@x.test", "password": PASSWORD}).status_code
        == 403
    )


def test_reset_sends_a_one_time_link_that_sets_the_password(acme):
    user = make_user("cust@x.test", PASSWORD)
    make_member(acme, "customer", user)
    client, csrf = _client()
    asked = _post(client, csrf, "/api/v1/auth/password-reset", {"email": "Cust@x.test"})
    assert asked.status_code == 202
    deliver_mail()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cust@x.test"]
    assert "acme.localhost" in mail.outbox[0].body
    uid, token = _link_parts(mail.outbox[0].body)

    body = {"uid": uid, "token": token, "password": NEW_PASSWORD}
    assert _post(client, csrf, "/api/v1/auth/password-reset/confirm", body).status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = _post(
        client, csrf, "/api/v1/auth/password-reset/confirm", {**body, "password": "yet another phrase"}
    )
    assert again.status_code == 422 and "token" in again.json()["errors"]  # used once, then dead
    login = _post(client, csrf, "/api/v1/auth/login", {"email": "cust@x.test", "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_reset_answers_the_same_for_unknown_and_other_tenant_addresses(acme):
    globex = make_tenant("globex")
    make_member(globex, "customer", make_user("elsewhere@x.test", PASSWORD))
    make_member(acme, "customer", make_user("known@x.test", PASSWORD))
    client, csrf = _client()
    answers = [
        _post(client, csrf, "/api/v1/auth/password-reset", {"email": email})
        for email in ("known@x.test", "nobody@x.test", "elsewhere@x.test")
    ]
    assert {(a.status_code, a.content) for a in answers} == {(answers[0].status_code, answers[0].content)}
    deliver_mail()
    assert [m.to for m in mail.outbox] == [["known@x.test"]]


def test_a_link_from_one_tenant_does_not_work_on_another(acme):
    globex = make_tenant("globex")
    user = make_user("cust@x.test", PASSWORD)
    make_member(acme, "customer", user)
    client, csrf = _client()
    _post(client, csrf, "/api/v1/auth/password-reset", {"email": "cust@x.test"})
    deliver_mail()
    uid, token = _link_parts(mail.outbox[0].body)
    assert globex.slug == "globex"
    other, other_csrf = _client("globex.localhost")
    body = {"uid": uid, "token": token, "password": NEW_PASSWORD}
    assert _post(other, other_csrf, "/api/v1/auth/password-reset/confirm", body).status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_mails_are_throttled_per_address_silently(acme, settings):
    settings.PASSWORD_RESET_MAX_PER_HOUR = 2
    make_member(acme, "customer", make_user("cust@x.test", PASSWORD))
    client, csrf = _client()
    codes = [
        _post(client, csrf, "/api/v1/auth/password-reset", {"email": "cust@x.test"}).status_code
        for _ in range(4)
    ]
    assert codes == [202, 202, 202, 202]
    deliver_mail()
    assert len(mail.outbox) == 2


def test_reset_requests_are_throttled_per_ip(acme, settings):
    settings.SELF_SERVICE_MAX_PER_IP_PER_HOUR = 3
    client, csrf = _client()
    codes = [
        _post(client, csrf, "/api/v1/auth/password-reset", {"email": "x@x.test"}).status_code
        for _ in range(4)
    ]
    assert codes == [202, 202, 202, 429]


def test_garbage_links_are_422_not_500(acme):
    client, csrf = _client()
    for uid, token in (("!!", "x"), ("MTIzNDU2", "abc-def"), ("", "")):
        response = _post(
            client,
            csrf,
            "/api/v1/auth/password-reset/confirm",
            {"uid": uid, "token": token, "password": NEW_PASSWORD},
        )
        assert response.status_code == 422, response.content
