"""Sentiment, language and the priority rules."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ai import priority, signals
from ai.tests.conftest import AUTH


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("This is terrible, I am furious and your service is the worst", "negative"),
        ("Thanks a lot, the new dashboard is great and works perfectly", "positive"),
        ("The invoice number is 4411", "neutral"),
    ],
)
def test_sentiment(text: str, label: str) -> None:
    result = signals.sentiment(text)
    assert result.label == label
    assert -1 <= result.score <= 1 and 0 <= result.confidence <= 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("My card does not work at the shop since yesterday", "en"),
        ("Ma carte ne fonctionne plus depuis hier, pouvez-vous m'aider ?", "fr"),
        ("Meine Karte funktioniert seit gestern nicht mehr, bitte helfen Sie mir", "de"),
        ("Mi tarjeta no funciona desde ayer, necesito ayuda por favor", "es"),
    ],
)
def test_language(text: str, code: str) -> None:
    result = signals.language(text)
    assert result.code == code
    assert result.confidence > 0.5


def test_language_of_nothing_is_unknown() -> None:
    assert signals.language("   ") == signals.Language(None, 0.0)


@pytest.mark.parametrize(
    ("text", "tier", "sla", "level"),
    [
        ("Could you change my invoice address?", None, None, "normal"),
        ("Please fix this asap", None, None, "high"),
        ("Our production site is down", None, None, "high"),
        ("URGENT: production is down for all users", None, None, "urgent"),
        ("Our production site is down", "Enterprise", None, "urgent"),
        ("Could you change my invoice address?", "enterprise", None, "normal"),
        ("Could you change my invoice address?", None, 30, "high"),
        ("Could you change my invoice address?", None, -5, "urgent"),
    ],
)
def test_priority_rules(text: str, tier: str | None, sla: int | None, level: str) -> None:
    assert priority.rule_priority(text, customer_tier=tier, sla_minutes_left=sla).level == level


def test_classify_reports_every_signal_and_batch(client: TestClient) -> None:
    tickets = [
        {"subject": "Fatal", "body": "Everything is broken and I hate it", "customer_tier": "enterprise"},
        {"subject": "Merci", "body": "Merci beaucoup pour votre aide rapide, tout fonctionne."},
    ]
    response = client.post("/v1/tenants/1/classify/batch", json={"tickets": tickets}, headers=AUTH)
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["sentiment"]["label"] == "negative"
    assert first["language"]["code"] == "en"
    assert second["language"]["code"] == "fr"
    assert first["priority"]["source"] == "rules" and first["priority"]["confidence"] is None


def test_classify_validates_input(client: TestClient) -> None:
    # (Empty and huge tickets are predictions, not errors: test_bad_input.py.)
    for body in (
        {"subject": "x", "foo": 1},
        {"subject": "x" * 1001},
        {"subject": "x", "body": "y" * 2_000_001},
        {"subject": "x", "categories": [{"name": ""}]},
    ):
        assert client.post("/v1/tenants/1/classify", json=body, headers=AUTH).status_code == 422
    too_many = {"tickets": [{"subject": "x"}] * 257}
    assert client.post("/v1/tenants/1/classify/batch", json=too_many, headers=AUTH).status_code == 422
