"""Query-count baselines: the list, detail and search cost the same with 3 tickets as with 30."""

import pytest

from testing.factories import session_client
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db

# Middleware (tenant, membership, set_config) plus the endpoint's own queries.
LIST_MAX = 10
DETAIL_MAX = 13  # +1: the linked knowledge base articles of the messages
SEARCH_MAX = 12


def _seed(world, n):
    for i in range(n):
        ticket = make_ticket(world.customer, subject=f"Widget {i}")
        add_message(ticket, world.agent, "answer", internal=False)
        add_message(ticket, world.agent, "note", internal=True)
    return ticket


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_is_flat(two_tenants, django_assert_max_num_queries, n):
    _seed(two_tenants.a, n)
    for member in (two_tenants.a.agent, two_tenants.a.customer):
        client = session_client(member)
        with django_assert_max_num_queries(LIST_MAX):
            assert call(client, "get", "/api/v1/tickets?limit=50").status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_detail_query_count_is_flat(two_tenants, django_assert_max_num_queries, n):
    ticket = _seed(two_tenants.a, 1)
    for _ in range(n):
        add_message(ticket, two_tenants.a.customer, "more")
    client = session_client(two_tenants.a.agent)
    with django_assert_max_num_queries(DETAIL_MAX):
        assert call(client, "get", f"/api/v1/tickets/{ticket.id}").status_code == 200
    with django_assert_max_num_queries(DETAIL_MAX):
        assert call(client, "get", f"/api/v1/tickets/{ticket.id}/messages").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_search_query_count_is_flat(two_tenants, django_assert_max_num_queries, n):
    _seed(two_tenants.a, n)
    client = session_client(two_tenants.a.agent)
    with django_assert_max_num_queries(SEARCH_MAX):
        assert call(client, "get", "/api/v1/search?q=widget").status_code == 200
