"""No dead feature on first run: a tenant without labelled tickets gets zero-shot category
suggestions (marked as such, never applied by themselves), and the agent's pick is a label for
the first trained model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from ai.tests.server import running_ai_server
from events.relay import relay_all
from tenancy.context import tenant_context
from testing.factories import make_member, make_tenant
from tickets.models import Ticket
from tickets.services.tickets import ticket_create, ticket_update
from triage.models import Prediction
from triage.selectors import labelled_examples
from triage.services.zero_shot import GENERIC_CATEGORIES, zero_shot_categories
from triage.tasks import triage_ticket

pytestmark = pytest.mark.django_db
TOKEN = "zero-shot-test-token"


@pytest.fixture(scope="module")
def ai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_ai_server(TOKEN, Path(tmp_path_factory.mktemp("ai"))) as base:
        yield base


def _triaged(tenant, subject: str, body: str, ai_url: str) -> Ticket:
    customer = make_member(tenant, "customer")
    with tenant_context(tenant.id):
        ticket = ticket_create(
            tenant=tenant, actor=customer, subject=subject, body_text=body, channel="api"
        ).ticket
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        assert triage_ticket.run(tenant.id, ticket.id) is True
    with tenant_context(tenant.id):
        return Ticket.objects.get(id=ticket.id)


def test_a_new_tenant_gets_generic_zero_shot_suggestions_never_applied(ai_url):
    tenant = make_tenant()
    assert zero_shot_categories(tenant=tenant) == GENERIC_CATEGORIES
    ticket = _triaged(
        tenant, "Cannot sign in", "the password reset link says expired, I am locked out", ai_url
    )
    assert ticket.ai_category == "Account access"
    assert ticket.ai_model_version == "zero-shot"
    assert ticket.category == ""  # a suggestion for the agent, whatever its confidence
    with tenant_context(tenant.id):
        row = Prediction.objects.get(ticket=ticket, field="category")
    assert (row.label, row.model_version, row.applied) == ("Account access", "zero-shot", False)

    # When the agent picks another category, that is a correction and a label for the next retrain
    agent = make_member(tenant, "agent")
    with tenant_context(tenant.id):
        ticket_update(tenant=tenant, ticket=ticket, actor=agent, changes={"category": "Login"})
    relay_all()
    with tenant_context(tenant.id):
        row = Prediction.objects.get(ticket=ticket, field="category")
        assert (row.outcome, row.final_value) == ("corrected", "Login")
        assert [label for _, label in labelled_examples(tenant=tenant)] == ["Login"]
    # And the categories in use now replace the generic set, the agent's ticket as an example
    assert zero_shot_categories(tenant=tenant) == [
        {"name": "Login", "description": "", "examples": ["Cannot sign in"]}
    ]


def test_described_categories_are_matched_and_malformed_entries_skipped(ai_url):
    tenant = make_tenant()
    tenant.settings = {
        "ai": {
            "categories": [
                {"name": "Hardware", "description": "laptops, monitors, keyboards, broken devices"},
                {"name": "Payroll", "description": "salary, payslips, expenses and tax forms"},
                "VPN",
                {"description": "no name: skipped"},
                42,
            ]
        }
    }
    tenant.save(update_fields=["settings"])
    assert [c["name"] for c in zero_shot_categories(tenant=tenant)] == ["Hardware", "Payroll", "VPN"]
    ticket = _triaged(tenant, "Payslip missing", "my salary slip for March is not in the portal", ai_url)
    assert (ticket.ai_category, ticket.ai_model_version) == ("Payroll", "zero-shot")


def test_enough_labels_send_no_categories(settings):
    tenant = make_tenant()
    customer = make_member(tenant, "customer")
    settings.AI_MIN_LABELLED = 2
    with tenant_context(tenant.id):
        for n in range(2):
            ticket = ticket_create(
                tenant=tenant, actor=customer, subject=f"t{n}", body_text="x", channel="api"
            ).ticket
            Ticket.objects.filter(id=ticket.id).update(category="billing")
    assert zero_shot_categories(tenant=tenant) == []
