"""The read paths that skip response validation (list, detail, search) still answer exactly
the declared schemas: every field present, no extra key, and customers get the customer shape."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from testing.factories import session_client, token_client
from tickets.api.schemas import (
    CustomerTicketDetailOut,
    CustomerTicketOut,
    SearchOut,
    TicketDetailOut,
    TicketOut,
)
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db


def assert_exact(data: dict[str, Any], model: type[BaseModel]) -> None:
    """`data` validates as `model` and has exactly its fields, recursively for nested models."""
    model.model_validate(data)
    assert set(data) == set(model.model_fields), (model.__name__, set(data) ^ set(model.model_fields))


def test_list_detail_and_search_answer_the_declared_shapes(two_tenants):
    world = two_tenants.a
    ticket = make_ticket(world.customer, subject="Printer jam on floor two")
    add_message(ticket, world.agent, "We are on it", internal=False)
    add_message(ticket, world.agent, "secret note", internal=True)
    cases = [
        (token_client(world.agent)[0], TicketOut, TicketDetailOut),
        (session_client(world.customer), CustomerTicketOut, CustomerTicketDetailOut),
    ]
    for client, item_model, detail_model in cases:
        page = call(client, "get", "/api/v1/tickets")
        assert page.status_code == 200 and page["Content-Type"].startswith("application/json")
        assert set(page.json()) == {"items", "next_cursor"}
        for item in page.json()["items"]:
            assert_exact(item, item_model)
        detail = call(client, "get", f"/api/v1/tickets/{ticket.id}").json()
        assert_exact(detail, detail_model)
        if detail_model is CustomerTicketDetailOut:
            assert [m["body_text"] for m in detail["messages"]] == ["It is on fire.", "We are on it"]
        found = call(client, "get", "/api/v1/search?q=printer").json()
        SearchOut.model_validate(found)
        assert found["items"], "the ticket is found"
        for hit in found["items"]:
            assert_exact(hit["ticket"], item_model)


def test_datetimes_keep_django_format(two_tenants):
    ticket = make_ticket(two_tenants.a.customer)
    data = call(session_client(two_tenants.a.agent), "get", f"/api/v1/tickets/{ticket.id}").json()
    created = data["created_at"]
    # 2026-11-26T01:23:45.123Z: milliseconds and Z, as Django's encoder wrote them before orjson
    assert created.endswith("Z") and len(created) == len("2026-11-26T01:23:45.123Z"), created
