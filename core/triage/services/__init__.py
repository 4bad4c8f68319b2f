"""Store the AI service's predictions on a ticket; apply the confident ones like a rule would.

Category and priority above the tenant's threshold (`Tenant.settings["ai"]["apply_threshold"]`,
default 0.85) are applied when an agent has not set them, and recorded in the ticket's
history with `via="ai"`; below it they stay suggestions in the ticket's `ai_*` fields.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from sla.selectors import ticket_clocks
from tenancy.context import tenant_context
from tenancy.models import Tenant
from tickets.models import Message, Ticket, TicketChange
from tickets.models.tickets import Priority
from triage.models import Outcome, Prediction
from triage.services.zero_shot import zero_shot_categories

ZERO_SHOT = "zero-shot"  # the model version of a prediction by similarity to category descriptions

DEFAULT_APPLY_THRESHOLD = 0.85
TIER_FIELD = "customer_tier"  # a tenant's custom ticket field naming the customer's tier


def apply_threshold(tenant: Tenant) -> float:
    return float((tenant.settings.get("ai") or {}).get("apply_threshold", DEFAULT_APPLY_THRESHOLD))


def ticket_triage_input(*, tenant: Tenant, ticket_id: int) -> dict[str, Any] | None:
    """What the AI service classifies: subject, first public message, and the priority context.

    The customer tier is the ticket's custom field `customer_tier` when a tenant defines one
    (Frontline has no organisation/tier model); SLA minutes left come from the ticket's
    earliest running SLA clock, when the SLA policies have started one."""
    with tenant_context(tenant.id):
        ticket = Ticket.objects.filter(tenant=tenant, id=ticket_id).first()
        if ticket is None:
            return None
        first = (
            Message.objects.filter(tenant=tenant, ticket_id=ticket_id, is_internal=False)
            .order_by("id")
            .values_list("body_text", flat=True)
            .first()
        )
        due = [
            c.due_at for c in ticket_clocks(tenant=tenant, ticket=ticket) if c.due_at and not c.achieved_at
        ]
    tier = (ticket.custom_fields or {}).get(TIER_FIELD)
    minutes_left = int((min(due) - timezone.now()).total_seconds() // 60) if due else None
    return {
        "subject": ticket.subject,
        "body": (first or "")[:20_000],  # the service reads no further
        "customer_tier": str(tier)[:50] if tier else None,
        "sla_minutes_left": minutes_left,
        # Before the tenant has enough labels for a model: what to match zero-shot.
        "categories": zero_shot_categories(tenant=tenant),
    }


def untriaged_ticket_ids(*, tenant: Tenant, limit: int = 200) -> list[int]:
    """Recent tickets the AI service has not answered for yet (it was down, or the kick was lost)."""
    with tenant_context(tenant.id):
        return list(
            Ticket.objects.filter(tenant=tenant, ai_sentiment="")
            .order_by("-id")
            .values_list("id", flat=True)[:limit]
        )


def ticket_triage_apply(*, tenant: Tenant, ticket_id: int, result: dict[str, Any]) -> Ticket | None:
    threshold = apply_threshold(tenant)
    category, priority = result["category"], result["priority"]
    sentiment, language = result["sentiment"], result["language"]
    with tenant_context(tenant.id), transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(tenant=tenant, id=ticket_id).first()
        if ticket is None:
            return None
        if category.get("enabled"):
            ticket.ai_category = category.get("label") or ""
            ticket.ai_category_confidence = category.get("confidence")
        ticket.ai_priority = priority.get("label") or ""
        ticket.ai_priority_confidence = priority.get("confidence")
        ticket.ai_sentiment = sentiment.get("label") or "neutral"
        ticket.ai_sentiment_confidence = sentiment.get("confidence")
        ticket.ai_language = language.get("code") or ""
        ticket.ai_language_confidence = language.get("confidence")
        zero_shot = category.get("source") == ZERO_SHOT
        ticket.ai_model_version = str(
            category.get("model_version")
            or (ZERO_SHOT if zero_shot and ticket.ai_category else None)
            or priority.get("model_version")
            or "rules"
        )
        applied: dict[str, tuple[str, str]] = {}
        category_confidence = ticket.ai_category_confidence or 0.0
        # A zero-shot match is a suggestion only: the agent's pick becomes the first labels.
        if ticket.ai_category and not ticket.category and not zero_shot and category_confidence >= threshold:
            applied["category"] = (ticket.category, ticket.ai_category)
            ticket.category = ticket.ai_category
        priority_confidence = ticket.ai_priority_confidence or 0.0
        if (
            ticket.ai_priority in Priority.values
            and ticket.priority == Priority.NORMAL
            and ticket.ai_priority != ticket.priority
            and priority_confidence >= threshold
        ):
            applied["priority"] = (ticket.priority, ticket.ai_priority)
            ticket.priority = ticket.ai_priority
        ticket.save()
        _record_predictions(tenant, ticket, result, applied)
        for field, (old, new) in applied.items():
            TicketChange.objects.create(
                tenant=tenant, ticket=ticket, actor=None, via="ai", field=field, old=old, new=new
            )
    return ticket


def _record_predictions(
    tenant: Tenant, ticket: Ticket, result: dict[str, Any], applied: dict[str, tuple[str, str]]
) -> None:
    """One Prediction row per field for the feedback loop; one an agent already judged stays."""
    predicted = {
        "category": (ticket.ai_category, ticket.ai_category_confidence, result["category"]),
        "priority": (ticket.ai_priority, ticket.ai_priority_confidence, result["priority"]),
    }
    for field, (label, confidence, raw) in predicted.items():
        if not label:
            continue  # category prediction is off (no tenant model yet): nothing to judge
        row = Prediction.objects.filter(tenant=tenant, ticket=ticket, field=field).first()
        if row is not None and row.outcome != Outcome.PENDING:
            continue
        row = row or Prediction(tenant=tenant, ticket=ticket, field=field)
        row.label, row.confidence = label, confidence
        row.model_version = str(
            raw.get("model_version") or (ZERO_SHOT if raw.get("source") == ZERO_SHOT else "rules")
        )
        row.applied = field in applied
        row.save()
