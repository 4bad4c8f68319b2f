"""Values PostgreSQL refuses answer 400 with the reason, never 500 (found by the schema fuzz)."""

from __future__ import annotations

import pytest

from testing.factories import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        # Valid ISO 8601 to pydantic; PostgreSQL allows offsets up to 15:59 only in SQL text.
        ("/api/v1/csat/report?since=2000-01-01T00:00:00%2B16:00", "time zone displacement"),
        # PostgreSQL text can never hold a NUL character.
        ("/api/v1/kb/search?q=wifi%00", "NUL"),
    ],
)
def test_a_value_postgresql_refuses_is_a_400_naming_why(two_tenants, path, reason):
    client, _ = token_client(two_tenants.a.admin)
    response = client.get(path)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert reason in response.json()["detail"]
    # The request's transaction was rolled back, so the next request works normally.
    assert client.get("/api/v1/tickets").status_code == 200


def test_the_ticket_list_takes_any_offset_pydantic_accepts(two_tenants):
    """The list binds its values on the server (`db.rows.hot_cursor`): psycopg sends the
    instant, not the text PostgreSQL would refuse, so +16:00 is simply 16 hours earlier."""
    client, _ = token_client(two_tenants.a.admin)
    created = client.post(
        "/api/v1/tickets", {"subject": "Offsets", "body_text": "Hello"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    response = client.get("/api/v1/tickets?created_after=2000-01-01T00:00:00%2B16:00")
    assert response.status_code == 200, response.content
    assert response.json()["items"], "every ticket was created after 1999-12-31T08:00Z"
    future = client.get("/api/v1/tickets?created_after=2999-01-01T00:00:00%2B16:00")
    assert future.status_code == 200 and future.json()["items"] == []
