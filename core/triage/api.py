"""AI triage API for staff: a ticket's predictions and the feedback on them, accuracy over time,
and per-tenant retraining jobs (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from tickets.selectors.tickets import ticket_visible_or_404
from triage.models import Prediction, TrainingJob
from triage.selectors import (
    accuracy_report,
    labelled_count,
    ticket_predictions,
    training_job,
    training_jobs,
)
from triage.services import ZERO_SHOT
from triage.services.feedback import prediction_accept, prediction_correct, prediction_reject
from triage.services.training import training_job_request

router = Router(tags=["ai"], auth=staff_only)
FieldName = Literal["category", "priority"]


class PredictionOut(Schema):
    field: str
    label: str = Field(description="What the AI predicted")
    confidence: float | None
    model_version: str = Field(description="Model version that predicted it, or 'rules'")
    applied: bool = Field(description="The AI set it on the ticket itself (confidence above threshold)")
    outcome: Literal["pending", "accepted", "corrected", "rejected"]
    final_value: str
    decided_by_id: int | None = Field(description="Membership id of the agent who decided")
    decided_at: dt.datetime | None


class CategoryStatus(Schema):
    enabled: bool = Field(description="False until the tenant has a trained category model")
    reason: str = ""
    prediction: PredictionOut | None


class TicketAIOut(Schema):
    triaged: bool = Field(description="The AI service has answered for this ticket")
    category: CategoryStatus
    priority: PredictionOut | None
    sentiment: str
    sentiment_confidence: float | None
    language: str
    language_confidence: float | None


class CorrectIn(Schema):
    value: str = Field(min_length=1, max_length=100, description="The right category or priority")


class AccuracyQuery(Schema):
    period: Literal["day", "week"] = "week"
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class AccuracyRow(Schema):
    period_start: dt.datetime
    field: str
    model_version: str
    predictions: int
    applied: int
    accepted: int
    corrected: int
    rejected: int
    pending: int
    accuracy: float | None = Field(description="accepted / (accepted + corrected + rejected)")


class TrainIn(Schema):
    kind: Literal["category"] = "category"


class JobOut(Schema):
    id: int
    kind: str
    trigger: str
    requested_by_id: int | None
    status: Literal["queued", "running", "done", "failed"]
    stage: str
    progress: int
    labelled_tickets: int | None
    corrections: int | None
    version: int | None = Field(description="Model version trained (the AI service's)")
    activated: bool | None = Field(description="Whether it beat the active model and now serves")
    reason: str
    metrics: dict[str, Any] = Field(description="Held-out accuracy, macro_f1, rows, train_seconds")
    previous_metrics: dict[str, Any] | None
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@router.get("/tickets/{ticket_id}/ai", response=TicketAIOut)
def ticket_ai(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """The AI's predictions for a ticket and what agents made of them (staff only)."""
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=require_membership(request), ticket_id=ticket_id)
    rows = {p.field: p for p in ticket_predictions(tenant=tenant, ticket=ticket)}
    category = rows.get("category")
    reason = ""
    if category is None and not ticket.ai_sentiment:
        reason = "The AI service has not answered for this ticket yet."
    elif category is None:
        have = labelled_count(tenant=tenant)
        reason = (
            "Category prediction is off until this tenant has a trained category model "
            f"(it needs {settings.AI_MIN_LABELLED} labelled tickets; {have} so far)."
        )
    elif category.model_version == ZERO_SHOT:
        have = labelled_count(tenant=tenant)
        reason = (
            "A zero-shot suggestion: matched to the category names and descriptions, never applied "
            f"by itself. A trained model takes over at {settings.AI_MIN_LABELLED} labelled tickets "
            f"({have} so far); the category you pick is one of them."
        )
    return {
        "triaged": bool(ticket.ai_sentiment),
        "category": {"enabled": category is not None, "reason": reason, "prediction": category},
        "priority": rows.get("priority"),
        "sentiment": ticket.ai_sentiment,
        "sentiment_confidence": ticket.ai_sentiment_confidence,
        "language": ticket.ai_language,
        "language_confidence": ticket.ai_language_confidence,
    }


def _found(row: Prediction | None) -> Prediction:
    if row is None:
        raise HttpError(404, "The AI made no prediction for this field of this ticket.")
    return row


@router.post("/tickets/{ticket_id}/ai/{field}/accept", response=PredictionOut)
def accept(request: HttpRequest, ticket_id: int, field: FieldName) -> Prediction:
    """Accept the AI's suggestion: the ticket gets the predicted value, the prediction counts right."""
    actor = require_membership(request)
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=actor, ticket_id=ticket_id)
    return _found(prediction_accept(tenant=tenant, ticket=ticket, actor=actor, field=field))


@router.post("/tickets/{ticket_id}/ai/{field}/correct", response=PredictionOut)
def correct(request: HttpRequest, ticket_id: int, field: FieldName, payload: CorrectIn) -> Prediction:
    """Set the right value instead of the AI's; recorded as a correction (a training label)."""
    actor = require_membership(request)
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=actor, ticket_id=ticket_id)
    return _found(
        prediction_correct(tenant=tenant, ticket=ticket, actor=actor, field=field, value=payload.value)
    )


@router.post("/tickets/{ticket_id}/ai/{field}/reject", response=PredictionOut)
def reject(request: HttpRequest, ticket_id: int, field: FieldName) -> Prediction:
    """The suggestion is wrong; a value the AI applied itself is taken off the ticket."""
    actor = require_membership(request)
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=actor, ticket_id=ticket_id)
    return _found(prediction_reject(tenant=tenant, ticket=ticket, actor=actor, field=field))


@router.get("/ai/accuracy", response=list[AccuracyRow])
def accuracy(request: HttpRequest, query: Query[AccuracyQuery]) -> list[dict[str, Any]]:
    """Prediction accuracy per day or week, field and model version, as judged by agents."""
    tenant = request_tenant(request)
    return accuracy_report(tenant=tenant, period=query.period, since=query.since, until=query.until)


@router.get("/ai/training-jobs", response=list[JobOut], auth=admin_only)
def jobs(request: HttpRequest) -> list[TrainingJob]:
    """Recent retraining jobs of this tenant's models, newest first (admins)."""
    tenant = request_tenant(request)
    return training_jobs(tenant=tenant)


@router.post("/ai/training-jobs", response={202: JobOut}, auth=admin_only)
def train(request: HttpRequest, payload: TrainIn) -> Status:
    """Retrain this tenant's category model from its labelled tickets, in a worker (admins).

    If a job is already queued or running, that job is answered instead of a second one."""
    actor = require_membership(request)
    job, _ = training_job_request(tenant=request_tenant(request), actor=actor, kind=payload.kind)
    return Status(202, job)


@router.get("/ai/training-jobs/{job_id}", response=JobOut, auth=admin_only)
def job(request: HttpRequest, job_id: int) -> TrainingJob:
    """One job's status, progress, metrics and resulting model version (admins)."""
    tenant = request_tenant(request)
    found = training_job(tenant=tenant, job_id=job_id)
    if found is None:
        raise HttpError(404, "Not Found")
    return found
