"""Erasure: person data anonymised in place, statistics kept, files deleted, sessions ended, who did
it recorded without the erased data; idempotent; staff who own work are refused with what to do;
another tenant's person is 404; a failure halfway leaves everything as it was; one transaction."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from accounts.models import ApiToken, AuditEvent, User
from contracts.realtime import SocketRevocation, revoked_since_key
from csat.models import CsatSurvey
from email_channel.models import InboundEmail, OutboundEmail
from events.models import OutboxEvent
from events.relay import redis_client, relay_all
from privacy.models import Erasure
from privacy.services import erasure as erasure_service
from privacy.services import person_erase
from privacy.tests.helpers import NOTE, customer_history
from tenancy.context import tenant_context
from tenancy.models import Membership, Role
from testing.factories import make_member, make_user, make_world, session_client, token_client
from testing.isolation import TwoTenants, assert_other_tenant_gets_404
from tickets.models import Attachment, Message, Ticket
from tickets.tests.helpers import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _erase(member, person_id):
    return session_client(member).post(
        f"/api/v1/privacy/people/{person_id}/erase", content_type="application/json"
    )


def test_erase_customer_anonymises_in_place_and_keeps_statistics(
    two_tenants, django_capture_on_commit_callbacks
):
    world = two_tenants.a
    customer = world.customer
    history = customer_history(world)
    first, second = history.tickets
    token_client(customer)  # an API token to be removed
    customer_session = session_client(customer)
    assert customer_session.get("/api/v1/auth/me").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _erase(world.admin, customer.id)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["already_erased"] is False
    assert body["counts"]["tickets"] == 2 and body["counts"]["attachments_deleted"] == 1
    assert body["counts"]["messages_replaced"] == 3  # two first messages and the reply

    with tenant_context(world.tenant.id):
        user = User.objects.get(id=customer.user_id)
        assert user.email.endswith("@erased.invalid") and user.full_name == ""
        assert not user.has_usable_password() and not user.is_active
        membership = Membership.objects.get(id=customer.id)
        assert membership.deactivated_at is not None and membership.role == Role.CUSTOMER
        tickets = {t.id: t for t in Ticket.objects.filter(id__in=[first.id, second.id])}
        # statistics stay: status, priority, channel, times
        assert tickets[first.id].status == "solved" and tickets[first.id].solved_at is not None
        assert tickets[second.id].priority == "high"
        assert {t.subject for t in tickets.values()} == {"[erased]"}
        texts = list(
            Message.objects.filter(ticket_id__in=[first.id, second.id]).values_list("body_text", flat=True)
        )
        assert "Hi [erased], here it is. Regards, support." in texts  # the agent's reply, scrubbed
        # other people's messages on their tickets keep their text without the person's name or email
        assert NOTE.replace("Carol", "[erased]") in texts
        assert not any("Carol" in t or "555-0100" in t or "invoice" in t for t in texts)
        assert not Attachment.objects.filter(id=history.attachment.id).exists()
        survey = CsatSurvey.objects.get(ticket=first)
        assert survey.rating == 4 and survey.comment == ""
        assert not ApiToken.objects.filter(membership_id=customer.id).exists()
        # search no longer finds them by their words
        assert not Ticket.objects.filter(id=first.id, search_vector="invoice").exists()
        audit = AuditEvent.objects.get(action="privacy.erase")
        assert audit.actor_id == world.admin.user_id and audit.detail["membership_id"] == customer.id
        event = OutboxEvent.objects.get(type="privacy.person_erased")
        for recorded in (json.dumps(audit.detail), json.dumps(event.envelope)):
            assert "Carol" not in recorded and "customer@acme.test" not in recorded
        assert event.envelope["data"]["ticket_ids"] == sorted([first.id, second.id])
    assert not default_storage.exists(history.file_name)  # the file went when the erasure committed
    assert customer_session.get("/api/v1/auth/me").status_code in (401, 403)  # their session ended
    # and every gateway was told to close their open sockets (the revocation the gateways read)
    revocation = redis_client().get(revoked_since_key(customer.user_id))
    assert revocation is not None
    assert SocketRevocation.model_validate_json(revocation).reason == "person erased"

    # a second erasure is the first one's record; nothing changes, no second audit row
    again = _erase(world.admin, customer.id)
    assert again.status_code == 200 and again.json()["already_erased"] is True
    assert again.json()["counts"] == body["counts"]
    with tenant_context(world.tenant.id):
        assert AuditEvent.objects.filter(action="privacy.erase").count() == 1
    record = session_client(world.admin).get(f"/api/v1/privacy/people/{customer.id}/erasure")
    assert record.status_code == 200 and record.json()["erased_by_membership_id"] == world.admin.id


def test_another_tenants_person_is_404_and_only_admins_erase(two_tenants):
    world = two_tenants.a
    customer = world.customer
    assert _erase(world.agent, customer.id).status_code == 403
    assert _erase(world.customer, customer.id).status_code == 403
    assert _erase(two_tenants.b.admin, customer.id).status_code == 404
    assert session_client(world.admin).get(f"/api/v1/privacy/people/{customer.id}/erasure").status_code == 404
    assert_other_tenant_gets_404(two_tenants, "post", f"/api/v1/privacy/people/{customer.id}/erase")
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/privacy/people/{customer.id}/erasure")
    with tenant_context(two_tenants.b.tenant.id):
        assert not Erasure.objects.exists()


def test_staff_who_own_work_yourself_and_owners_are_refused_with_what_to_do(two_tenants):
    world = two_tenants.a
    agent = world.agent
    ticket = customer_history(world).tickets[1]
    with tenant_context(world.tenant.id):
        Ticket.objects.filter(id=ticket.id).update(assignee=agent)
    refused = _erase(world.admin, agent.id)
    assert refused.status_code == 409
    assert "assignee of 1 ticket" in refused.json()["detail"] and "Reassign" in refused.json()["detail"]
    assert _erase(world.admin, world.admin.id).status_code == 409
    owner = _erase(world.admin, world.owner.id)
    assert owner.status_code == 409 and "owner" in owner.json()["detail"]
    with tenant_context(world.tenant.id):
        assert not Erasure.objects.exists()
        assert User.objects.get(id=agent.user_id).email == agent.user.email
        Ticket.objects.filter(id=ticket.id).update(assignee=None)
    erased = _erase(world.admin, agent.id)
    assert erased.status_code == 200, erased.content
    with tenant_context(world.tenant.id):
        # an agent's replies on other people's tickets are the tenant's record: kept, unnamed
        assert Message.objects.filter(author=agent, body_text__startswith="Hi Carol, here it is").exists()


def test_a_person_in_two_tenants_keeps_their_identity_in_the_other(two_tenants):
    shared = make_user("pat@example.org", "pw-123456789", full_name="Pat Both")
    in_a = make_member(two_tenants.a.tenant, Role.CUSTOMER, shared)
    in_b = make_member(two_tenants.b.tenant, Role.CUSTOMER, shared)
    assert _erase(two_tenants.a.admin, in_a.id).status_code == 200
    shared.refresh_from_db()
    assert (
        shared.email == "pat@example.org" and shared.full_name == "Pat Both" and shared.has_usable_password()
    )
    with tenant_context(two_tenants.a.tenant.id):
        moved = Membership.objects.select_related("user").get(id=in_a.id)
        assert moved.user_id != shared.id and moved.user.email.endswith("@erased.invalid")
    with tenant_context(two_tenants.b.tenant.id):
        assert Membership.objects.get(id=in_b.id).user_id == shared.id
    assert session_client(in_b).get("/api/v1/auth/me").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_failure_halfway_leaves_nothing_half_done(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    worlds = TwoTenants(a=make_world("halfco"), b=make_world("otherhalf"))
    world = worlds.a
    history = customer_history(world)

    def fail(**kwargs):
        raise RuntimeError("disk on fire")

    # after messages were replaced and attachment rows deleted, before the tickets are scrubbed
    monkeypatch.setattr(erasure_service, "tickets_scrub", fail)
    with tenant_context(world.tenant.id), pytest.raises(RuntimeError):
        person_erase(tenant=world.tenant, actor=world.admin, person=world.customer)
    with tenant_context(world.tenant.id):
        assert Message.objects.filter(body_text="Thanks! My phone is 555-0100.").exists()
        assert Attachment.objects.filter(id=history.attachment.id).exists()
        assert Ticket.objects.get(id=history.tickets[0].id).subject == "My invoice 4711 for Carol"
        assert CsatSurvey.objects.get(ticket_id=history.tickets[0].id).comment
        assert not Erasure.objects.exists() and not AuditEvent.objects.filter(action="privacy.erase").exists()
        assert not OutboxEvent.objects.filter(type="privacy.person_erased").exists()
        user = User.objects.get(id=world.customer.user_id)
        assert user.full_name == "Carol Customer" and user.email == world.customer.user.email
        assert Membership.objects.get(id=world.customer.id).deactivated_at is None
    assert default_storage.exists(history.file_name)

    monkeypatch.undo()
    with tenant_context(world.tenant.id):
        person_erase(tenant=world.tenant, actor=world.admin, person=world.customer)
        assert Message.objects.filter(body_text="[erased]").count() == 3


@pytest.mark.django_db(transaction=True)
def test_erasure_is_one_transaction(settings, tmp_path, monkeypatch):
    """Every write of the erasure request happens inside a transaction, and the connection commits
    once, after the last write (savepoints inside it do not commit)."""
    settings.MEDIA_ROOT = tmp_path
    world = make_world("onetx")
    customer_history(world)
    writes: list[tuple[str, bool]] = []
    commits: list[int] = []
    real_commit = connection.commit

    def counting_commit():
        commits.append(len(writes))
        return real_commit()

    def watch(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            writes.append(
                (
                    sql.split(None, 3)[2] if verb != "UPDATE" else sql.split(None, 2)[1],
                    connection.in_atomic_block,
                )
            )
        return execute(sql, params, many, context)

    client = session_client(world.admin)
    monkeypatch.setattr(connection, "commit", counting_commit)
    with connection.execute_wrapper(watch):
        response = client.post(
            f"/api/v1/privacy/people/{world.customer.id}/erase", content_type="application/json"
        )
    assert response.status_code == 200, response.content
    tables = {table.strip('"') for table, _ in writes}
    assert {
        "tickets_message",
        "tickets_ticket",
        "accounts_user",
        "tenancy_membership",
        "csat_csatsurvey",
        "tickets_attachment",
        "privacy_erasure",
        "accounts_auditevent",
        "events_outboxevent",
    } <= tables, tables
    assert all(inside for _, inside in writes), writes
    assert commits == [len(writes)], (commits, len(writes))


def test_the_erased_event_blanks_the_mail_copies_of_their_tickets(two_tenants):
    """The relay delivers privacy.person_erased to the email channel, which blanks the received
    original and the sent mail of the tickets, drops the unsent one, and leaves other tickets'."""
    world = two_tenants.a
    mine, other = customer_history(world).tickets[0], make_ticket(world.agent, subject="Not hers")
    relay_all()  # the history's own events first
    with tenant_context(world.tenant.id):
        for ticket in (mine, other):
            InboundEmail.objects.create(tenant=world.tenant, message_id=f"<in{ticket.id}@x>", ticket_id=ticket.id,
                                        from_address="Carol <customer@acme.test>", subject="Invoice", raw=b"Carol...")  # fmt: skip
            for status in ("sent", "pending"):
                OutboundEmail.objects.create(
                    tenant=world.tenant, dedupe_key=f"{status}{ticket.id}", to_address="customer@acme.test",
                    from_address="support@acme.test", subject="Re: Invoice", body_text="Hi Carol", status=status,
                    message_id=f"<out{status}{ticket.id}@x>", ticket_id=ticket.id,
                )  # fmt: skip
    assert _erase(world.admin, world.customer.id).status_code == 200
    relay_all()
    with tenant_context(world.tenant.id):
        received = InboundEmail.objects.get(ticket_id=mine.id)
        assert bytes(received.raw) == b"" and "customer@" not in received.from_address
        assert list(
            OutboundEmail.objects.filter(
                ticket_id=mine.id, dedupe_key__in=[f"sent{mine.id}", f"pending{mine.id}"]
            ).values_list("status", "to_address", "body_text")
        ) == [("sent", "erased@erased.invalid", "")]
        assert OutboundEmail.objects.filter(ticket_id=other.id, subject="Re: Invoice").count() == 2
        assert bytes(InboundEmail.objects.get(ticket_id=other.id).raw) == b"Carol..."
