"""Intake details: CC'd people follow the ticket, attachments and inline images are stored."""

from __future__ import annotations

import base64
import hashlib

import pytest

from email_channel.inbound import email_ingest
from email_channel.models import InboundEmail
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "00000100e221bc330000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode()


def mail_with_parts(*, cc: str = "", big: bytes = b"", exe: bool = False) -> bytes:
    parts = [
        'Content-Type: multipart/related; boundary="rel"\n\n--rel\nContent-Type: text/html; charset=utf-8\n\n'
        '<p>See the screenshot</p><img src="cid:shot@mail">\n--rel\nContent-Type: image/png\n'
        f"Content-ID: <shot@mail>\nContent-Transfer-Encoding: base64\n\n{_b64(PNG)}--rel--\n",
        'Content-Type: application/pdf; name="invoice.pdf"\nContent-Disposition: attachment; filename="invoice.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{_b64(PDF)}",
    ]
    if big:
        parts.append(
            'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="dump.bin"\n'
            f"Content-Transfer-Encoding: base64\n\n{_b64(big)}"
        )
    if exe:
        parts.append(
            'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="setup.exe"\n'
            f"Content-Transfer-Encoding: base64\n\n{_b64(b'MZ' + bytes(200))}"
        )
    body = "".join(f"--mix\n{p}\n" for p in parts) + "--mix--\n"
    head = (
        "From: Ann <ann@example.com>\nTo: support@acme.mail.localhost\n"
        + (f"Cc: {cc}\n" if cc else "")
        + "Subject: Broken invoice\nMessage-ID: <parts-1@example.com>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="mix"\n\n'
    )
    return (head + body).encode()


def test_ccd_people_become_customers_and_followers_but_never_our_own_addresses(two_tenants):
    from accounts.selectors import user_by_email
    from tickets.models import TicketFollower

    tenant = two_tenants.a.tenant
    tenant.settings = {**(tenant.settings or {}), "email": {"from_address": "Acme Help <help@acme.example>"}}
    tenant.save()
    agent_email = two_tenants.a.agent.user.email
    cc = f"Bob <bob@example.com>, support@acme.mail.localhost, {agent_email}, ann@example.com, help@acme.example"
    result = email_ingest(raw=mail_with_parts(cc=cc))
    assert result.status == "created"
    with tenant_context(tenant.id):
        followers = set(
            TicketFollower.objects.filter(tenant=tenant, ticket_id=result.ticket_id).values_list(
                "membership__user__email", "membership__role"
            )
        )
    # Bob is new: a customer of this tenant. The agent keeps their role. The requester and
    # the tenant's own support address are not followers.
    assert followers == {("bob@example.com", "customer"), (agent_email, "agent")}
    assert user_by_email(email="support@acme.mail.localhost") is None
    assert user_by_email(email="help@acme.example") is None

    # A reply with a new CC adds that person; a follower's own reply continues the ticket.
    reply = (
        b"From: bob@example.com\nTo: support@acme.mail.localhost\nCc: carol@example.com\n"
        b"Subject: Re: Broken invoice\nMessage-ID: <parts-2@example.com>\n"
        b"In-Reply-To: <parts-1@example.com>\n\nSame here.\n"
    )
    again = email_ingest(raw=reply)
    assert (again.status, again.ticket_id) == ("continued", result.ticket_id)
    with tenant_context(tenant.id):
        emails = set(
            TicketFollower.objects.filter(tenant=tenant, ticket_id=result.ticket_id).values_list(
                "membership__user__email", flat=True
            )
        )
    assert emails == {"bob@example.com", agent_email, "carol@example.com"}


def test_attachments_and_inline_images_are_stored_on_the_message(two_tenants, settings, tmp_path):
    from tickets.models import Attachment, Message

    settings.MEDIA_ROOT = tmp_path
    tenant = two_tenants.a.tenant
    result = email_ingest(raw=mail_with_parts())
    with tenant_context(tenant.id):
        message = Message.objects.get(tenant=tenant, ticket_id=result.ticket_id)
        stored = {
            a.filename: (a.content_type, a.size, a.sha256, a.message_id, a.file.read())
            for a in Attachment.objects.filter(tenant=tenant, ticket_id=result.ticket_id)
        }
    assert stored["invoice.pdf"] == (
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
        message.id,
        PDF,
    )
    png = stored["image"]
    assert png[0] == "image/png" and png[2] == hashlib.sha256(PNG).hexdigest() and png[3] == message.id
    assert len(stored) == 2


def test_oversize_and_forbidden_attachments_are_recorded_not_dropped(two_tenants, settings, tmp_path):
    from tickets.models import Attachment, Message

    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 5000
    tenant = two_tenants.a.tenant
    result = email_ingest(raw=mail_with_parts(big=bytes(range(256)) * 40, exe=True))
    assert result.status == "created"
    with tenant_context(tenant.id):
        names = set(Attachment.objects.filter(tenant=tenant).values_list("filename", flat=True))
        note = Message.objects.get(tenant=tenant, ticket_id=result.ticket_id, is_internal=True)
        inbound = InboundEmail.objects.get(tenant=tenant, id=result.inbound_id)
    assert names == {"invoice.pdf", "image"}
    assert "dump.bin (10240 bytes): larger than the attachment limit" in note.body_text
    assert "setup.exe" in note.body_text and "Programs" in note.body_text
    assert note.author_id is None  # a system note: customers never see it
    assert len(inbound.attachments_refused) == 2
