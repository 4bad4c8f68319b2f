"""Tickets get AI predictions after commit; creation never waits for the AI service or fails with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from ai.tests.server import free_port, running_ai_server
from tenancy.context import tenant_context
from testing.factories import make_member, make_tenant
from tickets.models import Ticket, TicketChange
from tickets.services.tickets import ticket_create
from triage.services import ticket_triage_apply, untriaged_ticket_ids
from triage.tasks import triage_ticket

pytestmark = pytest.mark.django_db
TOKEN = "triage-flow-test-token"


@pytest.fixture(scope="module")
def ai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_ai_server(TOKEN, Path(tmp_path_factory.mktemp("ai"))) as base:
        yield base


def _ticket(tenant, member, subject="Production outage", body="Everything is down, urgent!"):
    with tenant_context(tenant.id):
        return ticket_create(
            tenant=tenant, actor=member, subject=subject, body_text=body, channel="api"
        ).ticket


def test_ai_down_leaves_the_ticket_stored_and_untriaged_then_backfill_fills_it(ai_url):
    tenant = make_tenant()
    customer = make_member(tenant, "customer")
    with override_settings(AI_URL=f"http://127.0.0.1:{free_port()}", AI_TOKEN=TOKEN):
        ticket = _ticket(tenant, customer)  # created fine with nothing listening
        from triage.ai_client import AIUnavailable

        with pytest.raises(AIUnavailable):
            triage_ticket.run(tenant.id, ticket.id)
    assert ticket.id in untriaged_ticket_ids(tenant=tenant)
    # The service is back: the retried task stores the predictions.
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        assert triage_ticket.run(tenant.id, ticket.id) is True
    with tenant_context(tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
    assert stored.ai_priority == "urgent"
    assert stored.ai_sentiment in {"negative", "neutral", "positive"}
    assert stored.ai_language == "en"
    assert ticket.id not in untriaged_ticket_ids(tenant=tenant)


def test_confident_predictions_are_applied_and_recorded_weak_ones_stay_suggestions():
    tenant = make_tenant()
    customer = make_member(tenant, "customer")
    ticket = _ticket(tenant, customer, subject="Refund", body="charged twice")
    result = {
        "category": {"enabled": True, "label": "billing", "confidence": 0.95, "model_version": 3},
        "priority": {"label": "high", "confidence": 0.40, "source": "model"},
        "sentiment": {"label": "negative", "score": -0.5, "confidence": 0.7},
        "language": {"code": "en", "confidence": 0.99},
    }
    ticket_triage_apply(tenant=tenant, ticket_id=ticket.id, result=result)
    with tenant_context(tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
        changes = list(TicketChange.objects.filter(ticket=stored, via="ai").values_list("field", "new"))
    assert stored.category == "billing"  # 0.95 >= 0.85: applied
    assert stored.priority == "normal" and stored.ai_priority == "high"  # 0.40: only a suggestion
    assert changes == [("category", "billing")]
    assert stored.ai_model_version == "3"


def test_another_tenants_ticket_is_not_touched():
    tenant, other = make_tenant(), make_tenant()
    ticket = _ticket(tenant, make_member(tenant, "customer"))
    result = {
        "category": {"enabled": False},
        "priority": {"label": "low", "confidence": None},
        "sentiment": {"label": "neutral", "confidence": 0.5},
        "language": {"code": "en", "confidence": 0.9},
    }
    assert ticket_triage_apply(tenant=other, ticket_id=ticket.id, result=result) is None


def test_customer_tier_and_sla_due_soon_raise_the_priority(ai_url):
    import datetime as dt

    from django.utils import timezone

    from sla.models import SlaClock
    from triage.services import ticket_triage_input

    tenant = make_tenant()
    customer = make_member(tenant, "customer")
    quiet = _ticket(tenant, customer, subject="Question about reports", body="How do I export a report?")
    tiered = _ticket(tenant, customer, subject="Export broken", body="The export is not working")
    with tenant_context(tenant.id):
        Ticket.objects.filter(id=tiered.id).update(custom_fields={"customer_tier": "Enterprise"})
        now = timezone.now()
        SlaClock.objects.create(
            tenant=tenant,
            ticket=quiet,
            metric="first_response",
            target_minutes=60,
            started_at=now,
            running_since=now,
            due_at=now + dt.timedelta(minutes=10),
        )
    assert ticket_triage_input(tenant=tenant, ticket_id=tiered.id)["customer_tier"] == "Enterprise"
    assert 8 <= ticket_triage_input(tenant=tenant, ticket_id=quiet.id)["sla_minutes_left"] <= 10
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        for ticket in (quiet, tiered):
            assert triage_ticket.run(tenant.id, ticket.id) is True
    with tenant_context(tenant.id):
        priorities = dict(Ticket.objects.filter(tenant=tenant).values_list("id", "ai_priority"))
    # Outage phrasing alone is "high"; an enterprise customer raises it, as does an SLA due in 10 min.
    assert priorities[tiered.id] == "urgent" and priorities[quiet.id] == "urgent"


def test_a_long_body_is_cut_to_what_the_service_accepts(ai_url):
    from triage.services import ticket_triage_input

    tenant = make_tenant()
    ticket = _ticket(tenant, make_member(tenant, "customer"), subject="Log", body="error line\n" * 3000)
    assert len(ticket_triage_input(tenant=tenant, ticket_id=ticket.id)["body"]) == 20_000
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        assert triage_ticket.run(tenant.id, ticket.id) is True
