"""A user's saved locale: the profile API stores it, and the mails they get speak it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.test import Client

from testing.factories import make_member, make_tenant, make_user
from testing.outbound_mail import deliver_mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST="acme.localhost")
    return client, client.get("/api/v1/auth/csrf").json()["csrf_token"]


def _send(client: Client, csrf: str, method: str, path: str, body: dict):
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )


def test_a_german_users_reset_mail_is_german_and_an_english_users_english():
    acme = make_tenant("acme")
    make_member(acme, "customer", make_user("de@x.test", PASSWORD, locale="de"))
    make_member(acme, "customer", make_user("en@x.test", PASSWORD))
    client, csrf = _client()
    for email in ("de@x.test", "en@x.test"):
        assert _send(client, csrf, "post", "/api/v1/auth/password-reset", {"email": email}).status_code == 202
    deliver_mail()
    by_to = {m.to[0]: m for m in mail.outbox}
    german, english = by_to["de@x.test"], by_to["en@x.test"]
    assert german.subject.endswith("Passwort zurücksetzen")
    assert "Wählen Sie hier ein neues Passwort" in german.body and "Stunden lang" in german.body
    assert "Choose a new password" not in german.body
    assert english.subject.endswith("Reset your password")
    assert "Choose a new password here" in english.body


def test_the_profile_api_saves_the_locale_and_refuses_an_unknown_one():
    acme = make_tenant("acme")
    make_member(acme, "agent", make_user("a@x.test", PASSWORD))
    client, csrf = _client()
    assert (
        _send(
            client, csrf, "post", "/api/v1/auth/login", {"email": "a@x.test", "password": PASSWORD}
        ).status_code
        == 200
    )
    csrf = client.cookies["csrftoken"].value
    assert client.get("/api/v1/auth/me").json()["locale"] == ""
    saved = _send(client, csrf, "patch", "/api/v1/auth/me", {"locale": "de"})
    assert saved.status_code == 200 and saved.json()["locale"] == "de"
    assert client.get("/api/v1/auth/me").json()["locale"] == "de"
    assert _send(client, csrf, "patch", "/api/v1/auth/me", {"locale": "xx"}).status_code == 422


def _flat(value):
    """Babel gives a plural's id and strings as a list or a tuple; compare them as tuples."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_the_committed_mo_matches_the_po_and_translates_everything():
    """Edited the .po and forgot `make messages`? This fails until the .mo is rebuilt."""
    for po_path in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        with po_path.open("rb") as po, po_path.with_suffix(".mo").open("rb") as mo:
            source, compiled = read_po(po), read_mo(mo)
        wanted = {_flat(m.id): _flat(m.string) for m in source if m.id}
        missing = [m for m, text in wanted.items() if not all(text if isinstance(text, tuple) else [text])]
        assert not missing, f"untranslated in {po_path}: {missing}"
        assert {_flat(m.id): _flat(m.string) for m in compiled if m.id} == wanted, (
            f"run `make messages`: {po_path}"
        )
