"""Email channel: a corpus of real-client shapes, safety checks, threading, SMTP and the API."""

import smtplib

import pytest

from email_channel import addresses
from email_channel.inbound import _thread, email_ingest
from email_channel.models import KnownMessageId, QuarantinedEmail
from email_channel.parsing import auto_reply_reason, parse_message
from email_channel.receiver import make_controller
from tenancy.context import tenant_context
from testing.workers import free_port

GMAIL_REPLY = b"""From: Ann Customer <ann@example.com>
To: support@acme.mail.localhost
Subject: Re: [Acme #7] Printer on fire
Message-ID: <CAF=gmail1@mail.gmail.com>
In-Reply-To: <out-1@acme.mail.localhost>
References: <first@example.com> <out-1@acme.mail.localhost>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Still burning, see photo.

On Tue, Nov 24, 2026 at 10:00 AM Acme Support <support@acme.mail.localhost>=
 wrote:
> Have you tried turning it off?

--b1
Content-Type: text/html; charset="UTF-8"

<div dir=3D"ltr">Still burning, see photo.<script>alert(1)</script></div>
--b1--
"""

OUTLOOK_LATIN1 = (
    b"From: =?iso-8859-1?q?J=F6rg_K=FChn?= <jorg@example.de>\r\n"
    b"To: support@acme.mail.localhost\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
    b"Message-ID: <AM0PR01@outlook.com>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Sch\xf6ne Gr\xfc\xdfe aus M\xfcnchen\r\n\r\n"
    b"________________________________\r\nFrom: Acme Support\r\nSent: Monday\r\n\r\nold text\r\n"
)

APPLE_HTML_ONLY_WITH_INLINE_IMAGE = b"""From: bob@example.org
To: support@acme.mail.localhost
Subject: Screenshot
Message-ID: <apple-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="r1"

--r1
Content-Type: text/html; charset=utf-8

<p>Here is the error:</p><img src="cid:img1@apple">
--r1
Content-Type: image/png
Content-ID: <img1@apple>
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--r1--
"""

MOBILE_WITH_ATTACHMENT = b"""From: cat@example.net
To: support@acme.mail.localhost
Subject: Invoice
Message-ID: <mobile-1@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m1"

--m1
Content-Type: text/plain; charset=utf-8

Please check the invoice.

Sent from my iPhone
--m1
Content-Type: application/pdf; name="invoice.pdf"
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--m1--
"""

FORWARDED = b"""From: dan@example.com
To: support@acme.mail.localhost
Subject: Fwd: order 55
Message-ID: <fwd-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f1"

--f1
Content-Type: text/plain

See below.
--f1
Content-Type: message/rfc822

From: shop@example.com
Subject: order 55

Your order shipped.
--f1--
"""

MAILING_LIST = b"""From: eve@example.com
To: support@acme.mail.localhost
Subject: [users] question
Message-ID: <list-1@lists.example.com>
List-Id: <users.lists.example.com>
Precedence: list

How do I export?
"""

AUTO_REPLY = b"""From: frank@example.com
To: support@acme.mail.localhost
Subject: Out of office
Message-ID: <ooo-1@example.com>
Auto-Submitted: auto-replied

I am away.
"""


def test_gmail_reply_multipart_alternative_quotes_stripped_html_sanitized():
    p = parse_message(GMAIL_REPLY)
    assert p.new_text == "Still burning, see photo."
    assert "turning it off" in p.text  # the full original is kept
    assert "<script>" not in p.html and "Still burning" in p.html
    assert p.in_reply_to == ["<out-1@acme.mail.localhost>"]
    assert p.references[-1] == "<out-1@acme.mail.localhost>"


def test_outlook_latin1_headers_and_body_and_quote_block():
    p = parse_message(OUTLOOK_LATIN1)
    assert p.from_name == "Jörg Kühn" and p.subject == "Grüße"
    assert p.new_text == "Schöne Grüße aus München"


def test_apple_html_only_with_inline_image():
    p = parse_message(APPLE_HTML_ONLY_WITH_INLINE_IMAGE)
    assert p.text == "Here is the error:"
    [image] = p.attachments
    assert image.inline and image.content_id == "img1@apple" and image.data.startswith(b"\x89PNG")


def test_mobile_signature_stripped_and_attachment_kept():
    p = parse_message(MOBILE_WITH_ATTACHMENT)
    assert p.new_text == "Please check the invoice."
    assert [(a.filename, a.content_type, a.data[:4]) for a in p.attachments] == [
        ("invoice.pdf", "application/pdf", b"%PDF")
    ]


def test_forwarded_message_is_kept_as_attachment():
    p = parse_message(FORWARDED)
    assert p.forwarded and p.attachments[0].content_type == "message/rfc822"
    assert b"Your order shipped." in p.attachments[0].data


def test_mailing_list_is_not_an_auto_reply_but_ooo_and_bounces_are():
    assert auto_reply_reason(parse_message(MAILING_LIST), "eve@example.com") is None
    assert auto_reply_reason(parse_message(AUTO_REPLY), "frank@example.com") == "auto_reply"
    assert auto_reply_reason(parse_message(MAILING_LIST), "<>") == "bounce"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "kwargs", "reason"),
    [
        (AUTO_REPLY, {}, "auto_reply"),
        (MAILING_LIST, {"rcpt_to": ["support@nobody.mail.localhost"]}, "unknown_recipient"),
        (MAILING_LIST, {"mail_from": ""}, "bounce"),
        (b"From: x@example.com\nTo: support@acme.mail.localhost\n\n" + b"x" * 2000, {}, "too_large"),
    ],
)
def test_refused_mail_is_quarantined_with_its_reason(two_tenants, settings, raw, kwargs, reason):
    settings.FRONTLINE_EMAIL_MAX_BYTES = 1500
    result = email_ingest(raw=raw, **kwargs)
    assert (result.status, result.reason) == ("quarantined", reason)
    assert QuarantinedEmail.objects.filter(reason=reason).count() == 1


@pytest.mark.django_db
def test_duplicates_and_our_own_message_ids_are_quarantined(two_tenants):
    tenant = two_tenants.a.tenant
    with tenant_context(tenant.id):
        KnownMessageId.objects.create(
            tenant=tenant, message_id="<mobile-1@example.net>", ticket_id=5, direction="in"
        )
        KnownMessageId.objects.create(
            tenant=tenant, message_id="<apple-1@example.org>", ticket_id=5, direction="out"
        )
    assert email_ingest(raw=MOBILE_WITH_ATTACHMENT).reason == "duplicate"
    assert email_ingest(raw=APPLE_HTML_ONLY_WITH_INLINE_IMAGE).reason == "loop_own_message"
    # The same Message-ID in tenant B is not a duplicate there (it reaches the ticket step).
    raw_b = MOBILE_WITH_ATTACHMENT.replace(b"support@acme.", b"support@globex.")
    assert email_ingest(raw=raw_b).reason != "duplicate"


@pytest.mark.django_db
def test_threading_by_stored_message_ids_then_by_signed_reply_token(two_tenants):
    tenant = two_tenants.a.tenant
    with tenant_context(tenant.id):
        KnownMessageId.objects.create(
            tenant=tenant, message_id="<out-1@acme.mail.localhost>", ticket_id=77, direction="out"
        )
        assert _thread(tenant, parse_message(GMAIL_REPLY), []) == 77
        plain = parse_message(MAILING_LIST)
        assert _thread(tenant, plain, [addresses.reply_address("acme", tenant.id, 91)]) == 91
        plain.subject = f"Re: hello {addresses.subject_tag(tenant.id, 92)}"
        assert _thread(tenant, plain, []) == 92
        # A forged token (wrong signature or another tenant's) is ignored.
        assert _thread(tenant, plain, ["support+t93-0000000000@acme.mail.localhost"]) == 92
        other = two_tenants.b.tenant
        assert addresses.ticket_from_token(other.id, addresses.reply_address("acme", tenant.id, 91)) is None


@pytest.mark.django_db
def test_valid_mail_reaches_the_ticket_step_and_sender_becomes_a_customer(two_tenants):
    from accounts.selectors import membership_for_user, user_by_email

    result = email_ingest(raw=MAILING_LIST)
    assert (result.status, result.reason) == ("created", "")
    user = user_by_email(email="eve@example.com")
    with tenant_context(two_tenants.a.tenant.id):
        assert membership_for_user(tenant=two_tenants.a.tenant, user=user).role == "customer"


@pytest.mark.usefixtures("committed")
def test_real_smtp_session(settings):
    from testing.factories import make_tenant

    make_tenant("acme")
    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.ehlo("client.example.com")
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("eve@example.com", ["victim@elsewhere.com"], MAILING_LIST)  # no open relay
            smtp.sendmail("frank@example.com", ["support@acme.mail.localhost"], AUTO_REPLY)
        assert QuarantinedEmail.objects.filter(reason="auto_reply", mail_from="frank@example.com").exists()
    finally:
        controller.stop()


@pytest.mark.django_db
def test_inbound_api_needs_the_inbound_token(two_tenants, settings, client):
    settings.FRONTLINE_INBOUND_EMAIL_TOKEN = "inbound-secret-123456"
    path = "/api/v1/inbound/email"
    assert client.post(path, data=AUTO_REPLY, content_type="message/rfc822").status_code == 401
    wrong = client.post(
        path, data=AUTO_REPLY, content_type="message/rfc822", HTTP_X_FRONTLINE_INBOUND_TOKEN="nope"
    )
    assert wrong.status_code == 401
    ok = client.post(
        path,
        data=AUTO_REPLY,
        content_type="message/rfc822",
        HTTP_X_FRONTLINE_INBOUND_TOKEN="inbound-secret-123456",
    )
    assert ok.status_code == 202 and ok.json()["reason"] == "auto_reply"
    empty = client.post(
        path, data=b"", content_type="message/rfc822", HTTP_X_FRONTLINE_INBOUND_TOKEN="inbound-secret-123456"
    )
    assert empty.status_code == 400


FIRST_MAIL = b"""From: Dana Doe <dana@example.org>
To: support@acme.mail.localhost
Subject: Printer on fire
Message-ID: <first-123@example.org>
Date: Wed, 25 Nov 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

The printer in room 4 is smoking.
"""

REPLY_MAIL = b"""From: Dana Doe <dana@example.org>
To: support@acme.mail.localhost
Subject: Re: Printer on fire
Message-ID: <second-456@example.org>
In-Reply-To: <first-123@example.org>
References: <first-123@example.org>
Date: Wed, 25 Nov 2026 10:05:00 +0000
Content-Type: text/plain; charset=utf-8

Now it is out, thanks.

On Wed, 25 Nov 2026 Support wrote:
> We are on it.
"""


@pytest.mark.django_db
def test_mail_opens_a_ticket_and_the_reply_continues_it(two_tenants):
    from tickets.models import Message, Ticket

    tenant = two_tenants.a.tenant
    first = email_ingest(raw=FIRST_MAIL)
    assert first.status == "created"
    reply = email_ingest(raw=REPLY_MAIL)
    assert (reply.status, reply.ticket_id) == ("continued", first.ticket_id)
    with tenant_context(tenant.id):
        ticket = Ticket.objects.get(id=first.ticket_id)
        bodies = list(
            Message.objects.filter(ticket=ticket).order_by("id").values_list("body_text", flat=True)
        )
    assert ticket.subject == "Printer on fire"
    assert ticket.channel == "email"
    assert len(bodies) == 2
    assert "smoking" in bodies[0]
    assert bodies[1].startswith("Now it is out") and "We are on it" not in bodies[1]  # quote stripped
    # The same message again is a duplicate, not a third message.
    assert email_ingest(raw=REPLY_MAIL).reason == "duplicate"
