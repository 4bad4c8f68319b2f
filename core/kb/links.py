"""Articles linked in ticket messages: which ones a message may link, and their portal address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from kb.locales import tenant_default_locale
from kb.models import ArticleStatus, Visibility
from kb.selectors import articles_by_ids, pick_translation
from tenancy.models import Tenant
from tenancy.selectors import tenant_base_url
from tickets.services.article_links import LinkedArticle

MAX_LINKED_ARTICLES = 10
# What a customer may be sent: never an agents-only article (nor, by status, a draft).
CUSTOMER_VISIBLE = (Visibility.PUBLIC, Visibility.CUSTOMERS)


def article_portal_url(tenant: Tenant, slug: str) -> str:
    """The portal page of an article (portal route /help/articles/:slug)."""
    return f"{tenant_base_url(tenant)}/help/articles/{slug}"


def articles_for_message(*, tenant: Tenant, article_ids: list[int], internal: bool) -> list[LinkedArticle]:
    """The articles to link, in the order given, after checking the reader may open each.

    Unknown ids and other tenants' articles are 404 (the same answer). A reply the customer
    sees may link published public or signed-in-customer articles; an internal note also
    agents-only ones. Drafts and archived articles are refused either way: the link would
    lead nowhere.
    """
    ids = list(dict.fromkeys(article_ids))
    if len(ids) > MAX_LINKED_ARTICLES:
        raise ValidationError({"article_ids": f"Link at most {MAX_LINKED_ARTICLES} articles."})
    articles = articles_by_ids(tenant=tenant, ids=ids)
    default_locale = tenant_default_locale(tenant)
    linked: list[LinkedArticle] = []
    for article_id in ids:
        article = articles.get(article_id)
        if article is None:
            raise Http404(f"Article {article_id} not found.")
        if article.status != ArticleStatus.PUBLISHED:
            raise ValidationError(
                {"article_ids": f"Article {article_id} is {article.status}; publish it before linking it."}
            )
        if not internal and article.visibility not in CUSTOMER_VISIBLE:
            raise ValidationError(
                {
                    "article_ids": f"Article {article_id} is for agents only; the customer could not "
                    "open it. Link it in an internal note instead."
                }
            )
        translation = pick_translation(article, default_locale, default_locale)
        title = translation.title if translation is not None else article.slug
        linked.append(LinkedArticle(article.id, title, article_portal_url(tenant, article.slug)))
    return linked
