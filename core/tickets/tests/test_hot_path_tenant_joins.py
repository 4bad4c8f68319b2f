"""Every statement of the hot paths joins tenant tables on tenant_id, as Citus needs to run it on
the one node that holds the tenant: the ticket list (with the inbox's views), detail, create,
reply, message list and search, for an agent and for a customer, read from the SQL they really
send, and the statements that the search function runs inside the database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from tenancy import colocation
from tenancy.context import tenant_context
from tenancy.services import team_create
from testing.factories import make_world, token_client
from testing.isolation import TwoTenants
from testing.tenant_joins import check_statement
from tickets.services.fields import custom_status_create
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def _hot_path_requests(worlds: TwoTenants) -> tuple[list[str], int]:
    """Runs the hot paths; the SQL the app role sent for them, and the tenant's id."""
    world = worlds.a
    with tenant_context(world.tenant.id):
        team = team_create(tenant=world.tenant, name="Tier 2")
        custom_status_create(
            tenant=world.tenant, key="waiting_vendor", name="Waiting on vendor", category="pending"
        )
    ticket = make_ticket(world.customer, subject="Printer on fire", body="The printer is on fire")
    add_message(ticket, world.agent, "Looking into the printer", internal=True)
    make_ticket(worlds.b.customer, subject="Printer elsewhere")
    agent, _ = token_client(world.agent)
    customer, _ = token_client(world.customer)
    agent_gets = [
        "/api/v1/tickets",
        "/api/v1/tickets?status_category=new&status_category=open&assignee=me",
        "/api/v1/tickets?status_category=new&status_category=open&assignee=none",
        f"/api/v1/tickets?status_category=open&team={team.id}",
        "/api/v1/tickets?priority=high&priority=urgent",
        "/api/v1/tickets?status=waiting_vendor&status=open",
        "/api/v1/tickets?sort=-created_at&tag=printer",
        f"/api/v1/tickets/{ticket.id}",
        f"/api/v1/tickets/{ticket.id}/messages",
        f"/api/v1/tickets/{ticket.id}/history",
        "/api/v1/search?q=printer",
        "/api/v1/search?q=printer&status_category=new",
        "/api/v1/search?q=prnter",  # a typo: the trigram fallback
        "/api/v1/saved-views",
        "/api/v1/sla/at-risk",
        "/api/v1/notifications",
        "/api/v1/notifications/unread-count",
    ]
    customer_gets = [
        "/api/v1/tickets",
        "/api/v1/tickets?status_category=new",
        f"/api/v1/tickets/{ticket.id}",
        f"/api/v1/tickets/{ticket.id}/messages",
        "/api/v1/search?q=printer",
        "/api/v1/search?q=prnter",
    ]
    with CaptureQueriesContext(connection) as captured:
        for path in agent_gets:
            assert call(agent, "get", path).status_code == 200, path
        for path in customer_gets:
            assert call(customer, "get", path).status_code == 200, path
        for client, who in ((agent, "agent"), (customer, "customer")):
            created = call(
                client, "post", "/api/v1/tickets", {"subject": f"New from {who}", "body_text": "Hello"}
            )
            assert created.status_code == 201, created.content
            reply = call(
                client, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_text": f"Reply by {who}"}
            )
            assert reply.status_code == 201, reply.content
        note = {"body_text": "Internal", "internal": True}
        assert call(agent, "post", f"/api/v1/tickets/{ticket.id}/messages", note).status_code == 201
    return [q["sql"] for q in captured.captured_queries], world.tenant.id


def _function_names() -> set[str]:
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
            "WHERE p.pronamespace = 'public'::regnamespace AND l.lanname IN ('sql', 'plpgsql')"
        )
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def _nested_statements() -> Iterator[list[str]]:
    """The text of every statement the owner connection runs, those inside functions included
    (auto_explain's notices; loading it takes a superuser, which the test server's owner is)."""
    owner = connections["owner"]
    with owner.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.fail(
                "reading the statements inside SQL functions needs a superuser owner role (LOAD auto_explain)"
            )
    seen: list[str] = []

    def on_notice(diagnostic: Any) -> None:
        message = diagnostic.message_primary or ""
        if "plan:" in message:
            seen.append(json.loads(message.split("plan:", 1)[1])["Query Text"])

    raw = owner.connection
    raw.add_notice_handler(on_notice)
    try:
        with transaction.atomic(using="owner"), owner.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting, value in (  # the duration last: from there on every statement is shown
                ("log_format", "json"),
                ("log_nested_statements", "on"),
                ("log_level", "notice"),
                ("log_min_duration", "0"),
            ):
                cursor.execute("SELECT set_config(%s, %s, true)", [f"auto_explain.{setting}", value])
            yield seen
            transaction.set_rollback(True, using="owner")
    finally:
        raw.remove_notice_handler(on_notice)


def _statements_inside_functions(statements: list[str], tenant_id: int) -> list[str]:
    """Re-runs, as the owner in the tenant, each captured statement that calls one of our SQL
    functions, and returns what the functions ran."""
    functions = _function_names()
    calling = [s for s in statements if any(re.search(rf"\b{f}\s*\(", s) for f in functions)]
    assert any("tickets_search" in s for s in calling), "the search no longer calls tickets_search?"
    with _nested_statements() as seen, connections["owner"].cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        for statement in calling:
            cursor.execute(statement)
    return [s for s in seen if not any(re.search(rf"\b{f}\s*\(", s) for f in functions | {"set_config"})]


def test_every_hot_path_statement_joins_tenant_tables_on_tenant_id():
    worlds = TwoTenants(a=make_world("joins-a"), b=make_world("joins-b"))
    statements, tenant_id = _hot_path_requests(worlds)
    inside = _statements_inside_functions(statements, tenant_id)
    assert len(inside) >= 4  # the customer's organization, search and fuzzy search, for both
    tenant_tables = set(colocation.tenant_tables())
    joined = [s for s in statements + inside if sum(t in s for t in tenant_tables) >= 2]
    assert len(joined) >= 10  # the check must see the joins it is about
    problems = [str(v) for v in (check_statement(s, tenant_tables) for s in statements + inside) if not v.ok]
    assert problems == [], "\n".join(problems)
