"""A customer's queue and search: tickets they requested and those they follow, merged in
order and paged; nobody else's (the arms of `ticket_sql.customer_visibility_arms`)."""

import pytest

from testing.factories import make_member, session_client
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


def test_requested_and_followed_tickets_merge_in_order_across_pages(two_tenants):
    a = two_tenants.a
    colleague = make_member(a.tenant, role="customer")
    stranger = make_member(a.tenant, role="customer")
    mine = [make_ticket(a.customer, subject=f"Mine {i} quokka") for i in range(3)]
    followed = [make_ticket(colleague, subject=f"Colleague's {i} quokka") for i in range(2)]
    unrelated = make_ticket(colleague, subject="Not shared quokka")
    agent = session_client(a.agent)
    for ticket in followed:
        response = call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"follower_ids": [a.customer.id]})
        assert response.status_code == 200, response.content
    # Touch them in an interleaved order: newest change first is mine[0], followed[1], ...
    for ticket in [mine[2], followed[0], mine[1], followed[1], mine[0]]:
        add_message(ticket, a.agent, "Update")
    expected = [mine[0].id, followed[1].id, mine[1].id, followed[0].id, mine[2].id]

    client = session_client(a.customer)
    assert _ids(call(client, "get", "/api/v1/tickets")) == expected
    seen, cursor = [], None
    while True:
        page = call(client, "get", "/api/v1/tickets?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += _ids(page)
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == expected, "pages of two walk both arms without gaps or repeats"
    oldest_first = _ids(call(client, "get", "/api/v1/tickets?sort=created_at"))
    assert oldest_first == sorted(expected)
    assert unrelated.id not in _ids(call(client, "get", "/api/v1/tickets?limit=100"))

    hits = call(client, "get", "/api/v1/search?q=quokka").json()["items"]
    assert sorted(h["ticket"]["id"] for h in hits) == sorted(expected)
    fuzzy = call(client, "get", "/api/v1/search?q=quoka").json()
    assert fuzzy["fuzzy"] is True
    assert sorted(h["ticket"]["id"] for h in fuzzy["items"]) == sorted(expected)

    outsider = session_client(stranger)
    assert _ids(call(outsider, "get", "/api/v1/tickets")) == []
    assert call(outsider, "get", "/api/v1/search?q=quokka").json()["items"] == []
