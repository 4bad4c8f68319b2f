"""HTTP routes of the AI service. Every route but /healthz requires the service token."""

from __future__ import annotations

import base64

import numpy as np
from fastapi import APIRouter, HTTPException, status

from ai.deps import ServiceAuth, StateDep, TenantId
from ai.embeddings import DIMENSIONS, MODEL_NAME
from ai.pipelines import pipeline_of
from ai.registry import NotEnoughData
from ai.schemas import (
    BatchIn,
    BatchOut,
    Classification,
    DocumentsIn,
    EmbedIn,
    EmbedOut,
    HitOut,
    ModelList,
    ModelVersion,
    RepliesOut,
    ReplyOut,
    SimilarIn,
    SimilarOut,
    Ticket,
    TrainIn,
    TrainOut,
)
from ai.similarity import Hit, suggest_replies
from ai.storage import StorageError
from ai.triage import classify

health = APIRouter()
router = APIRouter(prefix="/v1/tenants/{tenant_id}", dependencies=[ServiceAuth])


@health.get("/healthz")
def healthz(state: StateDep) -> dict[str, object]:
    return {"status": "ok", "embeddings": state.encoder is not None}


@router.post("/classify")
def classify_one(tenant_id: TenantId, ticket: Ticket, state: StateDep) -> Classification:
    return classify(state.registry, tenant_id, ticket)


@router.post("/classify/batch")
def classify_batch(tenant_id: TenantId, body: BatchIn, state: StateDep) -> BatchOut:
    return BatchOut(results=[classify(state.registry, tenant_id, t) for t in body.tickets])


@router.post("/models/train")
def train(tenant_id: TenantId, body: TrainIn, state: StateDep) -> TrainOut:
    try:
        result = state.registry.train(
            tenant_id,
            body.kind,
            [e.text for e in body.examples],
            [e.label for e in body.examples],
            force=body.force,
            pipeline=body.pipeline,
        )
    except NotEnoughData as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return TrainOut(**vars(result))


@router.get("/models/{kind}")
def list_models(tenant_id: TenantId, kind: str, state: StateDep) -> ModelList:
    try:
        active, versions = state.registry.versions(tenant_id, kind)
    except StorageError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return ModelList(
        kind=kind,
        active_version=active,
        versions=[
            ModelVersion(
                version=v["version"],
                active=v["version"] == active,
                metrics=v.get("metrics", {}),
                labels=v.get("labels", []),
                trained_at=v.get("trained_at", 0.0),
                train_seconds=v.get("train_seconds", 0.0),
                pipeline=pipeline_of(v.get("embedding_model")),
            )
            for v in versions
        ],
    )


@router.post("/models/{kind}/{version}/activate")
def activate(tenant_id: TenantId, kind: str, version: int, state: StateDep) -> ModelList:
    """Roll back (or forward) to a kept version."""
    try:
        state.registry.activate(tenant_id, kind, version)
    except StorageError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return list_models(tenant_id, kind, state)


@router.put("/documents", status_code=status.HTTP_204_NO_CONTENT)
def upsert_documents(tenant_id: TenantId, body: DocumentsIn, state: StateDep) -> None:
    state.indexes.get(tenant_id).upsert([d.model_dump() for d in body.documents])


@router.delete("/documents/{kind}/{doc_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(tenant_id: TenantId, kind: str, doc_id: str, state: StateDep) -> None:
    if not state.indexes.get(tenant_id).delete(kind, doc_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document")


def _hit(hit: Hit) -> HitOut:
    return HitOut(
        kind=hit.kind,
        id=hit.id,
        title=hit.doc.get("title", ""),
        score=hit.score,
        keyword=hit.keyword,
        semantic=hit.semantic,
    )


@router.post("/similar")
def similar(tenant_id: TenantId, body: SimilarIn, state: StateDep) -> SimilarOut:
    exclude = ("ticket", body.exclude_id) if body.exclude_id else None
    hits = state.indexes.get(tenant_id).search(
        body.text, kinds=tuple(body.kinds), limit=body.limit, exclude=exclude
    )
    return SimilarOut(hits=[_hit(h) for h in hits], semantic=state.encoder is not None)


@router.post("/suggested-replies")
def suggested_replies(tenant_id: TenantId, body: SimilarIn, state: StateDep) -> RepliesOut:
    replies, macros = suggest_replies(state.indexes.get(tenant_id), body.text, limit=body.limit)
    return RepliesOut(replies=[ReplyOut(**r) for r in replies], macros=[_hit(h) for h in macros])


@router.post("/embed")
def embed(tenant_id: TenantId, body: EmbedIn, state: StateDep) -> EmbedOut:
    """Sentence vectors for core to store or compare (e.g. knowledge base articles and queries).

    503 when the model is not installed: callers then fall back to keyword matching."""
    if state.encoder is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "embedding model not available")
    vectors = state.encoder.encode(body.texts).astype("<f4", copy=False)
    return EmbedOut(
        model=MODEL_NAME,
        dimensions=DIMENSIONS,
        vectors=[base64.b64encode(np.ascontiguousarray(v).tobytes()).decode() for v in vectors],
    )
