"""Mailbox config through the API and the admin: admins only, write-only password, tenant-scoped."""

from __future__ import annotations

import json

import pytest

from email_channel import secrets
from email_channel.mailboxes import mailbox_get
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db
BODY = {
    "address": "help@acme-corp.example",
    "host": "imap.acme-corp.example",
    "port": 993,
    "security": "ssl",
    "username": "help",
    "password": "hunter2-imap",
}


def _post(client, path, data):
    return client.post(path, data=json.dumps(data), content_type="application/json")


def _patch(client, path, data):
    return client.patch(path, data=json.dumps(data), content_type="application/json")


def test_admin_creates_lists_changes_and_deletes_a_mailbox_and_never_sees_the_password(two_tenants):
    client = session_client(two_tenants.a.admin)
    created = _post(client, "/api/v1/email/mailboxes", BODY)
    assert created.status_code == 201, created.content
    mailbox_id = created.json()["id"]
    assert "password" not in created.content.decode() and "hunter2" not in created.content.decode()
    listed = client.get("/api/v1/email/mailboxes")
    assert [m["address"] for m in listed.json()] == ["help@acme-corp.example"]
    assert "hunter2" not in listed.content.decode()
    tenant = two_tenants.a.tenant
    with tenant_context(tenant.id):
        stored = mailbox_get(tenant=tenant, mailbox_id=mailbox_id)
        assert secrets.decrypt(stored.password_encrypted) == "hunter2-imap"

    changed = _patch(
        client, f"/api/v1/email/mailboxes/{mailbox_id}", {"password": "new-pass", "active": False}
    )
    assert changed.status_code == 200 and changed.json()["active"] is False
    with tenant_context(tenant.id):
        stored = mailbox_get(tenant=tenant, mailbox_id=mailbox_id)
        assert secrets.decrypt(stored.password_encrypted) == "new-pass"

    assert client.delete(f"/api/v1/email/mailboxes/{mailbox_id}").status_code == 204
    assert client.get(f"/api/v1/email/mailboxes/{mailbox_id}").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [({"port": 70000}, "port"), ({"security": "tls9"}, "security"), ({"address": "nope"}, "address"),
     ({"password": ""}, "password"), ({"host": "a\r\nb"}, "host"), ({"host": "127.0.0.1"}, "host"),
     ({"host": "169.254.169.254"}, "host")],
)  # fmt: skip
def test_bad_input_is_a_4xx_with_a_message(two_tenants, change, field):
    response = _post(session_client(two_tenants.a.admin), "/api/v1/email/mailboxes", {**BODY, **change})
    assert 400 <= response.status_code < 500, response.content
    assert field in response.content.decode()


def test_the_same_address_twice_is_refused_not_a_500(two_tenants):
    client = session_client(two_tenants.a.admin)
    assert _post(client, "/api/v1/email/mailboxes", BODY).status_code == 201
    again = _post(client, "/api/v1/email/mailboxes", BODY)
    assert again.status_code in (400, 409, 422) and "address" in again.content.decode()
    # Another tenant may poll the same address (e.g. while moving providers).
    assert _post(session_client(two_tenants.b.admin), "/api/v1/email/mailboxes", BODY).status_code == 201


def test_agents_and_customers_may_not_touch_mailboxes(two_tenants):
    for member in (two_tenants.a.agent, two_tenants.a.customer):
        client = session_client(member)
        assert client.get("/api/v1/email/mailboxes").status_code == 403
        assert _post(client, "/api/v1/email/mailboxes", BODY).status_code == 403


def test_another_tenants_mailbox_is_a_404(two_tenants):
    created = _post(session_client(two_tenants.a.admin), "/api/v1/email/mailboxes", BODY).json()
    path = f"/api/v1/email/mailboxes/{created['id']}"
    assert_other_tenant_gets_404(two_tenants, "get", path)
    assert_other_tenant_gets_404(two_tenants, "patch", path, {"active": True})
    assert_other_tenant_gets_404(two_tenants, "delete", path, expect_ok=False)
    assert session_client(two_tenants.a.admin).get(path).status_code == 200  # still there


def test_admin_form_stores_the_password_encrypted_and_never_shows_it(two_tenants):
    client = session_client(two_tenants.a.admin)
    form = {k: v for k, v in BODY.items()} | {"folder": "INBOX", "active": "on", "processed_folder": ""}
    response = client.post("/admin/email_channel/mailbox/add/", form)
    assert response.status_code == 302, response.content[:1000]
    listed = client.get("/api/v1/email/mailboxes").json()
    assert len(listed) == 1
    tenant = two_tenants.a.tenant
    with tenant_context(tenant.id):
        stored = mailbox_get(tenant=tenant, mailbox_id=listed[0]["id"])
        assert secrets.decrypt(stored.password_encrypted) == "hunter2-imap"
    page = client.get(f"/admin/email_channel/mailbox/{stored.id}/change/").content.decode()
    assert "hunter2" not in page and stored.password_encrypted not in page
    # Saving without a password keeps the current one.
    form.pop("password")
    assert client.post(f"/admin/email_channel/mailbox/{stored.id}/change/", form).status_code == 302
    with tenant_context(tenant.id):
        assert (
            secrets.decrypt(mailbox_get(tenant=tenant, mailbox_id=stored.id).password_encrypted)
            == "hunter2-imap"
        )
    assert (
        "help@acme-corp.example"
        not in session_client(two_tenants.b.admin).get("/admin/email_channel/mailbox/").content.decode()
    )
