"""Bad input is a prediction (low confidence or "unknown"), never an error; training data that
cannot make a model is a clear 422 message, never a crash."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from ai.tests.conftest import AUTH, labelled

CATEGORIES = [
    {"name": "billing", "description": "invoices, refunds, payments and charges"},
    {"name": "access", "description": "passwords, login and locked accounts"},
    {"name": "shipping", "description": "parcels, deliveries, couriers and tracking"},
]


def _classify(client: TestClient, ticket: dict) -> dict:
    response = client.post("/v1/tenants/1/classify", json=ticket, headers=AUTH)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _trained(client: TestClient) -> TestClient:
    response = client.post("/v1/tenants/1/models/train", json={"examples": labelled()}, headers=AUTH)
    assert response.status_code == 200, response.text
    return client


BINARY = os.urandom(4096).decode("latin-1")
NOISE = "".join(chr(c) for c in range(0, 32)) + "\x00\x01\x02 0101 %%%% #### 1234-5678 ////"


@pytest.mark.parametrize("zero_shot", [False, True])
@pytest.mark.parametrize(
    "ticket",
    [
        {},
        {"subject": "   ", "body": ""},
        {"subject": "1234 5678", "body": "!!!! ???? 0000"},
        {"body": NOISE},
    ],
    ids=["missing", "blank", "digits", "control-noise"],
)
def test_nothing_to_read_is_unknown(client: TestClient, ticket: dict, zero_shot: bool) -> None:
    if not zero_shot:
        _trained(client)
    category = _classify(client, {**ticket, **({"categories": CATEGORIES} if zero_shot else {})})["category"]
    assert category["enabled"] is True
    assert category["label"] is None and category["confidence"] == 0.0
    assert category["source"] == ("zero-shot" if zero_shot else "model")


def test_huge_binary_and_foreign_text_get_low_confidence_not_errors(client: TestClient) -> None:
    _trained(client)
    # Subject and body (a newline between them, tabs and line breaks inside) are read as usual
    multi_line = _classify(client, {"subject": "Refund", "body": "the invoice\n\tcharge is wrong\r\n"})
    assert multi_line["category"]["label"] == "billing"
    # A 1 MB body is accepted and read from its start
    huge = _classify(client, {"subject": "Refund", "body": "the invoice charge is wrong " * 40_000})
    assert len("the invoice charge is wrong " * 40_000) > 1_000_000
    assert huge["category"]["label"] == "billing"
    # Binary pasted as text, and languages the model never saw: below the apply threshold (0.85)
    for body in (BINARY, "Ночью мой компьютер перестал включаться, помогите", "我的电脑今天早上无法开机"):
        category = _classify(client, {"body": body})["category"]
        assert category["label"] is None or category["confidence"] < 0.85, (body[:20], category)
    # A trained tenant ignores the zero-shot categories
    assert (
        _classify(client, {"body": "refund please", "categories": CATEGORIES})["category"]["source"]
        == "model"
    )


def test_zero_shot_matches_descriptions_and_says_unknown_for_unrelated_text(client: TestClient) -> None:
    def category(text: str) -> dict:
        return dict(_classify(client, {"body": text, "categories": CATEGORIES})["category"])

    assert category("I was charged twice, I want my money back")["label"] == "billing"
    assert category("my parcel never arrived, the courier lost it")["label"] == "shipping"
    assert category("I forgot my password and cannot sign in")["label"] == "access"
    match = category("where is my delivery")
    assert match["source"] == "zero-shot" and match["pipeline"] is not None
    assert [name for name, _ in match["alternatives"]] != []
    unrelated = category("the weather in Lisbon is sunny today, tomatoes grow well")
    assert unrelated["label"] is None or unrelated["confidence"] < 0.85


def test_zero_shot_without_any_encoder_uses_keywords(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(embeddings=False, classify_pipeline="tfidf")
    ticket = {"body": "the refund for my invoice is missing", "categories": CATEGORIES}
    category = _classify(client, ticket)["category"]
    assert (category["label"], category["pipeline"]) == ("billing", "keyword")


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ([{"text": f"printer broken {n}", "label": "hardware"} for n in range(60)], "second label"),
        (
            [*labelled(per_label=30, labels=("billing",)), {"text": "lost parcel", "label": "shipping"}],
            "too few examples: 'shipping' (1)",
        ),
        ([], "need at least"),
    ],
    ids=["one-label", "label-with-one-example", "none"],
)
def test_training_data_that_cannot_make_a_model_is_a_clear_422(
    client: TestClient, examples: list, message: str
) -> None:
    response = client.post("/v1/tenants/1/models/train", json={"examples": examples}, headers=AUTH)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_label_with_one_example_among_enough_is_dropped_not_fatal(make_client) -> None:  # type: ignore[no-untyped-def]
    # Even with the per-label minimum at 1, a single example cannot be stratified: no crash
    client = make_client(min_per_category=1)
    examples = [*labelled(), {"text": "my keyboard is broken", "label": "hardware"}]
    response = client.post("/v1/tenants/1/models/train", json={"examples": examples}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert (
        "hardware"
        in client.get("/v1/tenants/1/models/category", headers=AUTH).json()["versions"][0]["labels"]
    )
