"""Search: ranked full-text with snippets, trigram fallback, customers' own tickets, no tenant crossing."""

import pytest
from django.db import connection

from tenancy.context import tenant_context
from testing.factories import make_member, session_client
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db


def _search(client, q, extra=""):
    response = call(client, "get", f"/api/v1/search?q={q}{extra}")
    assert response.status_code == 200, response.content
    return response.json()


def test_full_text_ranks_and_highlights(two_tenants):
    a = two_tenants.a
    invoice = make_ticket(
        a.customer, subject="Invoice is wrong", body="The invoices for March are duplicated."
    )
    make_ticket(a.customer, subject="Password reset", body="Cannot reset my password.")
    result = _search(session_client(a.agent), "invoice")
    assert [h["ticket"]["id"] for h in result["items"]] == [invoice.id]
    hit = result["items"][0]
    assert "<mark>Invoice</mark>" in hit["subject_html"]
    assert "<mark>invoices</mark>" in hit["snippet_html"]  # stemming: invoice ~ invoices
    assert result["fuzzy"] is False


def test_snippets_are_escaped(two_tenants):
    a = two_tenants.a
    make_ticket(a.customer, subject="xss", body="<img src=x onerror=alert(1)> exploit here")
    hit = _search(session_client(a.agent), "exploit")["items"][0]
    without_marks = hit["snippet_html"].replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert "<mark>exploit</mark>" in hit["snippet_html"]


def test_trigram_fallback_finds_typos(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Printer configuration broken")
    result = _search(session_client(a.agent), "printr")
    assert result["fuzzy"] is True
    assert [h["ticket"]["id"] for h in result["items"]] == [ticket.id]


def test_internal_notes_are_searchable_by_staff_only(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Login trouble")
    add_message(ticket, a.agent, "suspect the zanzibar cluster", internal=True)
    assert [h["ticket"]["id"] for h in _search(session_client(a.agent), "zanzibar")["items"]] == [ticket.id]
    assert _search(session_client(a.customer), "zanzibar")["items"] == []


def test_customers_search_only_their_own_tickets(two_tenants):
    a = two_tenants.a
    mine = make_ticket(a.customer, subject="Refund please")
    make_ticket(make_member(a.tenant, "customer"), subject="Refund also")
    assert [h["ticket"]["id"] for h in _search(session_client(a.customer), "refund")["items"]] == [mine.id]
    assert len(_search(session_client(a.agent), "refund")["items"]) == 2


def test_search_never_crosses_tenants_and_needs_a_tenant(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    make_ticket(a.customer, subject="Quokka migration")
    assert _search(session_client(b.agent), "quokka")["items"] == []
    assert _search(session_client(b.agent), "quokk")["items"] == []  # fuzzy path too
    # The function itself returns nothing without app.tenant_id, and only the set tenant's rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")
        cursor.execute("SELECT count(*) FROM tickets_search('quokka', 'english', NULL, true, false, 10)")
        assert cursor.fetchone()[0] == 0
    with tenant_context(b.tenant.id), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_search('quokka', 'english', NULL, true, false, 10)")
        assert cursor.fetchone()[0] == 0
    with tenant_context(a.tenant.id), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_search('quokka', 'english', NULL, true, false, 10)")
        assert cursor.fetchone()[0] == 1


def test_search_applies_list_filters(two_tenants):
    a = two_tenants.a
    t1 = make_ticket(a.customer, subject="Billing question one")
    make_ticket(a.customer, subject="Billing question two")
    call(session_client(a.agent), "patch", f"/api/v1/tickets/{t1.id}", {"priority": "urgent"})
    result = _search(session_client(a.agent), "billing", "&priority=urgent")
    assert [h["ticket"]["id"] for h in result["items"]] == [t1.id]


def test_subject_change_reindexes(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Old wording")
    call(session_client(a.agent), "patch", f"/api/v1/tickets/{ticket.id}", {"subject": "Kangaroo wording"})
    assert [h["ticket"]["id"] for h in _search(session_client(a.agent), "kangaroo")["items"]] == [ticket.id]
    assert [h["ticket"]["id"] for h in _search(session_client(a.agent), "It is on fire")["items"]] == [
        ticket.id
    ]


def test_highlight_markers_cannot_be_forged(two_tenants):
    a = two_tenants.a
    make_ticket(a.customer, subject="forgery \x02fake\x03 here", body="walrus \x02forged\x03 words")
    hit = _search(session_client(a.agent), "walrus")["items"][0]
    assert hit["snippet_html"].count("<mark>") == 1  # only the real match
    assert hit["subject_html"].count("<mark>") == 0


def test_the_snippet_is_the_first_message_that_mentions_the_term(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Printer", body="It stopped working this morning.")
    add_message(ticket, a.agent, "Internal: the toner firmware again.", internal=True)
    add_message(ticket, a.customer, "Now the toner light blinks too.")
    add_message(ticket, a.customer, "And the toner is new.")
    staff_hit = _search(session_client(a.agent), "toner")["items"][0]
    assert "firmware" in staff_hit["snippet_html"] and "<mark>toner</mark>" in staff_hit["snippet_html"]
    customer_hit = _search(session_client(a.customer), "toner")["items"][0]
    assert "light blinks" in customer_hit["snippet_html"], "the first public message that says it"
    assert "firmware" not in customer_hit["snippet_html"]


def test_a_subject_only_match_has_no_message_snippet(two_tenants):
    a = two_tenants.a
    make_ticket(a.customer, subject="Quokka sighting", body="Nothing else to say here.")
    hit = _search(session_client(a.agent), "quokka")["items"][0]
    assert "<mark>Quokka</mark>" in hit["subject_html"]
    assert hit["snippet_html"] == ""
