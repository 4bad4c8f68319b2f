"""Per-tenant hybrid search over tickets, articles and macros: BM25 keywords + MiniLM embeddings.

Why an in-service index and not PostgreSQL: the embedded PostgreSQL has no pgvector, and a
tenant's index (a few thousand to ~100k short texts) fits in memory where a brute-force
dot product over 384-dim vectors takes well under a millisecond per 10k documents. Core
stays the source of truth: it pushes documents here (upsert/delete) and can rebuild a
tenant's index at any time by pushing them again. The index is saved per tenant as JSON
plus a float32 array (no pickle) so a restart does not need a rebuild.

BM25 keeps exact tokens such as error codes and order ids ("E-4411", "INV-2024-0042"), which
embeddings blur; embeddings match paraphrases that share no words. Scores are fused as a
weighted sum after scaling BM25 to [0, 1] per query.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from ai.embeddings import DIMENSIONS, Encoder
from ai.storage import read_bundle, tenant_dir, write_bundle

KINDS = ("ticket", "article", "macro")
TOKEN = r"(?u)\b\w[\w\-./]*\w\b|\b\w\b"
K1, B = 1.2, 0.75
# Measured on BANKING77 (bench/ai_eval.py): P@5 0.819 embeddings only, 0.815 at 0.2, 0.759 at 0.45,
# 0.590 keywords only. Identifiers get their own bonus below, so the keyword share can stay small.
KEYWORD_WEIGHT = 0.2  # the rest goes to the embedding cosine
IDENTIFIER_BONUS = 0.5  # added in full when a document has every identifier-like token of the query
_IDENTIFIER = re.compile(r"^(?=.*\d)[\w\-./]{4,}$")
_SPLIT = re.compile(r"[\-./]")


@dataclass
class Hit:
    kind: str
    id: str
    score: float
    keyword: float
    semantic: float
    doc: dict[str, Any]


def searchable(doc: dict[str, Any]) -> str:
    return f"{doc.get('title') or ''}\n{doc['text']}".strip()


def _analyzer() -> Any:
    base = CountVectorizer(token_pattern=TOKEN, lowercase=True).build_analyzer()

    def analyze(text: str) -> list[str]:
        # Keep "e-4411" whole for exact matches, and also its parts for partial ones.
        tokens: list[str] = []
        for token in base(text):
            tokens.append(token)
            parts = [p for p in _SPLIT.split(token) if p]
            if len(parts) > 1:
                tokens.extend(parts)
        return tokens

    return analyze


class TenantIndex:
    def __init__(self, folder: Path, encoder: Encoder | None):
        self.folder = folder
        self.encoder = encoder
        self.docs: list[dict[str, Any]] = []
        self.vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.lock = threading.RLock()
        self._bm25: tuple[CountVectorizer, sparse.csr_matrix] | None = None
        if (folder / "meta.json").exists():
            meta, arrays = read_bundle(folder)
            self.docs = list(meta["docs"])
            self.vectors = arrays["vectors"]
            if self.encoder is not None and self.vectors.shape[0] != len(self.docs):
                self.vectors = self.encoder.encode([searchable(d) for d in self.docs])

    # -- writes -----------------------------------------------------------------------------
    def upsert(self, docs: list[dict[str, Any]]) -> None:
        with self.lock:
            position = {(d["kind"], d["id"]): i for i, d in enumerate(self.docs)}
            fresh = self.encoder.encode([searchable(d) for d in docs]) if self.encoder else None
            existing = len(self.docs)
            added: list[int] = []  # positions in `docs` of documents new to the index, in order
            for n, doc in enumerate(docs):
                key = (doc["kind"], doc["id"])
                if key in position and position[key] < existing:
                    self.docs[position[key]] = doc
                    if fresh is not None:
                        self.vectors[position[key]] = fresh[n]
                elif key in position:  # repeated inside this batch: the last one wins
                    self.docs[position[key]] = doc
                    added[position[key] - existing] = n
                else:
                    position[key] = len(self.docs)
                    self.docs.append(doc)
                    added.append(n)
            if fresh is not None and added:
                self.vectors = np.vstack([self.vectors, fresh[added]])
            self._changed()

    def delete(self, kind: str, doc_id: str) -> bool:
        with self.lock:
            keep = [i for i, d in enumerate(self.docs) if (d["kind"], d["id"]) != (kind, doc_id)]
            if len(keep) == len(self.docs):
                return False
            self.docs = [self.docs[i] for i in keep]
            if self.vectors.shape[0]:
                self.vectors = self.vectors[keep]
            self._changed()
            return True

    def _changed(self) -> None:
        self._bm25 = None
        write_bundle(self.folder, {"docs": self.docs}, {"vectors": self.vectors})

    # -- search -----------------------------------------------------------------------------
    def _keyword_index(self) -> tuple[CountVectorizer, sparse.csr_matrix]:
        if self._bm25 is None:
            vec = CountVectorizer(analyzer=_analyzer())
            tf = vec.fit_transform([searchable(d) for d in self.docs]).tocsr().astype(np.float32)
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            avg = max(float(lengths.mean()), 1.0)
            df = np.bincount(tf.indices, minlength=tf.shape[1])
            idf = np.log1p((len(self.docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
            # BM25 term weight per (doc, term), precomputed so a query is one sparse product.
            rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
            denom = tf.data + K1 * (1 - B + B * lengths[rows] / avg)
            weights = tf.copy()
            weights.data = (idf[tf.indices] * tf.data * (K1 + 1) / denom).astype(np.float32)
            self._bm25 = (vec, weights.T.tocsr())  # terms x docs
        return self._bm25

    def search(
        self,
        text: str,
        *,
        kinds: tuple[str, ...],
        limit: int,
        exclude: tuple[str, str] | None = None,
        solved_only: bool = False,
    ) -> list[Hit]:
        with self.lock:
            if not self.docs:
                return []
            vec, weights = self._keyword_index()
            terms = [vec.vocabulary_[t] for t in set(vec.analyzer(text)) if t in vec.vocabulary_]
            keyword = np.asarray(weights[terms].sum(axis=0)).ravel() if terms else np.zeros(len(self.docs))
            semantic = np.zeros(len(self.docs), dtype=np.float32)
            if self.encoder is not None and self.vectors.shape[0] == len(self.docs):
                semantic = self.vectors @ self.encoder.encode([text])[0]
            mask = np.array(
                [
                    d["kind"] in kinds
                    and (d["kind"], d["id"]) != exclude
                    and (not solved_only or bool(d.get("solved")))
                    for d in self.docs
                ]
            )
            if not mask.any():
                return []
            top_keyword = float(keyword[mask].max()) if keyword[mask].size else 0.0
            keyword_scaled = keyword / top_keyword if top_keyword > 0 else keyword
            weight = KEYWORD_WEIGHT if self.encoder is not None else 1.0
            combined = weight * keyword_scaled + (1 - weight) * np.clip(semantic, 0, 1)
            # Error codes, order and invoice numbers: an exact match matters more than any paraphrase.
            identifiers = [
                vec.vocabulary_[t]
                for t in set(vec.analyzer(text))
                if _IDENTIFIER.match(t) and t in vec.vocabulary_
            ]
            if identifiers:
                present = np.asarray((weights[identifiers] > 0).sum(axis=0)).ravel() / len(identifiers)
                combined = combined + IDENTIFIER_BONUS * present
            combined = np.where(mask, combined, -np.inf)
            order = np.argsort(-combined)[:limit]
            return [
                Hit(
                    kind=self.docs[i]["kind"],
                    id=self.docs[i]["id"],
                    score=round(float(combined[i]), 4),
                    keyword=round(float(keyword_scaled[i]), 4),
                    semantic=round(float(semantic[i]), 4),
                    doc=self.docs[i],
                )
                for i in order
                if np.isfinite(combined[i]) and combined[i] > 0
            ]


class Indexes:
    """One TenantIndex per tenant, loaded on first use."""

    def __init__(self, root: Path, encoder: Encoder | None):
        self.root = root
        self.encoder = encoder
        self._indexes: dict[int, TenantIndex] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: int) -> TenantIndex:
        with self._lock:
            index = self._indexes.get(tenant_id)
            if index is None:
                index = TenantIndex(tenant_dir(self.root, tenant_id) / "index", self.encoder)
                self._indexes[tenant_id] = index
            return index


def suggest_replies(index: TenantIndex, text: str, *, limit: int) -> tuple[list[dict[str, Any]], list[Hit]]:
    """Replies that resolved the most similar solved tickets (grouped, summed), and matching macros."""
    hits = index.search(text, kinds=("ticket",), limit=25, solved_only=True)
    grouped: dict[str, dict[str, Any]] = {}
    for hit in hits:
        reply = (hit.doc.get("reply") or "").strip()
        if not reply:
            continue
        key = " ".join(reply.lower().split())
        entry = grouped.setdefault(key, {"text": reply, "score": 0.0, "ticket_ids": []})
        entry["score"] = round(entry["score"] + hit.score, 4)
        entry["ticket_ids"].append(hit.id)
    replies = sorted(grouped.values(), key=lambda e: -e["score"])[:limit]
    macros = index.search(text, kinds=("macro",), limit=limit)
    return replies, macros
