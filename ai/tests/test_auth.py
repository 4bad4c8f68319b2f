"""Every route but /healthz needs the service token; browsers are refused outright."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ai.tests.conftest import AUTH

PROTECTED = [
    ("post", "/v1/tenants/1/classify", {"subject": "hi", "body": "help"}),
    ("post", "/v1/tenants/1/classify/batch", {"tickets": [{"subject": "hi"}]}),
    ("post", "/v1/tenants/1/models/train", {"examples": []}),
    ("get", "/v1/tenants/1/models/category", None),
    ("post", "/v1/tenants/1/models/category/1/activate", None),
    ("put", "/v1/tenants/1/documents", {"documents": []}),
    ("delete", "/v1/tenants/1/documents/ticket/1", None),
    ("post", "/v1/tenants/1/similar", {"text": "x"}),
    ("post", "/v1/tenants/1/suggested-replies", {"text": "x"}),
    ("post", "/v1/tenants/1/embed", {"texts": ["x"]}),
]


def test_healthz_is_open(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic dGVzdA==", "Bearer "])
def test_protected_routes_refuse_missing_or_wrong_token(
    client: TestClient, method: str, path: str, body: object, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_browser_requests_are_refused_even_with_the_token(client: TestClient) -> None:
    # Given a request that carries the token but comes from a page (Origin / Sec-Fetch-Mode)
    for extra in ({"Origin": "http://acme.localhost:8000"}, {"Sec-Fetch-Mode": "cors"}):
        response = client.post("/v1/tenants/1/classify", json={"subject": "hi"}, headers=AUTH | extra)
        # Then it is refused, and no CORS header invites the browser in
        assert response.status_code == 403
        assert "access-control-allow-origin" not in response.headers


def test_no_public_schema_or_docs(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json", "/v1/openapi.json"):
        assert client.get(path).status_code == 404


def test_token_accepted(client: TestClient) -> None:
    assert client.post("/v1/tenants/1/classify", json={"subject": "hi"}, headers=AUTH).status_code == 200


@pytest.mark.parametrize("tenant", ["0", "-1", "abc", "1.5", "99999999999999999999999"])
def test_bad_tenant_ids_are_422(client: TestClient, tenant: str) -> None:
    assert (
        client.post(f"/v1/tenants/{tenant}/classify", json={"subject": "x"}, headers=AUTH).status_code == 422
    )
