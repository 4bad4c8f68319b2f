"""The category model's embedding head: used when vectors are given, TF-IDF alone otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ai.embeddings import CLASSIFY_TOKENS, load_encoder, model_files
from ai.embeddings import MODEL_NAME as MINILM
from ai.static_embeddings import MODEL_NAME as WORDLLAMA
from ai.static_embeddings import model_files as static_files
from ai.storage import VersionStore
from ai.tests.conftest import AUTH, labelled
from ai.textmodel import OLD_FORMAT, TextClassifier
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
    meta["format"] = OLD_FORMAT
    meta["temperature"] = 0.5
    old = TextClassifier.from_arrays(meta, arrays)
    assert old.embedding_model is None and old.text_temperature == 0.5
    # It ignores vectors it was not trained with
    np.testing.assert_allclose(old.predict_proba(texts, vectors), old.predict_proba(texts))


def test_an_old_two_head_model_still_averages_its_heads() -> None:
    texts, labels, vectors = _vague_tickets()
    joint = TextClassifier.train(texts, labels, vectors=vectors, embedding_model="test-vectors")
    meta, arrays = joint.to_arrays()
    old = TextClassifier.from_arrays({**meta, "format": OLD_FORMAT, "embedding_share": 0.5}, arrays)
    assert old.embedding_share == 0.5
    text_scores = old.scores(texts)
    emb_scores = vectors @ arrays["emb_coef"].T + arrays["emb_intercept"]
    np.testing.assert_allclose(old.scores(texts, vectors), 0.5 * text_scores + 0.5 * emb_scores, rtol=1e-5)
    # The joint model adds the blocks instead
    np.testing.assert_allclose(joint.scores(texts, vectors), text_scores + emb_scores, rtol=1e-5)


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


def _classify(client: TestClient, text: str) -> dict:
    response = client.post("/v1/tenants/1/classify", json={"body": text}, headers=AUTH)
    assert response.status_code == 200, response.text
    return dict(response.json()["category"])


def test_pipelines_accurate_by_default_fast_on_request_and_fallbacks(make_client) -> None:  # type: ignore[no-untyped-def]
    # Both encoders ship with the service's packages (requirements.lock)
    assert model_files() is not None
    assert static_files() is not None
    # Given the default service: the accurate pipeline (TF-IDF + MiniLM in one model)
    default = make_client()
    trained = _train(default)
    assert trained["pipeline"] == "accurate"
    store = VersionStore(default.app.state.ai.settings.data_dir, 1, "category")
    assert store.meta(1)["features"] == f"tfidf+{MINILM}"
    served = _classify(default, "there is a refund missing on my invoice")
    assert (served["label"], served["source"], served["pipeline"]) == ("billing", "model", "accurate")

    # When a tenant opts for the fast path, its model reads the static vectors
    fast = default.post(
        "/v1/tenants/1/models/train", json={"examples": labelled(), "pipeline": "fast"}, headers=AUTH
    ).json()
    assert fast["pipeline"] == "fast" and store.meta(2)["features"] == f"tfidf+{WORDLLAMA}"
    default.post("/v1/tenants/1/models/category/2/activate", headers=AUTH)
    assert _classify(default, "my parcel has not arrived")["pipeline"] == "fast"

    # When ONNX/MiniLM is not available, the default falls back to the fast path
    no_onnx = make_client(embeddings=False)
    assert _train(no_onnx)["pipeline"] == "fast"
    # And a tenant's accurate model (version 1) still answers there, from its TF-IDF weights
    no_onnx.post("/v1/tenants/1/models/category/1/activate", headers=AUTH)
    fallback = _classify(no_onnx, "there is a refund missing on my invoice")
    assert fallback["label"] == "billing" and fallback["model_version"] == 1

    # And a service set to TF-IDF trains TF-IDF-only models
    tfidf = make_client(classify_pipeline="tfidf")
    assert _train(tfidf)["pipeline"] == "tfidf"
    assert store.meta(4)["features"] == "tfidf"


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
