"""Creating a ticket with files in one multipart call: all or nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenancy.context import tenant_context
from testing.factories import host_for, session_client, token_client
from tickets.models import Attachment, Ticket
from tickets.tests.helpers import call

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _create(client, data, files, **extra):
    body = {"data": json.dumps(data), "files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post("/api/v1/tickets/multipart", body, **extra)


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def _count(tenant):
    with tenant_context(tenant.id):
        return Ticket.objects.filter(tenant=tenant).count(), Attachment.objects.filter(tenant=tenant).count()


def test_customer_creates_a_ticket_with_files(two_tenants, _media):  # noqa: PT019
    client = session_client(two_tenants.a.customer)
    response = _create(
        client,
        {"subject": "Broken screen", "body_text": "See the photo."},
        [("shot.png", PNG), ("log.txt", b"hi")],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    files = body["messages"][0]["attachments"]
    assert [(f["filename"], f["content_type"]) for f in files] == [
        ("shot.png", "image/png"),
        ("log.txt", "text/plain"),
    ]
    assert all(f["message_id"] == body["messages"][0]["id"] for f in files)
    # Bound to the first message: visible and downloadable by the customer who sent them.
    detail = call(client, "get", f"/api/v1/tickets/{body['id']}").json()
    assert [f["id"] for f in detail["messages"][0]["attachments"]] == [f["id"] for f in files]
    download = client.get(files[0]["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert len(_stored_files(_media)) == 2


def test_one_refused_file_leaves_no_ticket_no_number_and_no_stored_file(two_tenants, _media):  # noqa: PT019
    tenant = two_tenants.a.tenant
    client, _ = token_client(two_tenants.a.agent)
    first = call(client, "post", "/api/v1/tickets", {"subject": "a", "body_text": "b"}).json()
    before = _count(tenant)
    response = _create(
        client,
        {"subject": "With a program", "body_text": "x"},
        [("ok.png", PNG), ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100)],
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert _count(tenant) == before
    assert _stored_files(_media) == [], "the file stored before the refused one is deleted again"
    # The refused create used up no number.
    after = call(client, "post", "/api/v1/tickets", {"subject": "c", "body_text": "d"}).json()
    assert after["number"] == first["number"] + 1


def test_oversized_file_is_413_and_leaves_no_ticket(two_tenants, settings, _media):  # noqa: PT019
    settings.ATTACHMENT_MAX_BYTES = 100
    before = _count(two_tenants.a.tenant)
    response = _create(
        session_client(two_tenants.a.customer),
        {"subject": "Big", "body_text": "x"},
        [("big.txt", b"a" * 500)],
    )
    assert response.status_code == 413
    assert _count(two_tenants.a.tenant) == before and _stored_files(_media) == []


def test_bad_data_is_422_with_field_errors(two_tenants):
    client = session_client(two_tenants.a.customer)
    response = _create(client, {"body_text": "no subject"}, [("log.txt", b"hi")])
    assert response.status_code == 422
    assert "data.subject" in response.json()["errors"]
    broken = client.post("/api/v1/tickets/multipart", {"data": "{not json"})
    assert broken.status_code == 422


def test_customer_cannot_set_agent_fields_through_multipart(two_tenants):
    response = _create(
        session_client(two_tenants.a.customer),
        {"subject": "x", "body_text": "y", "assignee_id": two_tenants.a.agent.id},
        [("log.txt", b"hi")],
    )
    assert response.status_code == 403


def test_other_tenant_cannot_create_on_this_tenant(two_tenants):
    before = _count(two_tenants.a.tenant)
    data = {"subject": "intruder", "body_text": "x"}
    attempts = [
        (token_client(two_tenants.b.agent, host_tenant=two_tenants.a.tenant)[0], {}),
        (session_client(two_tenants.b.agent), {"HTTP_HOST": host_for(two_tenants.a.tenant)}),
    ]
    for client, extra in attempts:
        assert _create(client, data, [("log.txt", b"hi")], **extra).status_code == 404
    # A's requester id from B's side is refused, not used.
    own = _create(
        session_client(two_tenants.b.agent), {**data, "requester_id": two_tenants.a.customer.id}, []
    )
    assert own.status_code in (404, 422)
    assert _count(two_tenants.a.tenant) == before
