"""The category model's embedding head: used when vectors are given, TF-IDF alone otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ai.embeddings import CLASSIFY_TOKENS, load_encoder, model_files
from ai.storage import VersionStore
from ai.tests.conftest import AUTH, labelled
from ai.textmodel import TextClassifier
from ai.vector_cache import VectorCache

LABELS = ("billing", "access", "shipping")


def _vague_tickets(per_label: int = 20) -> tuple[list[str], list[str], np.ndarray]:
    """Tickets whose words say nothing about their label; their (made-up) vectors say it all."""
    rng = np.random.default_rng(0)
    texts, labels, vectors = [], [], []
    for k, label in enumerate(LABELS):
        for n in range(per_label):
            texts.append(f"hello, a question please (ref {n})")
            labels.append(label)
            vector = rng.normal(0, 0.1, 384).astype(np.float32)
            vector[k] += 1.0
            vectors.append(vector / np.linalg.norm(vector))
    return texts, labels, np.array(vectors)


def test_embedding_head_decides_when_the_words_do_not() -> None:
    # Given a model trained on tickets whose only signal is in their vectors
    texts, labels, vectors = _vague_tickets()
    model = TextClassifier.train(texts, labels, vectors=vectors, embedding_model="test-vectors")
    model.calibrate(texts, labels, vectors)

    # When it predicts with the vectors, it finds each label
    predicted = [label for label, _ in model.predict(texts, vectors)]
    assert predicted == labels
    # And without them (encoder missing) it answers from TF-IDF alone, which cannot tell them apart
    fallback = model.predict_proba(texts)
    assert fallback.max() < 0.6
    assert model.temperature != model.text_temperature


def test_embedding_head_survives_storage_and_an_old_format_still_loads(tmp_path: Path) -> None:
    texts, labels, vectors = _vague_tickets()
    model = TextClassifier.train(texts, labels, vectors=vectors, embedding_model="test-vectors")
    model.calibrate(texts, labels, vectors)
    store = VersionStore(tmp_path, 1, "category")
    loaded = TextClassifier.from_arrays(*store.load(store.save(*model.to_arrays())))
    assert loaded.embedding_model == "test-vectors"
    assert loaded.embedding_share == model.embedding_share
    np.testing.assert_allclose(loaded.predict_proba(texts, vectors), model.predict_proba(texts, vectors))
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts))

    # A version saved before the head existed: no text_temperature, no embedding arrays
    meta, arrays = TextClassifier.train(texts, labels).to_arrays()
    del meta["text_temperature"], meta["embedding_model"]
    meta["temperature"] = 0.5
    old = TextClassifier.from_arrays(meta, arrays)
    assert old.embedding_model is None and old.text_temperature == 0.5
    # It ignores vectors it was not trained with
    np.testing.assert_allclose(old.predict_proba(texts, vectors), old.predict_proba(texts))


def test_mismatched_embedding_arrays_are_refused() -> None:
    texts, labels, vectors = _vague_tickets()
    meta, arrays = TextClassifier.train(
        texts, labels, vectors=vectors, embedding_model="test-vectors"
    ).to_arrays()
    with pytest.raises(ValueError, match="embedding head"):
        TextClassifier.from_arrays(meta, {**arrays, "emb_coef": arrays["emb_coef"][:2]})


def _train(client: TestClient) -> dict:
    response = client.post("/v1/tenants/1/models/train", json={"examples": labelled()}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_served_models_use_embeddings_when_the_encoder_is_there(make_client) -> None:  # type: ignore[no-untyped-def]
    if model_files() is None:  # without the model package the service trains TF-IDF only
        client = make_client(classify_embeddings=True)
        _train(client)
        assert (
            VersionStore(client.app.state.ai.settings.data_dir, 1, "category").meta(1)["features"] == "tfidf"
        )
        return
    # Given a model trained while the encoder is loaded and classification may use it
    trained = make_client(classify_embeddings=True)
    assert _train(trained)["activated"] is True
    store = VersionStore(trained.app.state.ai.settings.data_dir, 1, "category")
    assert store.meta(1)["features"] == "tfidf+embedding"

    # When the service restarts without embeddings, the same model still classifies (TF-IDF head)
    fallback = make_client(embeddings=False)
    response = fallback.post(
        "/v1/tenants/1/classify", json={"body": "there is a refund missing on my invoice"}, headers=AUTH
    )
    assert response.status_code == 200
    category = response.json()["category"]
    assert category["enabled"] is True and category["label"] == "billing"
    assert category["model_version"] == 1

    # And with classify_embeddings off (the default), new versions are TF-IDF only
    tfidf_only = make_client()
    assert _train(tfidf_only)["version"] == 2
    assert store.meta(2)["features"] == "tfidf"


def test_encoder_truncates_for_classification_and_reuses_recent_vectors() -> None:
    encoder = load_encoder()
    if encoder is None:  # nothing to check without the model package
        assert model_files() is None
        return
    long_text = "my printer does not print " * 40
    head = " ".join(long_text.split()[: CLASSIFY_TOKENS - 10])
    truncated, full = (
        encoder.encode([long_text], max_tokens=CLASSIFY_TOKENS)[0],
        encoder.encode([long_text])[0],
    )
    assert float(truncated @ full) < 1 - 1e-6  # different word pieces were read
    assert float(truncated @ encoder.encode([head])[0]) > 0.95
    # A short text is the same for classify and similarity: one encoding, served from the cache
    first = encoder.encode(["where is my parcel"], max_tokens=CLASSIFY_TOKENS)[0]
    again = encoder.encode(["where is my parcel"])[0]
    assert np.shares_memory(first, again)
    batch = encoder.encode(["where is my parcel", "reset my password"])
    np.testing.assert_allclose(batch[0], first, atol=1e-5)


def test_retraining_encodes_only_new_texts(tmp_path: Path) -> None:
    encoder = load_encoder()
    if encoder is None:  # nothing to check without the model package
        assert model_files() is None
        return
    texts = [row["text"] for row in labelled(per_label=5)]
    # Given a first retrain that encoded every text
    first = VectorCache(tmp_path, 1, encoder)
    vectors = first.vectors(texts)
    assert first.encoded == len(texts) and vectors.shape == (len(texts), 384)
    # When the tenant retrains with one new ticket, only that one is encoded
    again = VectorCache(tmp_path, 1, encoder)
    more = again.vectors([*texts, "my invoice shows a fee I never agreed to"])
    assert again.encoded == 1
    np.testing.assert_allclose(more[: len(texts)], vectors)
    expected = encoder.encode(["my invoice shows a fee I never agreed to"], max_tokens=CLASSIFY_TOKENS)[0]
    np.testing.assert_allclose(more[-1], expected, atol=1e-5)
    # And vectors from another model or token limit are not trusted
    other = VectorCache(tmp_path, 1, encoder)
    other.stamp = {**other.stamp, "max_tokens": 128}
    other.vectors(texts)
    assert other.encoded == len(texts)
    # Tenants keep their own
    assert VectorCache(tmp_path, 2, encoder).vectors(texts[:3]) is not None
    assert (tmp_path / "tenants" / "2" / "vectors" / "arrays.npz").exists()
