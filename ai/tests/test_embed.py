"""The /embed route: normalised MiniLM vectors as base64 float32, 503 without the model."""

from __future__ import annotations

import base64

import numpy as np
from fastapi.testclient import TestClient

from ai.embeddings import DIMENSIONS, model_files
from ai.tests.conftest import AUTH


def _vector(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype="<f4")


def test_embed_returns_unit_vectors_that_put_paraphrases_together(client: TestClient) -> None:
    texts = ["I can't sign in to my account", "Reset your password", "Track your parcel delivery"]
    response = client.post("/v1/tenants/1/embed", json={"texts": texts}, headers=AUTH)
    if model_files() is None:  # the model package is not installed: the route says so
        assert response.status_code == 503
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dimensions"] == DIMENSIONS and len(body["vectors"]) == 3
    query, password, parcel = (_vector(v) for v in body["vectors"])
    assert query.shape == (DIMENSIONS,) and abs(float(np.linalg.norm(query)) - 1) < 1e-4
    assert float(query @ password) > float(query @ parcel) + 0.1


def test_embed_without_the_model_is_503(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(embeddings=False)
    response = client.post("/v1/tenants/1/embed", json={"texts": ["hello"]}, headers=AUTH)
    assert response.status_code == 503
    assert "not available" in response.json()["detail"]


def test_embed_refuses_empty_and_oversized_batches(client: TestClient) -> None:
    assert client.post("/v1/tenants/1/embed", json={"texts": []}, headers=AUTH).status_code == 422
    too_many = {"texts": ["x"] * 257}
    assert client.post("/v1/tenants/1/embed", json=too_many, headers=AUTH).status_code == 422
