"""Agents draft an article from a solved ticket: question and answer, never internal notes."""

import pytest

from kb.models import Article
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.selectors.misc import ticket_history
from tickets.services.tickets import ticket_update
from tickets.tests.helpers import add_message, make_ticket

pytestmark = pytest.mark.django_db


def solve(ticket, agent):
    with tenant_context(agent.tenant_id):
        ticket_update(tenant=agent.tenant, ticket=ticket, actor=agent, changes={"status": "solved"})


@pytest.fixture
def solved(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Printer prints blank pages", body="Every page comes out blank.")
    add_message(
        ticket, a.agent, "Customer is on the old firmware, check the toner (SECRET-NOTE).", internal=True
    )
    add_message(ticket, a.agent, "Could you send a photo?")
    add_message(ticket, a.customer, "Here it is.")
    add_message(ticket, a.agent, "Remove the tape from the new toner cartridge, then print again.")
    solve(ticket, a.agent)
    return two_tenants, ticket


def draft(member, ticket):
    return session_client(member).post(f"/api/v1/kb/manage/articles/from-ticket/{ticket.id}")


def test_draft_from_a_solved_ticket_takes_question_and_resolving_reply(solved):
    worlds, ticket = solved
    a = worlds.a

    response = draft(a.agent, ticket)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["source_ticket_id"] == ticket.id
    translation = body["translations"][0]
    assert translation["title"] == "Printer prints blank pages"
    html = translation["body_html"]
    assert "Every page comes out blank." in html
    assert "Remove the tape from the new toner cartridge" in html
    assert "SECRET-NOTE" not in html and "Could you send a photo" not in html
    assert html.index("blank.") < html.index("Remove the tape")
    # The ticket's history records the draft.
    with tenant_context(a.tenant.id):
        rows = [c for c in ticket_history(tenant=a.tenant, ticket=ticket) if c.field == "kb_article"]
        assert Article.objects.get(id=body["id"]).source_ticket_id == ticket.id
    assert len(rows) == 1 and rows[0].new["id"] == body["id"] and rows[0].actor_id == a.agent.id
    # A drafted article is not public.
    anon = session_client(a.customer).get(f"/api/v1/kb/articles/{body['slug']}")
    assert anon.status_code == 404


def test_an_open_ticket_is_refused_with_a_clear_message(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Still broken")
    add_message(ticket, a.agent, "Looking into it.")
    response = draft(a.agent, ticket)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "once it is solved or closed" in response.json()["errors"]["ticket"][0]


def test_a_solved_ticket_without_an_agent_reply_is_refused(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Never mind")
    add_message(ticket, a.agent, "Internal only.", internal=True)
    solve(ticket, a.agent)
    response = draft(a.agent, ticket)
    assert response.status_code == 422
    assert "no public agent reply" in response.json()["errors"]["ticket"][0]


def test_customers_cannot_draft_articles(solved):
    worlds, ticket = solved
    assert draft(worlds.a.customer, ticket).status_code == 403


def test_other_tenants_ticket_is_404(solved):
    worlds, ticket = solved
    assert_other_tenant_gets_404(worlds, "post", f"/api/v1/kb/manage/articles/from-ticket/{ticket.id}")
