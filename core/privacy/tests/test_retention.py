"""Retention: a dry-run count before enabling, then the sweep closes and purges tickets resolved more
than N days ago (text, files, comments gone; statistics kept), once; each tenant has its own rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import AuditEvent
from csat.models import CsatSurvey
from events.models import OutboxEvent
from privacy.selectors import PURGED_SUBJECT
from privacy.services import retention_run
from privacy.services.retention import PURGED_TEXT
from privacy.tasks import retention_sweep
from privacy.tests.helpers import customer_history
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.models import Attachment, Message, Ticket, TicketChange
from tickets.tests.helpers import call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _age(world, ticket, days):
    with tenant_context(world.tenant.id):
        Ticket.objects.filter(id=ticket.id).update(
            status="solved", solved_at=timezone.now() - dt.timedelta(days=days)
        )


def test_dry_run_then_enable_then_purge_once(two_tenants, django_capture_on_commit_callbacks):
    world = two_tenants.a
    history = customer_history(world)
    old, recent = history.tickets
    _age(world, old, 400)
    _age(world, recent, 40)
    other_old = customer_history(two_tenants.b, name="Bob Other").tickets[0]
    _age(two_tenants.b, other_old, 400)
    admin = session_client(world.admin)

    assert call(admin, "get", "/api/v1/privacy/retention").json()["enabled"] is False
    preview = call(admin, "get", "/api/v1/privacy/retention/preview?days=365")
    assert preview.status_code == 200 and preview.json() == {"days": 365, "due_now": 1}
    assert call(admin, "get", "/api/v1/privacy/retention/preview?days=30").json()["due_now"] == 2
    assert call(admin, "get", "/api/v1/privacy/retention/preview?days=3").status_code == 422
    bad = call(admin, "put", "/api/v1/privacy/retention", {"enabled": True, "days": 99999})
    assert bad.status_code == 422 and "days" in bad.content.decode()
    assert call(session_client(world.agent), "get", "/api/v1/privacy/retention").status_code == 403

    # nothing happens while the rule is off
    assert retention_run(tenant_id=world.tenant.id) == 0
    saved = call(admin, "put", "/api/v1/privacy/retention", {"enabled": True, "days": 365})
    assert saved.status_code == 200 and saved.json()["due_now"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_sweep() == 1  # every tenant's rule; B has none
    with tenant_context(world.tenant.id):
        purged = Ticket.objects.get(id=old.id)
        assert purged.subject == PURGED_SUBJECT and purged.status == "closed" and purged.closed_at is not None
        assert purged.priority == old.priority and purged.requester_id == old.requester_id
        assert set(Message.objects.filter(ticket=purged).values_list("body_text", flat=True)) == {PURGED_TEXT}
        assert not Attachment.objects.filter(ticket=purged).exists()
        survey = CsatSurvey.objects.get(ticket=purged)
        assert survey.rating == 4 and survey.comment == ""
        assert TicketChange.objects.filter(ticket=purged, via="retention", new="closed").exists()
        assert Ticket.objects.get(id=recent.id).subject == "Password reset"
        assert OutboxEvent.objects.get(type="privacy.tickets_purged").envelope["data"]["ticket_ids"] == [
            old.id
        ]
        assert AuditEvent.objects.filter(action="privacy.retention_purge").count() == 1
        assert AuditEvent.objects.filter(action="privacy.retention_changed").count() == 1
    assert not default_storage.exists(history.file_name)
    with tenant_context(two_tenants.b.tenant.id):
        assert Ticket.objects.get(id=other_old.id).subject != PURGED_SUBJECT

    # a second run finds nothing left to do
    assert retention_run(tenant_id=world.tenant.id) == 0
    state = call(admin, "get", "/api/v1/privacy/retention").json()
    assert state["due_now"] == 0 and state["last_run_at"] is not None


def test_retention_is_per_tenant(two_tenants):
    a_admin = session_client(two_tenants.a.admin)
    assert call(a_admin, "put", "/api/v1/privacy/retention", {"enabled": True, "days": 90}).status_code == 200
    b_rule = call(session_client(two_tenants.b.admin), "get", "/api/v1/privacy/retention").json()
    assert b_rule["enabled"] is False and b_rule["days"] == 730
    # the people search of a tenant lists only its members
    found = call(a_admin, "get", "/api/v1/privacy/people?q=customer").json()
    assert [p["email"] for p in found] == ["customer@acme.test"]
    assert_other_tenant_gets_404(
        two_tenants, "get", f"/api/v1/privacy/people/{two_tenants.a.customer.id}/erasure", expect_ok=False
    )
