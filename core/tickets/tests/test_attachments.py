"""Attachments: size limit (413), type by content, SHA-256, safe download headers, who may download."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from testing.factories import make_member, session_client
from tickets.tests.helpers import call, make_ticket

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, ticket_id, name, content):
    return client.post(
        f"/api/v1/tickets/{ticket_id}/attachments", {"file": SimpleUploadedFile(name, content)}
    )


def test_upload_sniff_hash_and_download_headers(two_tenants):
    ticket = make_ticket(two_tenants.a.customer)
    client = session_client(two_tenants.a.customer)
    response = _upload(client, ticket.id, "../../etc/shot.png", PNG)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png"
    assert body["filename"] == "shot.png"
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    call(
        client,
        "post",
        f"/api/v1/tickets/{ticket.id}/messages",
        {"body_text": "see", "attachment_ids": [body["id"]]},
    )
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_html_is_served_as_opaque_bytes(two_tenants):
    ticket = make_ticket(two_tenants.a.customer)
    client = session_client(two_tenants.a.agent)
    body = _upload(client, ticket.id, "page.html", b"<html><script>alert(1)</script></html>").json()
    download = client.get(body["download_url"])
    assert not download["Content-Type"].startswith("text/html")


def test_disguised_and_executable_files_are_refused(two_tenants):
    ticket = make_ticket(two_tenants.a.customer)
    client = session_client(two_tenants.a.customer)
    assert _upload(client, ticket.id, "photo.png", b"just some text, not an image").status_code == 422
    assert _upload(client, ticket.id, "tool.exe", b"MZ\x90\x00" + b"\x00" * 100).status_code == 422
    assert _upload(client, ticket.id, "innocent.pdf", b"MZ\x90\x00" + b"\x00" * 100).status_code == 422
    assert _upload(client, ticket.id, "empty.txt", b"").status_code == 422


def test_oversized_upload_gets_413(two_tenants, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    ticket = make_ticket(two_tenants.a.customer)
    response = _upload(session_client(two_tenants.a.customer), ticket.id, "big.txt", b"x" * 2000)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_internal_note_attachments_stay_internal(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer)
    agent = session_client(a.agent)
    att = _upload(agent, ticket.id, "internal.txt", b"secret").json()
    call(
        agent,
        "post",
        f"/api/v1/tickets/{ticket.id}/messages",
        {"body_text": "note", "internal": True, "attachment_ids": [att["id"]]},
    )
    customer = session_client(a.customer)
    assert customer.get(att["download_url"]).status_code == 404
    assert agent.get(att["download_url"]).status_code == 200
    # Someone else's unsent upload cannot be downloaded or attached by a customer either.
    pending = _upload(agent, ticket.id, "draft.txt", b"draft").json()
    assert customer.get(pending["download_url"]).status_code == 404
    r = call(
        customer,
        "post",
        f"/api/v1/tickets/{ticket.id}/messages",
        {"body_text": "x", "attachment_ids": [pending["id"]]},
    )
    assert r.status_code == 422
    stranger = session_client(make_member(a.tenant, "customer"))
    assert stranger.get(att["download_url"]).status_code == 404
