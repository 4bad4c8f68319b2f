"""Classify one ticket: category and priority from the tenant's models, sentiment, language."""

from __future__ import annotations

from ai import priority, signals
from ai.registry import Registry, top_labels
from ai.schemas import (
    Classification,
    LabelPrediction,
    LanguageOut,
    PriorityPrediction,
    SentimentOut,
    Ticket,
)


def predict_category(registry: Registry, tenant_id: int, text: str) -> LabelPrediction:
    active = registry.active(tenant_id, "category")
    if active is None:
        return LabelPrediction(
            enabled=False,
            reason="no category model yet: train one from at least "
            f"{registry.min_labelled} labelled tickets of this tenant",
        )
    version, model = active
    proba = model.predict_proba([text], registry.vectors_for(model, [text]))[0]
    ranked = top_labels(proba, model.labels)
    return LabelPrediction(
        enabled=True,
        label=ranked[0][0],
        confidence=round(ranked[0][1], 4),
        alternatives=[(label, round(p, 4)) for label, p in ranked[1:]],
        model_version=version,
    )


def predict_priority(registry: Registry, tenant_id: int, ticket: Ticket, text: str) -> PriorityPrediction:
    rules = priority.rule_priority(
        text, customer_tier=ticket.customer_tier, sla_minutes_left=ticket.sla_minutes_left
    )
    active = registry.active(tenant_id, "priority")
    if active is None:
        return PriorityPrediction(label=rules.level, confidence=None, source="rules", reasons=rules.reasons)
    version, model = active
    # The category model's vector for this text comes from the encoder's cache.
    label, confidence = model.predict([text], registry.vectors_for(model, [text]))[0]
    final = priority.combine(label, rules)
    return PriorityPrediction(
        label=final,
        # The model's probability describes the model's label only; a rule override has none.
        confidence=round(confidence, 4) if final == label else None,
        source="model" if final == label else "model+rules",
        reasons=rules.reasons,
        model_version=version,
    )


def classify(registry: Registry, tenant_id: int, ticket: Ticket) -> Classification:
    text = ticket.text
    sentiment = signals.sentiment(text)
    language = signals.language(text)
    return Classification(
        category=predict_category(registry, tenant_id, text),
        priority=predict_priority(registry, tenant_id, ticket, text),
        sentiment=SentimentOut(label=sentiment.label, score=sentiment.score, confidence=sentiment.confidence),  # type: ignore[arg-type]  # label is one of the three
        language=LanguageOut(code=language.code, confidence=language.confidence),
    )
