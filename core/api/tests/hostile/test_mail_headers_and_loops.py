"""CRLF in mail headers, and mail loops.

Advisory: Django CVE-2015-5144 (header injection through newlines in values that become
mail headers). A subject or a name with CR/LF never adds a header or a recipient on the
wire (a real SMTP server, aiosmtpd, receives the mail); inbound mail that is an
auto-reply, bulk, a bounce, or our own mail coming back is quarantined, so no ticket is
opened and nothing answers it.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from accounts.models import User
from email_channel.addresses import support_address
from email_channel.inbound import email_ingest
from email_channel.models import OutboundEmail
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.mail_catcher import start_mail_catcher
from testing.outbound_mail import deliver_mail
from tickets.tests.helpers import call

from .payloads import CRLF

ADVISORY_CLASS = "CRLF in mail headers, mail loops"
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    catcher = start_mail_catcher()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", catcher.port, False
    yield catcher
    catcher.stop()


def test_newlines_in_subjects_and_names_never_split_headers(two_tenants, smtp, tally):
    a = two_tenants.a
    agent = session_client(a.agent)
    customer_email = a.customer.user.email
    for payload in CRLF:
        User.objects.filter(id=a.agent.user_id).update(
            full_name=payload.replace("\x00", "")
        )  # no NUL in a text column
        created = call(
            agent,
            "post",
            "/api/v1/tickets",
            {"subject": payload, "requester_id": a.customer.id, "body_text": "x"},
        )
        if created.status_code >= 400:
            tally.judge(payload, "ticket subject", status=created.status_code, harmless=False)
            continue
        before = len(smtp.mails)
        reply = call(
            agent, "post", f"/api/v1/tickets/{created.json()['id']}/messages", {"body_text": "an answer"}
        )
        assert reply.status_code == 201, reply.content
        deliver_mail()
        caught = smtp.mails[before:]
        to_customer = [m for m in caught if customer_email in m.rcpt_tos]
        problems = [
            f"recipients {m.rcpt_tos}"
            for m in caught
            if set(m.rcpt_tos) - {customer_email, a.agent.user.email, a.admin.user.email, a.owner.user.email}
        ]
        for m in to_customer:
            message = m.message
            if (
                message.get_all("Bcc")
                or len(message.get_all("To", [])) != 1
                or len(message.get_all("Subject", [])) != 1
            ):
                problems.append(f"headers {list(message.keys())}")
            if b"injected body" in m.raw.split(b"\r\n\r\n", 1)[0]:
                problems.append("text in the header block")
        with tenant_context(a.tenant.id):
            stuck = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count()
        if stuck:
            problems.append(f"{stuck} mail(s) could not be sent")
        tally.judge(payload, "reply mail subject and sender name", status=200,
                    harmless=bool(to_customer) and not problems, detail=str(problems or "no mail reached the customer"))  # fmt: skip
    tally.assert_held()


LOOPS = [
    ({"Auto-Submitted": "auto-replied"}, None),
    ({"Auto-Submitted": "auto-generated"}, None),
    ({"Auto-Submitted": "auto-notified"}, None),
    ({"Precedence": "bulk"}, None),
    ({"Precedence": "junk"}, None),
    ({"Precedence": "auto_reply"}, None),
    ({"X-Autoreply": "yes"}, None),
    ({"X-Autorespond": "yes"}, None),
    ({"Content-Type": "multipart/report; report-type=delivery-status"}, None),
    ({}, "<>"),  # a bounce: null envelope sender
    ({"From": "MAILER-DAEMON@mx.example"}, None),
    ({"From": "postmaster@mx.example"}, None),
    ({"From": "support@{domain}"}, None),  # our own address coming back
]


def test_auto_replies_bounces_and_our_own_mail_are_not_answered(two_tenants, tally):
    tenant = two_tenants.a.tenant
    to = support_address(tenant.slug)
    for n, (headers, envelope_from) in enumerate(LOOPS):
        mail = EmailMessage()
        mail["From"] = headers.get("From", f"someone{n}@customer.example").format(domain=to.split("@", 1)[1])
        mail["To"] = to
        mail["Subject"] = "Out of office"
        mail["Message-ID"] = f"<loop-{n}@customer.example>"
        for name, value in headers.items():
            if name not in {"From", "Content-Type"}:
                mail[name] = value
        mail.set_content("I am away until Monday.")
        if "Content-Type" in headers:
            mail.replace_header("Content-Type", headers["Content-Type"])
        result = email_ingest(raw=mail.as_bytes(), mail_from=envelope_from, rcpt_to=[to])
        with tenant_context(tenant.id):
            answered = OutboundEmail.objects.count()
        if result.status == "quarantined" and not answered:
            tally.rejected(headers or envelope_from, f"inbound mail ({result.reason})")
        else:
            tally.failed(
                headers or envelope_from, "inbound mail", f"{result.status}, {answered} mail(s) queued"
            )
    # Our own outgoing Message-ID coming back (a loop through a forwarding address).
    created = call(session_client(two_tenants.a.agent), "post", "/api/v1/tickets",
                   {"subject": "q", "requester_id": two_tenants.a.customer.id, "body_text": "x"})  # fmt: skip
    call(
        session_client(two_tenants.a.agent),
        "post",
        f"/api/v1/tickets/{created.json()['id']}/messages",
        {"body_text": "a"},
    )
    deliver_mail()
    with tenant_context(tenant.id):
        sent = OutboundEmail.objects.filter(ticket_id=created.json()["id"]).first()
    assert sent is not None
    echo = EmailMessage()
    echo["From"], echo["To"], echo["Subject"] = "forwarder@customer.example", to, "Re: q"
    echo["Message-ID"] = sent.message_id
    echo.set_content("looped")
    result = email_ingest(raw=echo.as_bytes(), rcpt_to=[to])
    tally.judge(
        sent.message_id,
        "our own Message-ID coming back",
        status=422 if result.status == "quarantined" else 200,
        harmless=False,
    )
    tally.assert_held()
