"""Stored XSS: hostile HTML in every field that is stored and shown again.

Advisories: django-helpdesk CVE-2021-3945 (stored XSS in ticket fields), osTicket
CVE-2022-1316 (stored XSS through ticket content). Where the API hands out HTML for the
portal to render (message bodies, knowledge base articles, search snippets, notification
mails) it must come out sanitised; plain-text fields (subjects, names, tags, custom fields)
are escaped by the portal, which `test_stored_xss_portal.py` proves in a real browser.
"""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

import pytest

from email_channel.addresses import support_address
from email_channel.inbound import email_ingest
from notifications.services import render_email
from tenancy.context import tenant_context
from testing.factories import session_client
from tickets.tests.helpers import call

from .harmless import active_content, only_marks
from .payloads import XSS

ADVISORY_CLASS = "stored XSS"
pytestmark = pytest.mark.django_db


def _judge_html(tally, payload, where, response, html_of):
    if response.status_code >= 400:
        tally.judge(payload, where, status=response.status_code, harmless=False)
        return
    found = active_content(html_of(response.json()))
    tally.judge(payload, where, status=response.status_code, harmless=not found, detail=str(found))


def test_message_bodies_come_out_sanitised(two_tenants, tally):
    a = two_tenants.a
    customer, agent = session_client(a.customer), session_client(a.agent)
    for payload in XSS:
        created = call(customer, "post", "/api/v1/tickets", {"subject": "help", "body_html": payload})
        if created.status_code >= 400:
            tally.judge(payload, "POST /tickets body_html", status=created.status_code, harmless=False)
            continue
        ticket_id = created.json()["id"]
        messages = call(agent, "get", f"/api/v1/tickets/{ticket_id}/messages")
        _judge_html(tally, payload, "ticket create body_html", messages, lambda d: d[0]["body_html"])
        reply = call(agent, "post", f"/api/v1/tickets/{ticket_id}/messages", {"body_html": payload})
        _judge_html(tally, payload, "reply body_html", reply, lambda d: d["body_html"])
        note = call(agent, "post", f"/api/v1/tickets/{ticket_id}/messages", {"body_text": payload})
        _judge_html(tally, payload, "reply body_text", note, lambda d: d["body_html"])
        seen = call(customer, "get", f"/api/v1/tickets/{ticket_id}")
        _judge_html(tally, payload, "customer's ticket view", seen, lambda d: "".join(
            m["body_html"] for m in d["messages"]))  # fmt: skip
    tally.assert_held()


def test_inbound_email_html_comes_out_sanitised(two_tenants, tally):
    a = two_tenants.a
    agent = session_client(a.agent)
    for n, payload in enumerate(XSS):
        mail = EmailMessage()
        mail["From"] = f"Mallory <mallory{n}@attacker.example>"
        mail["To"] = support_address(a.tenant.slug)
        mail["Subject"] = f"hostile html {n}"
        mail["Message-ID"] = f"<xss-{n}@attacker.example>"
        mail.set_content("plain part")
        mail.add_alternative(f"<p>hello</p>{payload}", subtype="html")
        result = email_ingest(raw=mail.as_bytes(), rcpt_to=[support_address(a.tenant.slug)])
        if result.ticket_id is None:
            tally.rejected(payload, "inbound email")
            continue
        messages = call(agent, "get", f"/api/v1/tickets/{result.ticket_id}/messages")
        _judge_html(tally, payload, "inbound email html", messages, lambda d: d[0]["body_html"])
    tally.assert_held()


@pytest.mark.parametrize("body_format", ["html", "markdown"])
def test_knowledge_base_articles_come_out_sanitised(two_tenants, tally, body_format):
    a = two_tenants.a
    staff, reader = session_client(a.agent), session_client(a.customer)
    for n, payload in enumerate(XSS):
        created = call(staff, "post", "/api/v1/kb/manage/articles", {
            "title": f"Article {n} {body_format}", "body": f"zebra words\n\n{payload}",
            "body_format": body_format, "status": "published",
        })  # fmt: skip
        if created.status_code >= 400:
            tally.judge(payload, f"KB article ({body_format})", status=created.status_code, harmless=False)
            continue
        slug = created.json()["slug"]
        shown = call(reader, "get", f"/api/v1/kb/articles/{slug}")
        _judge_html(tally, payload, f"KB article body ({body_format})", shown, lambda d: d["body_html"])
    tally.assert_held()


def test_search_snippets_carry_only_marks(two_tenants, tally):
    a = two_tenants.a
    customer, agent = session_client(a.customer), session_client(a.agent)
    for n, payload in enumerate(XSS):
        word = f"zebra{n}x"
        call(customer, "post", "/api/v1/tickets", {
            "subject": f"{payload} {word}", "body_text": f"{payload} {word} in the body",
        })  # fmt: skip
        call(agent, "post", "/api/v1/kb/manage/articles", {
            "title": f"{word} {payload}"[:300], "body": f"{word} {payload}", "body_format": "html",
            "status": "published",
        })  # fmt: skip
        for where, path, pick in (
            ("ticket search", f"/api/v1/search?q={quote(word)}", lambda d: d["items"]),
            (
                "KB search",
                f"/api/v1/kb/search?q={quote(word)}",
                lambda d: d["items"] if isinstance(d, dict) else d,
            ),
        ):
            response = call(agent, "get", path)
            if response.status_code >= 400:
                tally.judge(payload, where, status=response.status_code, harmless=False)
                continue
            hits = pick(response.json())
            fragments = [h.get(k, "") for h in hits for k in ("subject_html", "snippet_html")]
            leaks = [leak for f in fragments for leak in only_marks(f)]
            tally.judge(payload, where, status=200, harmless=bool(hits) and not leaks,
                        detail=f"{leaks} in {fragments}" if hits else "(no hit: the check saw nothing)")  # fmt: skip
    tally.assert_held()


def test_notification_mail_html_escapes_ticket_text(two_tenants, tally):
    a = two_tenants.a
    for payload in XSS:
        with tenant_context(a.tenant.id):
            _, _, html = render_email(
                tenant=a.tenant,
                event_type="ticket.created",
                context={
                    "title": f"New ticket #1: {payload}",
                    "data": {"number": 1, "body_text": payload},
                    "recipient": a.agent,
                    "ticket_url": "http://acme.example/agent/tickets/1",
                },
            )
        found = active_content(html)
        tally.judge(payload, "notification mail html", status=200, harmless=not found, detail=str(found))
    tally.assert_held()
