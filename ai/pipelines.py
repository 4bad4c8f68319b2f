"""Which sentence vectors a tenant's category/priority model reads beside its TF-IDF features.

- "accurate" (the default): the int8 MiniLM vector (ONNX), ~6-12 ms CPU a short ticket;
- "fast": the static WordLlama vector, ~0.1 ms a ticket, for when ONNX is unavailable or a
  tenant opts for speed;
- "tfidf": no vector at all (neither model installed, or asked for).

A pipeline whose encoder is missing falls back to the next one down the list, and the model
records which one it was trained with (docs/benchmarks/ai.md has the measurements).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from ai.embeddings import CLASSIFY_TOKENS, Encoder
from ai.embeddings import MODEL_NAME as MINILM
from ai.static_embeddings import MODEL_NAME as WORDLLAMA

Pipeline = Literal["accurate", "fast", "tfidf"]
PIPELINES: tuple[Pipeline, ...] = ("accurate", "fast", "tfidf")
ENCODER_OF: dict[Pipeline, str | None] = {"accurate": MINILM, "fast": WORDLLAMA, "tfidf": None}


def pipeline_of(embedding_model: str | None) -> Pipeline:
    """The pipeline of a saved model, from the encoder it reads (models before pipelines too)."""
    return next((p for p, name in ENCODER_OF.items() if name == embedding_model), "accurate")


class SentenceEncoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class MiniLMForClassify:
    """The MiniLM encoder as classification reads it: the first 64 word pieces."""

    encoder: Encoder
    name: str = MINILM

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts, batch_size=64, max_tokens=CLASSIFY_TOKENS)


def available_encoders(minilm: Encoder | None, static: SentenceEncoder | None) -> dict[str, SentenceEncoder]:
    encoders: dict[str, SentenceEncoder] = {}
    if minilm is not None:
        encoders[MINILM] = MiniLMForClassify(minilm)
    if static is not None:
        encoders[WORDLLAMA] = static
    return encoders


def resolve(wanted: Pipeline, encoders: dict[str, SentenceEncoder]) -> Pipeline:
    """`wanted`, or the first pipeline after it whose encoder this service has."""
    for pipeline in PIPELINES[PIPELINES.index(wanted) :]:
        name = ENCODER_OF[pipeline]
        if name is None or name in encoders:
            return pipeline
    return "tfidf"
