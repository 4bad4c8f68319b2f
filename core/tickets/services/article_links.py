"""Knowledge base articles linked in a message: tickets say what they need, the kb app
provides it. The kb app registers its resolver when Django starts (`kb.apps`), so tickets
never import kb: features build on tickets, not the other way round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from tenancy.models import Membership, Tenant


@dataclass(frozen=True)
class LinkedArticle:
    id: int
    title: str
    url: str


# (tenant, article_ids, internal) -> the articles in the order given; raises Http404 or
# ValidationError for an id the message may not link.
ArticleResolver = Callable[..., list[LinkedArticle]]
_resolver: ArticleResolver | None = None


def article_resolver_register(resolver: ArticleResolver) -> None:
    global _resolver
    _resolver = resolver


def articles_to_link(
    *, tenant: Tenant, author: Membership | None, article_ids: list[int] | None, internal: bool
) -> list[LinkedArticle]:
    if not article_ids:
        return []
    if author is None or not author.is_staff_role:
        raise PermissionDenied("Only agents link knowledge base articles.")
    if _resolver is None:
        raise ValidationError({"article_ids": "There is no knowledge base to link articles from."})
    return _resolver(tenant=tenant, article_ids=article_ids, internal=internal)
