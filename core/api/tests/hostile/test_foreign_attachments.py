"""Foreign ids in replies and merges: attachments, articles and tickets that are not the caller's.

Advisory: FreeScout CVE-2026-41192 (attaching another conversation's files to a reply by
id). A reply binds only the sender's own, unsent uploads of that very ticket; a merge or a
link takes only a ticket of the caller's tenant; an article link only the tenant's own
articles. Every other id answers 4xx, never 500, and nothing is bound.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kb.tests.conftest import make_article
from tenancy.context import tenant_context
from testing.factories import session_client
from tickets.models import Attachment
from tickets.tests.helpers import call, make_ticket

ADVISORY_CLASS = "foreign ids (attachments, merges)"
pytestmark = pytest.mark.django_db
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(member, ticket) -> int:
    response = session_client(member).post(
        f"/api/v1/tickets/{ticket.id}/attachments", {"file": SimpleUploadedFile("shot.png", PNG)}
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_replies_bind_only_the_senders_own_unsent_uploads(two_tenants, tally):
    a, b = two_tenants.a, two_tenants.b
    ticket, other_ticket, b_ticket = make_ticket(a.customer), make_ticket(a.customer), make_ticket(b.customer)
    agent = session_client(a.agent)
    sent = _upload(a.agent, ticket)
    assert (
        call(
            agent,
            "post",
            f"/api/v1/tickets/{ticket.id}/messages",
            {"body_text": "x", "attachment_ids": [sent]},
        ).status_code
        == 201
    )
    foreign = {
        "another tenant's upload": _upload(b.customer, b_ticket),
        "the customer's upload": _upload(a.customer, ticket),
        "an upload on another ticket": _upload(a.agent, other_ticket),
        "an already sent attachment": sent,
        "an id that does not exist": 10**9,
        "id 0": 0,
        "a negative id": -1,
        "an id beyond bigint": 2**63,
    }
    for label, attachment_id in foreign.items():
        for internal in (False, True):
            response = call(agent, "post", f"/api/v1/tickets/{ticket.id}/messages",
                            {"body_text": "x", "internal": internal, "attachment_ids": [attachment_id]})  # fmt: skip
            tally.judge(attachment_id, f"reply with {label}", status=response.status_code, harmless=False)
        mixed = call(agent, "post", f"/api/v1/tickets/{ticket.id}/messages",
                     {"body_text": "x", "attachment_ids": [_upload(a.agent, ticket), attachment_id]})  # fmt: skip
        tally.judge(
            attachment_id, f"reply with an own upload and {label}", status=mixed.status_code, harmless=False
        )
    with tenant_context(b.tenant.id):
        assert not Attachment.objects.filter(message__isnull=False).exists()  # B's upload was never bound
    tally.assert_held()


def test_merges_and_links_take_only_the_callers_tickets(two_tenants, tally):
    a, b = two_tenants.a, two_tenants.b
    ticket, b_ticket = make_ticket(a.customer), make_ticket(b.customer)
    agent, customer = session_client(a.agent), session_client(a.customer)
    for label, target in (("another tenant's ticket", b_ticket.id), ("itself", ticket.id),
                          ("no ticket", 10**9), ("a negative id", -5), ("an id beyond bigint", 2**63)):  # fmt: skip
        merged = call(agent, "post", f"/api/v1/tickets/{ticket.id}/merge", {"target_id": target})
        tally.judge(target, f"merge into {label}", status=merged.status_code, harmless=False)
        linked = call(
            agent, "post", f"/api/v1/tickets/{ticket.id}/links", {"target_id": target, "kind": "related"}
        )
        tally.judge(target, f"link to {label}", status=linked.status_code, harmless=False)
    other = make_ticket(a.agent, requester_id=a.customer.id)
    merged = call(customer, "post", f"/api/v1/tickets/{ticket.id}/merge", {"target_id": other.id})
    tally.judge(other.id, "a customer merges", status=merged.status_code, harmless=False)
    tally.assert_held()


def test_article_links_and_files_stay_in_their_tenant(two_tenants, tally):
    a, b = two_tenants.a, two_tenants.b
    ticket = make_ticket(a.customer)
    b_article = make_article(b.agent, "Globex secret", "classified")
    agent = session_client(a.agent)
    for label, article_id in (
        ("another tenant's article", b_article.id),
        ("no article", 10**9),
        ("id beyond bigint", 2**63),
    ):
        response = call(
            agent,
            "post",
            f"/api/v1/tickets/{ticket.id}/messages",
            {"body_text": "x", "article_ids": [article_id]},
        )
        tally.judge(article_id, f"reply linking {label}", status=response.status_code, harmless=False)
    upload = session_client(b.agent).post(
        f"/api/v1/kb/manage/articles/{b_article.id}/attachments",
        {"file": SimpleUploadedFile("shot.png", PNG)},
    )
    assert upload.status_code == 201, upload.content
    a_article = make_article(a.agent, "Acme article", "body")
    for reader in (session_client(a.customer), session_client(a.agent)):
        response = reader.get(f"/api/v1/kb/articles/{a_article.slug}/attachments/{upload.json()['id']}")
        tally.judge(
            upload.json()["id"],
            "another tenant's article file under an own article",
            status=response.status_code,
            harmless=False,
        )
    tally.assert_held()
