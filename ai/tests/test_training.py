"""Per-tenant training: held-out evaluation, activation only when better, versions and rollback."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from ai.tests.conftest import AUTH, labelled


def train(client: TestClient, tenant: int, examples: list[dict[str, str]], **extra: object) -> dict:
    response = client.post(
        f"/v1/tenants/{tenant}/models/train", json={"examples": examples, **extra}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    return response.json()


def category_of(client: TestClient, tenant: int, text: str) -> dict:
    response = client.post(f"/v1/tenants/{tenant}/classify", json={"body": text}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()["category"]


def test_category_stays_off_until_enough_labelled_tickets(client: TestClient) -> None:
    # Given a tenant with too few labelled tickets
    response = client.post(
        "/v1/tenants/1/models/train", json={"examples": labelled(per_label=4)}, headers=AUTH
    )
    # Then training is refused with the reason, and classify says category prediction is off
    assert response.status_code == 422
    assert "need at least 30 labelled tickets" in response.json()["detail"]
    category = category_of(client, 1, "I was charged twice")
    assert category["enabled"] is False
    assert category["label"] is None and category["confidence"] is None
    assert "labelled tickets" in category["reason"]


def test_first_model_is_activated_and_predicts_the_tenants_taxonomy(client: TestClient) -> None:
    result = train(client, 1, labelled())
    assert result["version"] == 1 and result["activated"] is True
    assert result["metrics"]["accuracy"] >= 0.9
    assert result["metrics"]["rows"] == 18  # 20% of 90, stratified

    category = category_of(client, 1, "there is a refund missing on my invoice")
    assert category["enabled"] is True
    assert category["label"] == "billing"
    assert category["model_version"] == 1
    assert 1 / 3 < category["confidence"] <= 1
    assert {label for label, _ in category["alternatives"]} == {"access", "shipping"}


def _shuffled(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    labels = [row["label"] for row in rows]
    random.Random(3).shuffle(labels)
    return [{"text": row["text"], "label": label} for row, label in zip(rows, labels, strict=True)]


def test_only_a_better_model_is_activated_and_rollback_works(client: TestClient) -> None:
    good, noisy = labelled(), _shuffled(labelled())
    # Given a first model trained on badly labelled tickets (activated: there is nothing else)
    assert train(client, 1, noisy)["activated"] is True

    # When the tenant retrains on well-labelled tickets, the new model wins on the same held-out part
    better = train(client, 1, good)
    assert better["version"] == 2 and better["activated"] is True
    assert better["previous_version"] == 1
    assert better["previous_metrics"]["accuracy"] < better["metrics"]["accuracy"]

    # When it retrains on the same tickets, the new version is no better: kept but not activated.
    # (Not bad labels again: on shuffled held-out labels both models score at chance, a coin flip.)
    worse = train(client, 1, good)
    assert worse["version"] == 3 and worse["activated"] is False
    assert worse["previous_version"] == 2
    assert worse["previous_metrics"]["accuracy"] >= worse["metrics"]["accuracy"]
    assert category_of(client, 1, "refund on my invoice")["model_version"] == 2

    # When an operator forces a version, then rolls back to version 2
    assert train(client, 1, noisy, force=True)["activated"] is True
    assert category_of(client, 1, "refund on my invoice")["model_version"] == 4
    response = client.post("/v1/tenants/1/models/category/2/activate", headers=AUTH)
    assert response.status_code == 200
    listing = response.json()
    assert listing["active_version"] == 2
    assert [v["version"] for v in listing["versions"]] == [1, 2, 3, 4]
    assert [v["active"] for v in listing["versions"]] == [False, True, False, False]
    assert category_of(client, 1, "refund on my invoice") | {"confidence": None, "alternatives": []} == {
        "enabled": True,
        "label": "billing",
        "confidence": None,
        "alternatives": [],
        "model_version": 2,
        "reason": None,
        "source": "model",
        "pipeline": listing["versions"][1]["pipeline"],
    }


def test_activating_a_missing_version_is_404(client: TestClient) -> None:
    train(client, 1, labelled())
    assert client.post("/v1/tenants/1/models/category/9/activate", headers=AUTH).status_code == 404
    assert client.post("/v1/tenants/1/models/bogus/1/activate", headers=AUTH).status_code == 404
    assert client.get("/v1/tenants/1/models/bogus", headers=AUTH).status_code == 404


def test_models_are_per_tenant(client: TestClient) -> None:
    # Given tenant 1 trained on three labels and tenant 2 on two
    train(client, 1, labelled())
    train(client, 2, labelled(labels=("access", "shipping")))
    # Then tenant 2 never predicts a label it does not have, and tenant 3 has no model at all
    assert category_of(client, 2, "I was charged twice for my invoice")["label"] in {"access", "shipping"}
    assert category_of(client, 3, "I was charged twice")["enabled"] is False
    assert client.get("/v1/tenants/3/models/category", headers=AUTH).json()["versions"] == []
    # And rolling back tenant 2 to tenant 1's version number does not reach tenant 1's model
    assert client.post("/v1/tenants/2/models/category/2/activate", headers=AUTH).status_code == 404


def test_models_survive_a_restart(make_client) -> None:  # type: ignore[no-untyped-def]
    train(make_client(), 1, labelled())
    fresh = make_client()
    assert category_of(fresh, 1, "my parcel has not arrived")["label"] == "shipping"


def test_priority_model_combines_with_rules(client: TestClient) -> None:
    rows = [{"text": r["text"], "label": "low" if r["label"] == "shipping" else "normal"} for r in labelled()]
    result = train(client, 1, rows, kind="priority")
    assert result["activated"] is True

    calm = client.post("/v1/tenants/1/classify", json={"body": "where is my parcel"}, headers=AUTH).json()
    assert calm["priority"]["label"] == "low"
    assert calm["priority"]["source"] == "model"
    assert calm["priority"]["model_version"] == 1
    # Rules raise the level (an outage is urgent whatever the model learnt) and drop the model's confidence
    outage = client.post(
        "/v1/tenants/1/classify",
        json={"subject": "URGENT", "body": "the whole site is down for all users"},
        headers=AUTH,
    ).json()["priority"]
    assert outage == {
        "label": "urgent",
        "confidence": None,
        "source": "model+rules",
        "reasons": ["urgent wording", "outage phrasing"],
        "model_version": 1,
    }


def test_priority_labels_are_validated(client: TestClient) -> None:
    rows = [{"text": r["text"], "label": "P1"} for r in labelled()]
    response = client.post(
        "/v1/tenants/1/models/train", json={"kind": "priority", "examples": rows}, headers=AUTH
    )
    assert response.status_code == 422
    assert "priority labels must be one of" in response.text


def test_labels_with_too_few_examples_are_dropped(client: TestClient) -> None:
    rows = labelled() + [{"text": "a rare question about stickers", "label": "stickers"}] * 2
    train(client, 1, rows)
    listing = client.get("/v1/tenants/1/models/category", headers=AUTH).json()
    assert listing["versions"][0]["labels"] == ["access", "billing", "shipping"]


def test_old_versions_are_pruned_but_never_the_active_one(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(keep_versions=2)
    for _ in range(4):
        train(client, 1, labelled(), force=False)
    listing = client.get("/v1/tenants/1/models/category", headers=AUTH).json()
    assert listing["active_version"] == 1  # the identical retrains were never better
    assert [v["version"] for v in listing["versions"]] == [1, 4]
