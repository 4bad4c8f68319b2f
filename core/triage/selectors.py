"""Triage reads: a ticket's predictions, accuracy over time, labelled tickets, training jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDay, TruncWeek

from tenancy.models import Tenant
from tickets.models import Message, Ticket
from triage.models import Field, JobStatus, Outcome, Prediction, TrainingJob

TRUNC = {"day": TruncDay, "week": TruncWeek}
MAX_TEXT = 20_000


def ticket_predictions(*, tenant: Tenant, ticket: Ticket) -> list[Prediction]:
    return list(Prediction.objects.filter(tenant=tenant, ticket=ticket).order_by("field"))


def ticket_for_feedback(*, tenant: Tenant, ticket_id: int) -> Ticket | None:
    return Ticket.objects.filter(tenant=tenant, id=ticket_id).first()


def accuracy_report(
    *,
    tenant: Tenant,
    period: str = "week",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Per period (of the prediction), field and model version: how agents judged the predictions.

    Accuracy is accepted / (accepted + corrected + rejected); pending predictions do not count."""
    rows = Prediction.objects.filter(tenant=tenant)
    if since:
        rows = rows.filter(created_at__gte=since)
    if until:
        rows = rows.filter(created_at__lt=until)
    grouped = (
        rows.annotate(period_start=TRUNC[period]("created_at", tzinfo=dt.UTC))
        .values("period_start", "field", "model_version")
        .annotate(
            predictions=Count("id"),
            applied=Count("id", filter=Q(applied=True)),
            accepted=Count("id", filter=Q(outcome=Outcome.ACCEPTED)),
            corrected=Count("id", filter=Q(outcome=Outcome.CORRECTED)),
            rejected=Count("id", filter=Q(outcome=Outcome.REJECTED)),
        )
        .order_by("period_start", "field", "model_version")
    )
    out = []
    for row in grouped:
        judged = row["accepted"] + row["corrected"] + row["rejected"]
        out.append(
            {
                **row,
                "pending": row["predictions"] - judged,
                "accuracy": round(row["accepted"] / judged, 4) if judged else None,
            }
        )
    return out


def labelled_tickets(*, tenant: Tenant) -> Any:
    """Tickets whose category an agent set or confirmed (a category the AI applied and nobody
    confirmed is not a label: training on it would teach the model its own guesses)."""
    unconfirmed = Prediction.objects.filter(
        tenant=tenant, field=Field.CATEGORY, applied=True, outcome=Outcome.PENDING
    ).values("ticket_id")
    return Ticket.objects.filter(tenant=tenant).exclude(category="").exclude(id__in=unconfirmed)


def labelled_count(*, tenant: Tenant) -> int:
    return int(labelled_tickets(tenant=tenant).count())


def labelled_categories(*, tenant: Tenant, examples: int, limit: int) -> dict[str, list[str]]:
    """{category: up to `examples` recent subjects} of the labelled tickets (zero-shot prototypes)."""
    out: dict[str, list[str]] = {}
    rows = labelled_tickets(tenant=tenant).order_by("-id").values_list("category", "subject")[:5000]
    for category, subject in rows:
        if category not in out and len(out) >= limit:
            continue
        subjects = out.setdefault(category, [])
        if len(subjects) < examples and subject.strip():
            subjects.append(subject)
    return out


def labelled_examples(*, tenant: Tenant, limit: int = 200_000) -> list[tuple[str, str]]:
    """(subject + first public message, category) of the tenant's labelled tickets, newest first."""
    first_body = (
        Message.objects.filter(tenant=tenant, ticket_id=OuterRef("pk"), is_internal=False)
        .order_by("id")
        .values("body_text")[:1]
    )
    rows = (
        labelled_tickets(tenant=tenant)
        .annotate(first_body=Subquery(first_body))
        .order_by("-id")
        .values_list("subject", "first_body", "category")[:limit]
    )
    # The training API takes up to 20,000 characters per example: the start says what it is about.
    return [(f"{subject}\n{body or ''}".strip()[:MAX_TEXT], category) for subject, body, category in rows]


def corrections_since(*, tenant: Tenant, since: dt.datetime | None) -> int:
    rows = Prediction.objects.filter(
        tenant=tenant, field=Field.CATEGORY, outcome__in=[Outcome.CORRECTED, Outcome.REJECTED]
    )
    if since is not None:
        rows = rows.filter(decided_at__gte=since)
    return int(rows.count())


def training_jobs(*, tenant: Tenant, limit: int = 50) -> list[TrainingJob]:
    return list(TrainingJob.objects.filter(tenant=tenant).order_by("-created_at", "-id")[:limit])


def training_job(*, tenant: Tenant, job_id: int) -> TrainingJob | None:
    return TrainingJob.objects.filter(tenant=tenant, id=job_id).first()


def open_training_job(*, tenant: Tenant, kind: str) -> TrainingJob | None:
    return (
        TrainingJob.objects.filter(tenant=tenant, kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .order_by("-id")
        .first()
    )


def last_finished_training_job(*, tenant: Tenant, kind: str) -> TrainingJob | None:
    return (
        TrainingJob.objects.filter(tenant=tenant, kind=kind, status=JobStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )
