"""Similar tickets, article suggestions and suggested replies: hybrid keyword + embedding search."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ai.tests.conftest import AUTH

TICKETS = [
    {
        "kind": "ticket",
        "id": "101",
        "text": "Checkout fails with error E-4411 when I pay by card",
        "solved": True,
        "reply": "E-4411 means the bank declined the 3-D Secure check; please retry in the banking app.",
    },
    {
        "kind": "ticket",
        "id": "102",
        "text": "Payment at checkout is declined, error E-4411 again",
        "solved": True,
        "reply": "E-4411 means the bank declined the 3-D Secure check; please retry in the banking app.",
    },
    {
        "kind": "ticket",
        "id": "103",
        "text": "Checkout fails with error E-5102 when I pay by card",
        "solved": True,
        "reply": "E-5102 is a timeout on our side; it was fixed, please try again.",
    },
    {
        "kind": "ticket",
        "id": "104",
        "text": "I forgot my password and the reset email never comes",
        "solved": False,
    },
    {
        "kind": "ticket",
        "id": "105",
        "text": "My parcel was delivered to the neighbour",
        "solved": True,
        "reply": "We asked the courier to collect it again.",
    },
]
ARTICLES = [
    {
        "kind": "article",
        "id": "a-login",
        "title": "Recover access to your account",
        "text": "If you cannot sign in, request a new sign-in link and check your spam folder.",
    },
    {
        "kind": "article",
        "id": "a-ship",
        "title": "Delivery times",
        "text": "Parcels arrive within 3 working days.",
    },
    {
        "kind": "macro",
        "id": "m-declined",
        "title": "Card declined",
        "text": "Explain that the card issuer declined the payment and how to retry.",
    },
]


def put(client: TestClient, tenant: int, docs: list[dict]) -> None:
    response = client.put(f"/v1/tenants/{tenant}/documents", json={"documents": docs}, headers=AUTH)
    assert response.status_code == 204, response.text


def similar(client: TestClient, tenant: int, text: str, **extra: object) -> list[dict]:
    response = client.post(f"/v1/tenants/{tenant}/similar", json={"text": text, **extra}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()["hits"]


def test_error_codes_match_exactly(client: TestClient) -> None:
    put(client, 1, TICKETS)
    hits = similar(client, 1, "I get E-5102 on checkout", limit=3)
    # The ticket with the same code ranks above the ones that only share the wording
    assert hits[0]["id"] == "103"
    assert hits[0]["keyword"] == 1.0


def test_paraphrases_match_through_embeddings(client: TestClient) -> None:
    put(client, 1, TICKETS + ARTICLES)
    # No word in common with the article's text except generic ones
    hits = similar(client, 1, "I am locked out of my login", kinds=["article"], limit=1)
    assert [h["id"] for h in hits] == ["a-login"]
    assert hits[0]["semantic"] > 0.3


def test_exclude_the_ticket_itself(client: TestClient) -> None:
    put(client, 1, TICKETS)
    hits = similar(client, 1, TICKETS[0]["text"], exclude_id="101", limit=2)
    assert {h["id"] for h in hits} == {"102", "103"}  # the same code, and the same wording


def test_indexes_are_per_tenant(client: TestClient) -> None:
    put(client, 1, TICKETS)
    put(client, 2, [{"kind": "ticket", "id": "900", "text": "Printer on floor 2 is jammed"}])
    assert {h["id"] for h in similar(client, 2, "error E-4411 at checkout")} <= {"900"}
    assert all(h["id"] != "900" for h in similar(client, 1, "printer jammed on floor 2"))
    assert similar(client, 3, "anything") == []


def test_upsert_replaces_and_delete_removes(client: TestClient) -> None:
    put(client, 1, TICKETS)
    put(client, 1, [{"kind": "ticket", "id": "105", "text": "Refund for a broken blender"}])
    assert similar(client, 1, "blender refund", limit=1)[0]["id"] == "105"
    assert client.delete("/v1/tenants/1/documents/ticket/105", headers=AUTH).status_code == 204
    assert all(h["id"] != "105" for h in similar(client, 1, "blender refund"))
    assert client.delete("/v1/tenants/1/documents/ticket/105", headers=AUTH).status_code == 404


def test_index_survives_a_restart(make_client) -> None:  # type: ignore[no-untyped-def]
    put(make_client(), 1, TICKETS)
    assert similar(make_client(), 1, "E-5102", limit=1)[0]["id"] == "103"


def test_keyword_fallback_without_embeddings(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(embeddings=False)
    assert client.get("/healthz").json()["embeddings"] is False
    put(client, 1, TICKETS)
    response = client.post("/v1/tenants/1/similar", json={"text": "E-4411", "limit": 2}, headers=AUTH).json()
    assert response["semantic"] is False
    assert {h["id"] for h in response["hits"]} == {"101", "102"}
    assert all(h["semantic"] == 0 for h in response["hits"])


def test_suggested_replies_rank_the_reply_that_solved_most_similar_tickets(client: TestClient) -> None:
    put(client, 1, TICKETS + ARTICLES)
    response = client.post(
        "/v1/tenants/1/suggested-replies",
        json={"text": "my card payment got declined with E-4411"},
        headers=AUTH,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["replies"][0]["text"].startswith("E-4411 means")
    assert sorted(body["replies"][0]["ticket_ids"]) == ["101", "102"]
    # Unsolved tickets never supply a reply
    assert all("104" not in r["ticket_ids"] for r in body["replies"])
    assert body["macros"][0]["id"] == "m-declined"


def test_bad_documents_are_422(client: TestClient) -> None:
    bad = [
        {"documents": []},
        {"documents": [{"kind": "ticket", "id": "../../etc", "text": "x"}]},
        {"documents": [{"kind": "user", "id": "1", "text": "x"}]},
        {"documents": [{"kind": "ticket", "id": "1", "text": ""}]},
        {"documents": [{"kind": "ticket", "id": "1", "text": "x", "extra": 1}]},
    ]
    for body in bad:
        assert client.put("/v1/tenants/1/documents", json=body, headers=AUTH).status_code == 422
    assert (
        client.post("/v1/tenants/1/similar", json={"text": "x", "limit": 500}, headers=AUTH).status_code
        == 422
    )


def test_a_document_repeated_in_one_batch_keeps_the_last_version(client: TestClient) -> None:
    put(client, 1, TICKETS[:2])
    put(
        client,
        1,
        [
            {"kind": "ticket", "id": "7", "text": "Printer jammed"},
            {"kind": "ticket", "id": "101", "text": "Blender arrived broken"},
            {"kind": "ticket", "id": "7", "text": "Scanner makes a loud noise"},
        ],
    )
    assert similar(client, 1, "noisy scanner", limit=1)[0]["id"] == "7"
    assert similar(client, 1, "broken blender", limit=1)[0]["id"] == "101"
    assert all(h["id"] != "7" for h in similar(client, 1, "printer jammed") if h["keyword"] > 0)


def test_an_exact_identifier_outranks_a_closer_paraphrase(client: TestClient) -> None:
    put(
        client,
        1,
        [
            {"kind": "ticket", "id": "a", "text": "Question about INV-2024-0042"},
            {"kind": "ticket", "id": "b", "text": "My payment did not go through at checkout"},
        ],
    )
    hits = similar(client, 1, "my payment did not go through at checkout, invoice INV-2024-0042", limit=2)
    assert [h["id"] for h in hits] == ["a", "b"]
    assert hits[1]["semantic"] > hits[0]["semantic"]  # b reads closer; the identifier decides
