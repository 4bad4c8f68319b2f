"""The feedback loop: agents' changes and explicit accept/correct/reject of AI predictions are
recorded (who, when, final value, model version) and feed the per-tenant accuracy report."""

from __future__ import annotations

import json

import pytest

from events.relay import relay_all
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.models import Ticket, TicketChange
from tickets.services.links import ticket_merge
from tickets.services.tickets import ticket_create, ticket_update
from triage.models import Prediction
from triage.services import ticket_triage_apply

pytestmark = pytest.mark.django_db


def _result(category=("billing", 0.95, 3), priority=("high", 0.40)) -> dict:
    return {
        "category": {
            "enabled": category is not None,
            **(
                {"label": category[0], "confidence": category[1], "model_version": category[2]}
                if category
                else {"reason": "no category model yet"}
            ),
        },
        "priority": {"label": priority[0], "confidence": priority[1], "source": "model", "model_version": 2},
        "sentiment": {"label": "negative", "score": -0.5, "confidence": 0.7},
        "language": {"code": "en", "confidence": 0.99},
    }


def _triaged(world, result=None) -> Ticket:
    with tenant_context(world.tenant.id):
        ticket = ticket_create(
            tenant=world.tenant,
            actor=world.customer,
            subject="Refund",
            body_text="charged twice",
            channel="api",
        ).ticket
    ticket_triage_apply(tenant=world.tenant, ticket_id=ticket.id, result=result or _result())
    return ticket


def _predictions(world, ticket) -> dict[str, Prediction]:
    with tenant_context(world.tenant.id):
        return {p.field: p for p in Prediction.objects.filter(ticket=ticket)}


def _post(client, path, data=None):
    return client.post(path, data=json.dumps(data or {}), content_type="application/json")


def test_an_agent_changing_predicted_fields_records_correction_and_acceptance(two_tenants):
    a = two_tenants.a
    ticket = _triaged(a)
    rows = _predictions(a, ticket)
    assert rows["category"].applied and rows["category"].outcome == "pending"
    assert rows["category"].model_version == "3" and rows["priority"].model_version == "2"
    assert not rows["priority"].applied  # 0.40: only a suggestion
    with tenant_context(a.tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
        ticket_update(tenant=a.tenant, ticket=stored, actor=a.agent, changes={"category": "refunds"})
        ticket_update(tenant=a.tenant, ticket=stored, actor=a.agent, changes={"priority": "high"})
    relay_all()  # the feedback is learnt from the ticket's events
    rows = _predictions(a, ticket)
    assert (rows["category"].outcome, rows["category"].final_value) == ("corrected", "refunds")
    assert rows["category"].decided_by_id == a.agent.id and rows["category"].decided_at is not None
    assert (rows["priority"].outcome, rows["priority"].final_value) == ("accepted", "high")


def test_a_system_change_is_not_feedback(two_tenants):
    a = two_tenants.a
    ticket = _triaged(a)
    with tenant_context(a.tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
        ticket_update(tenant=a.tenant, ticket=stored, actor=None, changes={"category": "x"}, via="trigger")
    relay_all()
    assert _predictions(a, ticket)["category"].outcome == "pending"


def test_accept_correct_reject_endpoints(two_tenants):
    a = two_tenants.a
    client = session_client(a.agent)
    ticket = _triaged(a)

    response = _post(client, f"/api/v1/tickets/{ticket.id}/ai/priority/accept")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "accepted"
    with tenant_context(a.tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
        history = list(TicketChange.objects.filter(ticket=stored, field="priority").values_list("via", "new"))
    assert stored.priority == "high" and history == [("ai-suggestion", "high")]

    # Rejecting the category the AI applied itself takes it back off the ticket.
    response = _post(client, f"/api/v1/tickets/{ticket.id}/ai/category/reject")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "rejected" and response.json()["final_value"] == ""
    with tenant_context(a.tenant.id):
        assert Ticket.objects.get(id=ticket.id).category == ""

    response = _post(client, f"/api/v1/tickets/{ticket.id}/ai/category/correct", {"value": "refunds"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["outcome"], body["final_value"], body["label"]) == ("corrected", "refunds", "billing")
    with tenant_context(a.tenant.id):
        assert Ticket.objects.get(id=ticket.id).category == "refunds"

    shown = client.get(f"/api/v1/tickets/{ticket.id}/ai").json()
    assert shown["category"]["enabled"] is True and shown["priority"]["outcome"] == "accepted"
    assert shown["sentiment"] == "negative" and shown["triaged"] is True


def test_bad_input_and_roles(two_tenants):
    a = two_tenants.a
    ticket = _triaged(a, _result(category=None))
    agent = session_client(a.agent)
    assert _post(agent, f"/api/v1/tickets/{ticket.id}/ai/colour/accept").status_code == 422
    missing = _post(agent, f"/api/v1/tickets/{ticket.id}/ai/category/accept")
    assert missing.status_code == 404 and "no prediction" in missing.json()["detail"]
    bad = _post(agent, f"/api/v1/tickets/{ticket.id}/ai/priority/correct", {"value": "whenever"})
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    customer = session_client(a.customer)
    assert _post(customer, f"/api/v1/tickets/{ticket.id}/ai/priority/accept").status_code == 403
    assert customer.get(f"/api/v1/tickets/{ticket.id}/ai").status_code == 403
    assert customer.get("/api/v1/ai/accuracy").status_code == 403
    shown = agent.get(f"/api/v1/tickets/{ticket.id}/ai").json()
    assert shown["category"]["enabled"] is False
    assert "needs 50 labelled tickets; 0 so far" in shown["category"]["reason"]


def test_accuracy_per_period_field_and_model_version(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    client = session_client(a.agent)
    tickets = [_triaged(a) for _ in range(3)] + [_triaged(a, _result(category=("billing", 0.5, 4)))]
    _post(client, f"/api/v1/tickets/{tickets[0].id}/ai/category/accept")
    _post(client, f"/api/v1/tickets/{tickets[1].id}/ai/category/correct", {"value": "refunds"})
    _post(client, f"/api/v1/tickets/{tickets[3].id}/ai/category/accept")
    _post(client, f"/api/v1/tickets/{tickets[0].id}/ai/priority/reject")
    _triaged(b)  # another tenant's predictions never show

    response = client.get("/api/v1/ai/accuracy?period=day")
    assert response.status_code == 200, response.content
    rows = {(r["field"], r["model_version"]): r for r in response.json()}
    assert set(rows) == {("category", "3"), ("category", "4"), ("priority", "2")}
    v3 = rows[("category", "3")]
    assert (v3["predictions"], v3["accepted"], v3["corrected"], v3["pending"]) == (3, 1, 1, 1)
    assert v3["accuracy"] == 0.5 and v3["applied"] == 3
    assert rows[("category", "4")]["accuracy"] == 1.0
    assert rows[("priority", "2")]["rejected"] == 1 and rows[("priority", "2")]["accuracy"] == 0.0
    weekly = session_client(a.admin).get("/api/v1/ai/accuracy?period=week").json()
    assert sum(r["predictions"] for r in weekly) == 8
    assert sum(r["predictions"] for r in session_client(b.agent).get("/api/v1/ai/accuracy").json()) == 2
    assert client.get("/api/v1/ai/accuracy?period=year").status_code == 422


def test_other_tenants_ticket_answers_404(two_tenants):
    ticket = _triaged(two_tenants.a)
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/tickets/{ticket.id}/ai")
    assert_other_tenant_gets_404(two_tenants, "post", f"/api/v1/tickets/{ticket.id}/ai/priority/accept")
    assert_other_tenant_gets_404(
        two_tenants, "post", f"/api/v1/tickets/{ticket.id}/ai/priority/correct", {"value": "low"}
    )
    assert_other_tenant_gets_404(two_tenants, "post", f"/api/v1/tickets/{ticket.id}/ai/category/reject")


def test_solving_a_ticket_with_predicted_values_kept_accepts_them(two_tenants):
    a = two_tenants.a
    ticket = _triaged(a)  # category billing applied; priority "high" only suggested
    with tenant_context(a.tenant.id):
        stored = Ticket.objects.get(id=ticket.id)
        ticket_update(tenant=a.tenant, ticket=stored, actor=a.agent, changes={"status": "solved"})
    relay_all()
    rows = _predictions(a, ticket)
    assert (rows["category"].outcome, rows["category"].final_value) == ("accepted", "billing")
    assert rows["category"].decided_by_id == a.agent.id
    assert rows["priority"].outcome == "pending"  # the ticket is "normal": no verdict on "high"


def test_merging_a_ticket_is_no_verdict_on_its_predictions(two_tenants):
    a = two_tenants.a
    ticket, target = _triaged(a), _triaged(a)
    with tenant_context(a.tenant.id):
        ticket_merge(tenant=a.tenant, source=Ticket.objects.get(id=ticket.id), target=target, actor=a.agent)
    relay_all()
    assert _predictions(a, ticket)["category"].outcome == "pending"
