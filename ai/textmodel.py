"""A linear text classifier (TF-IDF word + char n-grams, plus an optional sentence vector) that saves
as plain arrays.

The accurate pipeline puts the ticket's sentence vector (MiniLM, or the static WordLlama vector on
the fast path) beside its TF-IDF features, scaled by a block weight, and fits ONE linear SVM on the
concatenation (measured in bench/ai_variants.py: better than averaging two models' scores;
docs/benchmarks/ai.md has the figures). When the encoder is missing at serving time the vector
block contributes nothing and the model answers from its TF-IDF weights, with its own temperature.

Confidence is the softmax of the decision scores with a temperature fitted on held-out data
(temperature scaling), so a reported 0.9 means roughly 90% right on that tenant's data.
Models saved by the older format (format /1: two SVMs whose scores were averaged) still load.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

FORMAT = "frontline-linear-text/2"
OLD_FORMAT = "frontline-linear-text/1"  # two SVMs, scores averaged with `embedding_share`

_WORD = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "lowercase": True}
_CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True, "lowercase": True}
_NUMBERS = re.compile(r"\d")
# The SVM's C and the weight of the sentence-vector block beside the TF-IDF block, per encoder,
# chosen by cross-validation on the training splits only (BANKING77 train 5-fold, IT tickets
# train 80/20): bench/ai_variants.py --variants grid prints the grid.
# BANKING77 fold 1 of 5 (fold 2 agrees on MiniLM), accuracy: MiniLM weight 1: 0.9285 (C=0.5) /
# 0.9265 (C=1), weight 2: 0.9260 / 0.9260, weight 3: 0.9255 / 0.9230; WordLlama weight 1: 0.9145
# / 0.9175, weight 2: 0.9225 / 0.9190, weight 3: 0.9160 / 0.9135; TF-IDF alone 0.9005.
DEFAULT_C = 0.5
JOINT_C: dict[str, float] = {"all-MiniLM-L6-v2-onnx-int8": 0.5, "wordllama-l2-supercat-256": 0.5}
VECTOR_WEIGHT: dict[str, float] = {"all-MiniLM-L6-v2-onnx-int8": 1.0, "wordllama-l2-supercat-256": 2.0}
FALLBACK_WEIGHT = 1.0
# known_share reads this much of a ticket: enough to tell its language and alphabet.
KNOWN_SHARE_CHARS = 2000
# Older models only: share of the embedding head in the averaged scores.
EMBEDDING_SHARE = 0.3


def normalize(text: str) -> str:
    """Digits collapse to 0 for the classifier, so '4411' and '5522' look alike (ids are noise here)."""
    return _NUMBERS.sub("0", text)


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    return TfidfVectorizer(**_WORD, dtype=np.float32), TfidfVectorizer(**_CHAR, dtype=np.float32)


def _restore_vectorizer(params: dict[str, Any], terms: list[str], idf: np.ndarray) -> TfidfVectorizer:
    vec = TfidfVectorizer(**{**params, "ngram_range": tuple(params["ngram_range"])}, dtype=np.float32)
    vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
    vec.idf_ = idf
    return vec


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Temperature that minimises the negative log-likelihood of the true classes."""

    def nll(log_t: float) -> float:
        p = _softmax(scores, float(np.exp(log_t)))
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    best = minimize_scalar(nll, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(best.x))


@dataclass
class TextClassifier:
    labels: list[str]
    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray  # (n_classes, n_tfidf_features); for two labels both rows are kept
    intercept: np.ndarray
    temperature: float = 1.0  # for the scores actually served (with vectors when the model reads them)
    info: dict[str, Any] = field(default_factory=dict)
    # The sentence-vector block: None for a TF-IDF-only model.
    embedding_model: str | None = None
    emb_coef: np.ndarray | None = None  # (n_classes, dimensions), the block weight folded in
    emb_intercept: np.ndarray | None = None
    text_temperature: float = 1.0  # for the TF-IDF weights alone (the encoder is missing)
    # None: one joint model (scores add up); a float: an old two-head model's averaging share.
    embedding_share: float | None = None
    _split_weights: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    # -- training ---------------------------------------------------------------------------
    @classmethod
    def train(
        cls,
        texts: list[str],
        labels: list[str],
        *,
        c: float | None = None,
        balanced: bool = False,
        vectors: np.ndarray | None = None,
        embedding_model: str | None = None,
        vector_weight: float | None = None,
    ) -> TextClassifier:
        """`vectors` (one sentence embedding per text, from `embedding_model`) join the TF-IDF
        features in the same SVM, scaled by `vector_weight` (the encoder's measured default)."""
        started = time.perf_counter()
        word, char = _vectorizers()
        docs = [normalize(t) for t in texts]
        blocks = [word.fit_transform(docs), char.fit_transform(docs)]
        n_text = blocks[0].shape[1] + blocks[1].shape[1]
        joint = vectors is not None and embedding_model is not None
        weight = 1.0
        if joint:
            weight = VECTOR_WEIGHT.get(str(embedding_model), FALLBACK_WEIGHT)
            weight = vector_weight if vector_weight is not None else weight
            blocks.append(sparse.csr_matrix(np.asarray(vectors, dtype=np.float32) * weight))
            c = c if c is not None else JOINT_C.get(str(embedding_model), DEFAULT_C)
        x = sparse.hstack(blocks).tocsr()
        classes = sorted(set(labels))
        y = np.array([classes.index(label) for label in labels])
        svm = LinearSVC(C=c if c is not None else DEFAULT_C, class_weight="balanced" if balanced else None)
        svm.fit(x, y)
        coef, intercept = _one_row_per_class(svm)
        model = cls(classes, word, char, np.ascontiguousarray(coef[:, :n_text]), intercept)
        if joint:
            model.embedding_model = embedding_model
            # Folding the weight into the coefficients: serving multiplies raw vectors.
            model.emb_coef = np.ascontiguousarray(coef[:, n_text:] * weight)
            model.emb_intercept = np.zeros(len(classes), dtype=np.float32)
        model.info = {"train_rows": len(texts), "train_seconds": round(time.perf_counter() - started, 3)}
        return model

    def calibrate(self, texts: list[str], labels: list[str], vectors: np.ndarray | None = None) -> None:
        known = [i for i, label in enumerate(labels) if label in self.labels]
        if len(known) < 5:
            return
        y = np.array([self.labels.index(labels[i]) for i in known])
        known_texts = [texts[i] for i in known]
        self.text_temperature = fit_temperature(self.scores(known_texts), y)
        self.temperature = self.text_temperature
        if vectors is not None and self.uses(vectors):
            self.temperature = fit_temperature(self.scores(known_texts, vectors[known]), y)

    def uses(self, vectors: np.ndarray | None) -> bool:
        """Whether scores for these vectors include the sentence-vector block."""
        return self.emb_coef is not None and vectors is not None

    # -- prediction -------------------------------------------------------------------------
    def scores(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Decision scores; with the sentence-vector block when the model has one and `vectors`
        (the texts' sentence embeddings, from `embedding_model`) are given."""
        # Two products instead of one over a stacked matrix: stacking costs more than the maths.
        docs = [normalize(t) for t in texts]
        word_weights, char_weights = self._weights()
        text_scores = np.asarray(
            self.word.transform(docs) @ word_weights
            + self.char.transform(docs) @ char_weights
            + self.intercept
        )
        if vectors is None or self.emb_coef is None or self.emb_intercept is None:
            return text_scores
        emb_scores = np.asarray(vectors, dtype=np.float32) @ self.emb_coef.T + self.emb_intercept
        if self.embedding_share is None:
            return np.asarray(text_scores + emb_scores)
        share = self.embedding_share
        return np.asarray((1 - share) * text_scores + share * emb_scores)

    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        if self._split_weights is None:
            split = len(self.word.vocabulary_)
            self._split_weights = (
                np.ascontiguousarray(self.coef[:, :split].T),
                np.ascontiguousarray(self.coef[:, split:].T),
            )
        return self._split_weights

    def known_share(self, text: str) -> float:
        """Share of the text's character n-grams this model has seen in training: near 0 for
        a language or alphabet the tenant's tickets never used (whose prediction is noise)."""
        grams = self.char.build_analyzer()(normalize(text[:KNOWN_SHARE_CHARS]))
        if not grams:
            return 0.0
        vocabulary = self.char.vocabulary_
        return sum(g in vocabulary for g in grams) / len(grams)

    def predict_proba(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        temperature = self.temperature if self.uses(vectors) else self.text_temperature
        return _softmax(self.scores(texts, vectors), temperature)

    def predict(self, texts: list[str], vectors: np.ndarray | None = None) -> list[tuple[str, float]]:
        proba = self.predict_proba(texts, vectors)
        best = proba.argmax(axis=1)
        return [(self.labels[i], float(proba[row, i])) for row, i in enumerate(best)]

    # -- plain-array persistence (no pickle) ----------------------------------------------------
    def to_arrays(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {
            "format": FORMAT if self.embedding_share is None else OLD_FORMAT,
            "labels": self.labels,
            "temperature": self.temperature,
            "text_temperature": self.text_temperature,
            "embedding_model": self.embedding_model,
            "embedding_share": self.embedding_share,
            "word_params": _WORD,
            "char_params": _CHAR,
            "word_terms": _terms(self.word),
            "char_terms": _terms(self.char),
            "info": self.info,
        }
        arrays = {
            "word_idf": self.word.idf_.astype(np.float32),
            "char_idf": self.char.idf_.astype(np.float32),
            "coef": self.coef,
            "intercept": self.intercept,
        }
        if self.emb_coef is not None and self.emb_intercept is not None:
            arrays |= {"emb_coef": self.emb_coef, "emb_intercept": self.emb_intercept}
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> TextClassifier:
        if meta.get("format") not in (FORMAT, OLD_FORMAT):
            raise ValueError(f"unknown model format {meta.get('format')!r}")
        word = _restore_vectorizer(meta["word_params"], meta["word_terms"], arrays["word_idf"])
        char = _restore_vectorizer(meta["char_params"], meta["char_terms"], arrays["char_idf"])
        n_features = len(meta["word_terms"]) + len(meta["char_terms"])
        coef, intercept = arrays["coef"], arrays["intercept"]
        if coef.shape != (len(meta["labels"]), n_features) or intercept.shape != (len(meta["labels"]),):
            raise ValueError("model arrays do not match their vocabulary")
        model = cls(
            list(meta["labels"]),
            word,
            char,
            coef,
            intercept,
            float(meta["temperature"]),
            meta.get("info", {}),
        )
        # Versions saved before the embedding head existed have one temperature for the TF-IDF head.
        model.text_temperature = float(meta.get("text_temperature", meta["temperature"]))
        if meta.get("embedding_model") and "emb_coef" in arrays and "emb_intercept" in arrays:
            emb_coef, emb_intercept = arrays["emb_coef"], arrays["emb_intercept"]
            if (
                emb_coef.ndim != 2
                or emb_coef.shape[0] != len(model.labels)
                or emb_intercept.shape != (len(model.labels),)
            ):
                raise ValueError("embedding head arrays do not match the labels")
            model.embedding_model = str(meta["embedding_model"])
            if meta["format"] == OLD_FORMAT:
                model.embedding_share = float(meta.get("embedding_share") or EMBEDDING_SHARE)
            model.emb_coef, model.emb_intercept = emb_coef, emb_intercept
        return model


def _one_row_per_class(svm: LinearSVC) -> tuple[np.ndarray, np.ndarray]:
    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float32)
    if coef.shape[0] == 1:  # sklearn keeps one row for binary problems: make it symmetric
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return coef, intercept


def _terms(vec: TfidfVectorizer) -> list[str]:
    terms = [""] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        terms[i] = term
    return terms


def dumps_meta(meta: dict[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False)
