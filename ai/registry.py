"""Per-tenant model registry: train, evaluate on held-out data, activate only if better, roll back."""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.model_selection import train_test_split

from ai.embeddings import Encoder
from ai.pipelines import ENCODER_OF, Pipeline, SentenceEncoder, available_encoders, resolve
from ai.storage import StorageError, VersionStore
from ai.textmodel import TextClassifier
from ai.vector_cache import VectorCache
from ai.zeroshot import ZeroShot

KINDS = ("category", "priority")
HELD_OUT = 0.2
SEED = 0


class NotEnoughData(ValueError):
    pass


@dataclass
class TrainResult:
    version: int
    activated: bool
    reason: str
    metrics: dict[str, Any]
    previous_version: int | None
    previous_metrics: dict[str, Any] | None
    pipeline: str = "tfidf"


def evaluate(
    model: TextClassifier,
    texts: list[str],
    labels: list[str],
    urgent: str | None,
    vectors: np.ndarray | None = None,
) -> dict[str, Any]:
    predicted = [label for label, _ in model.predict(texts, vectors)] if texts else []
    metrics: dict[str, Any] = {
        "rows": len(texts),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
    }
    if urgent is not None and urgent in labels:
        metrics["urgent_recall"] = round(
            float(recall_score(labels, predicted, labels=[urgent], average="macro", zero_division=0)), 4
        )
    return metrics


def held_out_split(y: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stratified when every label can give one ticket to each side; a plain split otherwise
    (a label with a single example, or more labels than held-out tickets)."""
    rows = np.arange(len(y))
    try:
        train, test = train_test_split(rows, test_size=HELD_OUT, random_state=SEED, stratify=y)
    except ValueError:
        train, test = train_test_split(rows, test_size=HELD_OUT, random_state=SEED)
    return np.asarray(train), np.asarray(test)


class Registry:
    """Loads active models lazily and keeps a small LRU of them in memory."""

    def __init__(
        self,
        root: Path,
        *,
        min_labelled: int,
        min_per_label: int,
        keep_versions: int,
        cache_size: int = 64,
        encoder: Encoder | None = None,
        static: SentenceEncoder | None = None,
        pipeline: Pipeline = "accurate",
    ):
        """New models read the sentence vectors of `pipeline` (ai.pipelines): MiniLM from
        `encoder`, WordLlama from `static`; a pipeline whose encoder is missing falls back."""
        self.root = root
        self.encoder = encoder
        self.encoders: dict[str, SentenceEncoder] = available_encoders(encoder, static)
        self.pipeline = pipeline
        # Zero-shot reads the best vectors this service has (MiniLM, else static, else keywords).
        self.zero_shot = ZeroShot(next(iter(self.encoders.values()), None))
        self.min_labelled = min_labelled
        self.min_per_label = min_per_label
        self.keep_versions = keep_versions
        self._cache: OrderedDict[tuple[int, str, int], TextClassifier] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._train_locks: dict[int, threading.Lock] = {}

    def store(self, tenant_id: int, kind: str) -> VersionStore:
        if kind not in KINDS:
            raise StorageError(f"unknown model kind {kind!r}")
        return VersionStore(self.root, tenant_id, kind)

    # -- serving ----------------------------------------------------------------------------
    def active(self, tenant_id: int, kind: str) -> tuple[int, TextClassifier] | None:
        store = self.store(tenant_id, kind)
        version = store.active()
        if version is None:
            return None
        key = (tenant_id, kind, version)
        with self._lock:
            model = self._cache.get(key)
            if model is not None:
                self._cache.move_to_end(key)
                return version, model
        model = TextClassifier.from_arrays(*store.load(version))
        with self._lock:
            self._cache[key] = model
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return version, model

    def vectors_for(self, model: TextClassifier, texts: list[str]) -> np.ndarray | None:
        """The texts' sentence vectors if `model` reads them and this service has its encoder;
        None otherwise, and the model answers from its TF-IDF weights alone."""
        encoder = self.encoders.get(model.embedding_model or "")
        return encoder.encode(texts) if encoder is not None else None

    def training_vectors(
        self, tenant_id: int, pipeline: Pipeline, texts: list[str]
    ) -> tuple[np.ndarray | None, str | None]:
        """Vectors for a retrain and the encoder's name; MiniLM's are kept between retrains."""
        name = ENCODER_OF[pipeline]
        if name is None:
            return None, None
        if pipeline == "accurate" and self.encoder is not None:
            return VectorCache(self.root, tenant_id, self.encoder).vectors(texts), name
        return self.encoders[name].encode(texts), name

    def versions(self, tenant_id: int, kind: str) -> tuple[int | None, list[dict[str, Any]]]:
        store = self.store(tenant_id, kind)
        return store.active(), [store.meta(v) | {"version": v} for v in store.versions()]

    def activate(self, tenant_id: int, kind: str, version: int) -> None:
        self.store(tenant_id, kind).set_active(version)

    # -- training ---------------------------------------------------------------------------
    def _check(self, labels: list[str]) -> tuple[set[str], list[str]]:
        counts = Counter(labels)
        kept = {label for label, n in counts.items() if n >= self.min_per_label}
        dropped = sorted(set(counts) - kept)
        usable = sum(counts[label] for label in kept)
        if usable < self.min_labelled or len(kept) < 2:
            few = ", ".join(f"{label!r} ({counts[label]})" for label in dropped[:5])
            raise NotEnoughData(
                f"need at least {self.min_labelled} labelled tickets in two or more labels with "
                f"{self.min_per_label}+ each; have {usable} usable in {len(kept)} label(s)"
                + (f"; too few examples: {few}" if few else "")
                + ("; a model needs a second label to tell apart" if len(counts) == 1 else "")
            )
        return kept, dropped

    def train(
        self,
        tenant_id: int,
        kind: str,
        texts: list[str],
        labels: list[str],
        *,
        force: bool = False,
        pipeline: Pipeline | None = None,
    ) -> TrainResult:
        """`pipeline` (the tenant's choice; the service default when None) may fall back to a
        lighter one when its encoder is not installed: the saved model says which it got."""
        store = self.store(tenant_id, kind)
        chosen = resolve(pipeline or self.pipeline, self.encoders)
        with self._lock:
            lock = self._train_locks.setdefault(tenant_id, threading.Lock())
        with lock:
            return self._train(store, tenant_id, kind, texts, labels, force=force, pipeline=chosen)

    def _train(
        self,
        store: VersionStore,
        tenant_id: int,
        kind: str,
        texts: list[str],
        labels: list[str],
        *,
        force: bool,
        pipeline: Pipeline,
    ) -> TrainResult:
        started = time.perf_counter()
        kept, dropped = self._check(labels)
        pairs = [(t, label) for t, label in zip(texts, labels, strict=True) if label in kept]
        x = [t for t, _ in pairs]
        y = [label for _, label in pairs]
        # Each text is encoded once, for the held-out run and the final refit alike, and kept for
        # the next retrain.
        vectors, embedding_model = self.training_vectors(tenant_id, pipeline, x)
        train_idx, test_idx = held_out_split(y)
        x_train, y_train = [x[i] for i in train_idx], [y[i] for i in train_idx]
        if len(set(y_train)) < 2:
            raise NotEnoughData("the labelled tickets leave one label for training: add examples of a second")
        x_test, y_test = [x[i] for i in test_idx], [y[i] for i in test_idx]
        v_train = vectors[train_idx] if vectors is not None else None
        v_test = vectors[test_idx] if vectors is not None else None
        balanced = kind == "priority"  # the urgent class is rare: weight it up
        urgent = "urgent" if kind == "priority" else None
        candidate = TextClassifier.train(
            x_train, y_train, balanced=balanced, vectors=v_train, embedding_model=embedding_model
        )
        candidate.calibrate(x_test, y_test, v_test)
        metrics = evaluate(candidate, x_test, y_test, urgent, v_test)

        previous = self.active(tenant_id, kind)
        previous_metrics = None
        if previous:
            # Scored as it is served: with vectors only if it reads this encoder's vectors.
            same_encoder = previous[1].embedding_model == embedding_model
            previous_metrics = evaluate(previous[1], x_test, y_test, urgent, v_test if same_encoder else None)
        if previous is None:
            activate, reason = True, "first model for this tenant"
        elif force:
            activate, reason = True, "forced"
        elif metrics["accuracy"] > previous_metrics["accuracy"]:  # type: ignore[index]  # set when previous
            activate, reason = True, "better than the active model on the same held-out tickets"
        else:
            activate, reason = False, "not better than the active model on the same held-out tickets"

        # The served model learns from every labelled ticket; the held-out score above is its estimate.
        final = TextClassifier.train(
            x, y, balanced=balanced, vectors=vectors, embedding_model=embedding_model
        )
        final.temperature, final.text_temperature = candidate.temperature, candidate.text_temperature
        meta, arrays = final.to_arrays()
        meta.update(
            kind=kind,
            features=f"tfidf+{embedding_model}" if embedding_model else "tfidf",
            pipeline=pipeline,
            metrics=metrics,
            labels_dropped=dropped,
            label_counts=dict(Counter(y)),
            trained_at=time.time(),
            train_seconds=round(time.perf_counter() - started, 3),
        )
        version = store.save(meta, arrays)
        if activate:
            store.set_active(version)
        store.prune(self.keep_versions)
        return TrainResult(
            version=version,
            activated=activate,
            reason=reason,
            metrics=metrics | {"train_seconds": meta["train_seconds"]},
            pipeline=pipeline,
            previous_version=previous[0] if previous else None,
            previous_metrics=previous_metrics,
        )


def top_labels(proba: np.ndarray, labels: list[str], k: int = 3) -> list[tuple[str, float]]:
    order = np.argsort(-proba)[:k]
    return [(labels[i], float(proba[i])) for i in order]
