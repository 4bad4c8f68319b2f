"""Classify one ticket: category and priority from the tenant's models, sentiment, language.

Before a tenant has a category model, the categories it describes (sent with the ticket) are
matched zero-shot. Text with nothing to read (empty, only digits, symbols or binary noise) is
"unknown" with confidence 0, never an error.
"""

from __future__ import annotations

import unicodedata

from ai import priority, signals
from ai.pipelines import pipeline_of
from ai.registry import Registry, top_labels
from ai.schemas import (
    CategoryIn,
    Classification,
    LabelPrediction,
    LanguageOut,
    PriorityPrediction,
    SentimentOut,
    Ticket,
)
from ai.zeroshot import CategoryHint

# Below this share of known character n-grams a ticket is "unknown" to the model. Typos and new
# words keep most n-grams known (BANKING77 test questions: >0.9); another alphabet has ~none.
MIN_KNOWN_SHARE = 0.35


def readable(text: str) -> bool:
    """Whether the text has words to read: at least two letters, letters not lost in symbols,
    and not binary decoded as text (which leaves control, unassigned or replacement characters:
    random bytes read as Latin-1 are ~12% C1 controls)."""
    chars = "".join(ch for ch in text if not ch.isspace())  # newlines and tabs are not noise
    letters = sum(ch.isalpha() for ch in chars)
    junk = sum(ch == "\ufffd" or unicodedata.category(ch)[0] == "C" for ch in chars)
    return letters >= 2 and letters >= 0.2 * len(chars) and junk <= 0.03 * len(chars)


def _unknown(reason: str, **fields: object) -> LabelPrediction:
    return LabelPrediction(enabled=True, label=None, confidence=0.0, reason=reason, **fields)  # type: ignore[arg-type]


def predict_category(
    registry: Registry, tenant_id: int, text: str, categories: list[CategoryIn] | None = None
) -> LabelPrediction:
    active = registry.active(tenant_id, "category")
    if active is None:
        if categories:
            return _zero_shot(registry, text, categories)
        return LabelPrediction(
            enabled=False,
            reason="no category model yet: train one from at least "
            f"{registry.min_labelled} labelled tickets of this tenant, or send the tenant's "
            "categories for zero-shot matching",
        )
    version, model = active
    pipeline = pipeline_of(model.embedding_model)
    if not readable(text):
        return _unknown("no words to classify", source="model", model_version=version, pipeline=pipeline)
    if model.known_share(text) < MIN_KNOWN_SHARE:
        return _unknown(
            "unlike this tenant's tickets (another language or alphabet?)",
            source="model",
            model_version=version,
            pipeline=pipeline,
        )
    proba = model.predict_proba([text], registry.vectors_for(model, [text]))[0]
    ranked = top_labels(proba, model.labels)
    return LabelPrediction(
        enabled=True,
        label=ranked[0][0],
        confidence=round(ranked[0][1], 4),
        alternatives=[(label, round(p, 4)) for label, p in ranked[1:]],
        model_version=version,
        source="model",
        pipeline=pipeline,
    )


def _zero_shot(registry: Registry, text: str, categories: list[CategoryIn]) -> LabelPrediction:
    if not readable(text):
        return _unknown("no words to classify", source="zero-shot")
    hints = [CategoryHint(c.name, c.description, tuple(c.examples)) for c in categories]
    result = registry.zero_shot.predict(hints, text)
    return LabelPrediction(
        enabled=True,
        label=result.label,
        confidence=round(result.confidence, 4),
        alternatives=result.alternatives,
        reason=None if result.label else "not similar to any category",
        source="zero-shot",
        pipeline=result.method,
    )


def predict_priority(registry: Registry, tenant_id: int, ticket: Ticket, text: str) -> PriorityPrediction:
    rules = priority.rule_priority(
        text, customer_tier=ticket.customer_tier, sla_minutes_left=ticket.sla_minutes_left
    )
    active = registry.active(tenant_id, "priority")
    if active is None or not readable(text):
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
        category=predict_category(registry, tenant_id, text, ticket.categories),
        priority=predict_priority(registry, tenant_id, ticket, text),
        sentiment=SentimentOut(label=sentiment.label, score=sentiment.score, confidence=sentiment.confidence),  # type: ignore[arg-type]  # label is one of the three
        language=LanguageOut(code=language.code, confidence=language.confidence),
    )
