"""Zero-shot categories: before a tenant has enough labelled tickets for a model, the ticket goes to
the category whose name, description or examples it is most similar to.

Similarity is the cosine of sentence vectors (MiniLM, else the static WordLlama vectors, else
character n-gram TF-IDF fitted on the category texts themselves). Each category is a set of
prototypes (its "name: description" and each example); its score is the best prototype's. The
confidence is a softmax over those scores, and a ticket close to none of them is "unknown".
Prototype vectors are kept per category set, so a tenant's categories are encoded once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ai.pipelines import SentenceEncoder

# Softmax temperature over cosine scores: sentence-vector cosines of related texts differ by a
# few hundredths, so a small temperature is needed for the best to stand out.
TEMPERATURE = 0.05
# Below this best cosine the ticket resembles no category (measured on MiniLM: unrelated short
# texts score 0.0-0.15, a paraphrase of a description 0.4+).
MIN_SIMILARITY = {"vector": 0.15, "keyword": 0.05}
CACHE_SIZE = 256


@dataclass(frozen=True)
class CategoryHint:
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()

    def prototypes(self) -> list[str]:
        head = f"{self.name}: {self.description}" if self.description else self.name
        return [head, *self.examples]


@dataclass
class ZeroShotResult:
    label: str | None  # None: unknown
    confidence: float
    alternatives: list[tuple[str, float]]
    method: str  # the encoder's name, or "keyword"


@dataclass
class _Prototypes:
    names: list[str]
    owner: np.ndarray  # prototype row -> category index
    vectors: np.ndarray | None  # (prototypes, dims), L2-normalised; None for keyword matching
    keyword: TfidfVectorizer | None
    keyword_matrix: np.ndarray | None


class ZeroShot:
    def __init__(self, encoder: SentenceEncoder | None):
        self.encoder = encoder
        self._cache: OrderedDict[str, _Prototypes] = OrderedDict()
        self._lock = threading.Lock()

    def _prototypes(self, categories: list[CategoryHint]) -> _Prototypes:
        key = hashlib.sha256(
            json.dumps([[c.name, c.description, list(c.examples)] for c in categories]).encode()
        ).hexdigest()
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        texts, owner = [], []
        for index, category in enumerate(categories):
            for text in category.prototypes():
                texts.append(text)
                owner.append(index)
        names = [c.name for c in categories]
        if self.encoder is not None:
            built = _Prototypes(names, np.array(owner), self.encoder.encode(texts), None, None)
        else:
            keyword = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
            matrix = keyword.fit_transform([t.lower() for t in texts])
            built = _Prototypes(names, np.array(owner), None, keyword, matrix.toarray())
        with self._lock:
            self._cache[key] = built
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return built

    def predict(self, categories: list[CategoryHint], text: str) -> ZeroShotResult:
        # The same name twice (e.g. with and without examples) is one category.
        unique = list({c.name: c for c in categories}.values())
        protos = self._prototypes(unique)
        if protos.vectors is not None and self.encoder is not None:
            sims = protos.vectors @ self.encoder.encode([text])[0]
            method, floor = self.encoder.name, MIN_SIMILARITY["vector"]
        else:
            assert protos.keyword is not None
            assert protos.keyword_matrix is not None
            query = protos.keyword.transform([text.lower()]).toarray()[0]
            sims = protos.keyword_matrix @ query
            method, floor = "keyword", MIN_SIMILARITY["keyword"]
        scores = np.full(len(protos.names), -1.0)
        np.maximum.at(scores, protos.owner, sims)
        z = (scores - scores.max()) / TEMPERATURE
        proba = np.exp(z) / np.exp(z).sum()
        order = np.argsort(-proba)[:3]
        ranked = [(protos.names[i], round(float(proba[i]), 4)) for i in order]
        if float(scores.max()) < floor:
            # Close to no category: say so instead of guessing, with the guesses as alternatives.
            return ZeroShotResult(None, 0.0, ranked, method)
        return ZeroShotResult(ranked[0][0], ranked[0][1], ranked[1:], method)
