"""What readers do with articles: views, "was this helpful?" votes, deflections."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from kb.models import (
    Article,
    ArticleView,
    ArticleVote,
    DeflectionEvent,
)
from kb.services._common import same_tenant
from tenancy.context import tenant_context
from tenancy.models import Membership, Tenant

# -- engagement ------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.now().date()


def article_view_record(*, tenant: Tenant, article: Article, visitor: str) -> bool:
    """Count a view once per visitor per day; True if this one counted."""
    same_tenant(tenant, article)
    with tenant_context(tenant.id):
        _, created = ArticleView.objects.get_or_create(
            tenant=tenant, article=article, visitor=visitor, day=_today()
        )
        if created:
            Article.objects.filter(tenant=tenant, pk=article.pk).update(view_count=F("view_count") + 1)
    return created


def article_vote_record(*, tenant: Tenant, article: Article, visitor: str, helpful: bool) -> bool:
    """Count a "was this helpful?" answer once per visitor per day; True if this one counted."""
    same_tenant(tenant, article)
    with tenant_context(tenant.id):
        _, created = ArticleVote.objects.get_or_create(
            tenant=tenant, article=article, visitor=visitor, day=_today(), defaults={"helpful": helpful}
        )
        if created:
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(tenant=tenant, pk=article.pk).update(**{counter: F(counter) + 1})
    return created


def deflection_open(
    *,
    tenant: Tenant,
    article: Article,
    form_session: str,
    query: str,
    visitor: str,
    membership: Membership | None,
) -> DeflectionEvent:
    """A customer writing a ticket opened a suggested article."""
    same_tenant(tenant, article, membership)
    form_session = form_session.strip()
    if not form_session or len(form_session) > 64:
        raise ValidationError({"form_session": "Send the ticket form's id (1 to 64 characters)."})
    with tenant_context(tenant.id):
        return DeflectionEvent.objects.create(
            tenant=tenant,
            article=article,
            form_session=form_session,
            query=query[:500],
            visitor=visitor,
            membership=membership,
        )


def deflection_mark_submitted(*, tenant: Tenant, form_session: str) -> int:
    """The ticket form was submitted after all: its opened suggestions were not deflections.

    The ticket service calls this with the form id the portal sends along with the ticket.
    """
    with tenant_context(tenant.id):
        return DeflectionEvent.objects.filter(
            tenant=tenant, form_session=form_session.strip(), submitted_at__isnull=True
        ).update(submitted_at=timezone.now())
