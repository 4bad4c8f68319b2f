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


def test_hot_statements_are_logged_with_their_values(two_tenants):
    """The list, detail and token lookup bind on the server (`db.rows.hot_cursor`); the
    query log still shows each statement as SQL with its values, not None or placeholders."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from testing.factories import token_client

    ticket = _seed(two_tenants.a, 2)
    client, _ = token_client(two_tenants.a.agent)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/tickets?status=new").status_code == 200
        assert client.get(f"/api/v1/tickets/{ticket.id}").status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert all(isinstance(sql, str) for sql in statements), statements
    page = next(sql for sql in statements if "FROM tickets_ticket t" in sql)
    assert f"t.tenant_id = {two_tenants.a.tenant.id}" in page and "'new'" in page
    assert any(f"p.id = {ticket.id}" in sql for sql in statements)
