"""core's AI client against the real AI service (uvicorn on a free port): no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from ai.tests.conftest import labelled
from ai.tests.server import free_port, running_ai_server
from triage.ai_client import AIClient, AIRequestError, AIUnavailable

TOKEN = "core-client-test-token"


@pytest.fixture(scope="module")
def ai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_ai_server(TOKEN, Path(tmp_path_factory.mktemp("ai"))) as base:
        yield base


@pytest.fixture
def client(ai_url: str) -> AIClient:
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        return AIClient()


def test_classify_train_and_versions(client: AIClient) -> None:
    # Given a tenant without a model, category prediction is off and says why
    result = client.classify(tenant_id=41, subject="Refund", body="I was charged twice, urgent!")
    assert result["category"]["enabled"] is False
    assert result["priority"]["label"] == "high"
    # When core trains the tenant's model from its labelled tickets
    trained = client.train(tenant_id=41, examples=[(r["text"], r["label"]) for r in labelled()])
    assert trained["activated"] is True and trained["version"] == 1
    # Then classification uses it, and the versions are listed
    result = client.classify(tenant_id=41, subject="Refund", body="the invoice charge is wrong")
    assert result["category"]["label"] == "billing"
    assert client.models(tenant_id=41)["active_version"] == 1
    assert client.activate(tenant_id=41, version=1)["active_version"] == 1
    batch = client.classify_batch(tenant_id=41, tickets=[{"subject": "parcel late"}, {"body": "password"}])
    assert [r["category"]["label"] for r in batch] == ["shipping", "access"]


def test_similar_and_replies(client: AIClient) -> None:
    client.upsert_documents(
        tenant_id=42,
        documents=[
            {
                "kind": "ticket",
                "id": "1",
                "text": "Error E-4411 at checkout",
                "solved": True,
                "reply": "Retry 3DS",
            },
            {"kind": "article", "id": "kb-1", "title": "Resetting a password", "text": "Use the reset link."},
        ],
    )
    assert [h["id"] for h in client.similar(tenant_id=42, text="E-4411 again")] == ["1"]
    assert client.similar(tenant_id=43, text="E-4411 again") == []  # another tenant's index is empty
    assert client.suggested_replies(tenant_id=42, text="checkout E-4411")["replies"][0]["text"] == "Retry 3DS"
    assert client.delete_document(tenant_id=42, kind="ticket", doc_id="1") is True
    assert client.delete_document(tenant_id=42, kind="ticket", doc_id="1") is False


def test_refused_requests_are_not_retryable(client: AIClient, ai_url: str) -> None:
    with pytest.raises(AIRequestError) as refused:
        AIClient(base_url=ai_url, token="wrong").classify(tenant_id=1, subject="x", body="y")
    assert refused.value.status == 401
    with pytest.raises(AIRequestError) as invalid:
        client.train(tenant_id=44, examples=[("too few", "a")])
    assert invalid.value.status == 422


def test_a_service_that_is_down_or_unconfigured_is_unavailable() -> None:
    with pytest.raises(AIUnavailable):
        AIClient(base_url=f"http://127.0.0.1:{free_port()}", token=TOKEN, timeout=1).classify(
            tenant_id=1, subject="x", body="y"
        )
    with override_settings(AI_TOKEN=""), pytest.raises(AIUnavailable, match="not configured"):
        AIClient().classify(tenant_id=1, subject="x", body="y")
