"""Values PostgreSQL refuses answer 400 with the reason, never 500 (found by the schema fuzz)."""

from __future__ import annotations

import pytest

from testing.factories import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        # Valid ISO 8601 to pydantic; PostgreSQL allows offsets up to 15:59 only.
        ("/api/v1/tickets?created_after=2000-01-01T00:00:00%2B16:00", "time zone displacement"),
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
