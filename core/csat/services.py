"""CSAT writes: settings, asking on solve (with a signed one-click link), recording a rating."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.events import Actor, Visibility
from contracts.ids import parse_id
from csat.models import CsatSettings, CsatSurvey, Scale
from events.services import event_record
from jobs import enqueue_on_commit, task_name
from tenancy.models import Membership, Tenant
from tenancy.selectors import tenant_base_url
from tickets.models import StatusCategory, Ticket
from tickets.services.common import ticket_event_data

LABELS = {"good": 5, "bad": 1}
MAX_COMMENT = 5000
SEND_CSAT_EMAIL = task_name("csat.tasks.send_csat_email")


def csat_settings_get(*, tenant: Tenant) -> CsatSettings:
    return CsatSettings.objects.filter(tenant=tenant).first() or CsatSettings(tenant=tenant)


@transaction.atomic
def csat_settings_set(*, tenant: Tenant, **changes: object) -> CsatSettings:
    current, _ = CsatSettings.objects.get_or_create(tenant=tenant)
    for key, value in changes.items():
        if key not in {"enabled", "scale", "email_requester"}:
            raise ValidationError({key: "Unknown field."})
        setattr(current, key, value)
    if current.scale not in Scale.values:
        raise ValidationError({"scale": f"Use one of {', '.join(Scale.values)}."})
    current.save()
    return current


def survey_token(survey: CsatSurvey) -> str:
    """`<survey id>.<hmac>`: bound to the tenant and survey, unguessable, and not stored."""
    message = f"csat:{survey.tenant_id}:{survey.id}:{survey.nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
    return f"{survey.id}.{digest}"


def survey_by_token(*, tenant: Tenant, token: str) -> CsatSurvey | None:
    survey_id = parse_id(token.partition(".")[0])
    # ASCII only: compare_digest refuses other strings (a TypeError, not a mismatch).
    if survey_id is None or len(token) > 80 or not token.isascii():
        return None
    survey = CsatSurvey.objects.filter(tenant=tenant, id=survey_id).select_related("ticket").first()
    if survey is None or not hmac.compare_digest(survey_token(survey), token):
        return None
    return survey


def survey_link(survey: CsatSurvey, tenant: Tenant) -> str:
    return f"{tenant_base_url(tenant)}/api/v1/csat/surveys/{survey_token(survey)}"


@transaction.atomic
def csat_request(*, tenant: Tenant, ticket_id: int) -> CsatSurvey | None:
    """Called when a ticket is solved: make (or refresh) its survey and queue the email."""
    config = csat_settings_get(tenant=tenant)
    ticket = Ticket.objects.filter(tenant=tenant, id=ticket_id).first()
    if not config.enabled or ticket is None or ticket.status != StatusCategory.SOLVED:
        return None
    survey = CsatSurvey.objects.select_for_update().filter(tenant=tenant, ticket=ticket).first()
    if survey is None:
        survey = CsatSurvey(tenant=tenant, ticket=ticket, nonce=secrets.token_hex(16), scale=config.scale)
    survey.requester_id, survey.agent_id, survey.team_id = (
        ticket.requester_id,
        ticket.assignee_id,
        ticket.team_id,
    )
    survey.requested_at = timezone.now()
    survey.save()
    if config.email_requester:
        enqueue_on_commit(SEND_CSAT_EMAIL, tenant_id=tenant.id, survey_id=survey.id)
    return survey


def _score(survey: CsatSurvey, rating: str | int) -> int:
    if survey.scale == Scale.GOOD_BAD:
        if rating not in LABELS:
            raise ValidationError({"rating": "Answer good or bad."})
        return LABELS[str(rating)]
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Answer a number from 1 to 5."})
    return rating


@transaction.atomic
def csat_rate(
    *, tenant: Tenant, survey: CsatSurvey, rating: str | int, comment: str = "", by: Membership | None = None
) -> CsatSurvey:
    """Record (or change) the requester's rating; emits `csat.received`."""
    if by is not None and by.id != survey.requester_id:
        raise ValidationError({"rating": "Only the requester rates a ticket."})
    survey = CsatSurvey.objects.select_for_update().select_related("ticket").get(tenant=tenant, id=survey.id)
    survey.rating = _score(survey, rating)
    survey.comment = (comment or "").strip()[:MAX_COMMENT]
    survey.rated_at = timezone.now()
    survey.save(update_fields=["rating", "comment", "rated_at"])
    ticket = survey.ticket
    event_record(
        tenant_id=tenant.id,
        type="csat.received",
        data=ticket_event_data(ticket, subject=ticket.subject, rating=survey.rating, comment=survey.comment),
        actor=Actor(kind="user", id=by.user_id if by else None, name="requester"),
        visibility=Visibility.INTERNAL,
        subject_id=ticket.id,
    )
    return survey
