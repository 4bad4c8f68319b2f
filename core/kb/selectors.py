"""Reads of the knowledge base. Every function takes the tenant; readers' audiences are explicit."""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from kb import search
from kb.locales import resolve_locale, tenant_default_locale
from kb.models import (
    Article,
    ArticleAttachment,
    ArticleEmbedding,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    Category,
    DeflectionEvent,
    Section,
    Visibility,
)
from tenancy.models import Membership, Tenant


def visibilities_for(membership: Membership | None) -> list[str]:
    """What a reader may see: anonymous visitors public articles, members more, staff everything."""
    if membership is None:
        return [Visibility.PUBLIC]
    if membership.is_staff_role:
        return [Visibility.PUBLIC, Visibility.CUSTOMERS, Visibility.AGENTS]
    return [Visibility.PUBLIC, Visibility.CUSTOMERS]


def pick_translation(article: Article, locale: str, default_locale: str) -> ArticleTranslation | None:
    """The translation in `locale`, else the default locale's, else any (from prefetched rows)."""
    by_locale = {t.locale: t for t in article.translations.all()}
    return by_locale.get(locale) or by_locale.get(default_locale) or next(iter(by_locale.values()), None)


# -- structure ------------------------------------------------------------------------


def category_list(*, tenant: Tenant) -> QuerySet[Category]:
    return (
        Category.objects.filter(tenant=tenant)
        .prefetch_related(Prefetch("sections", queryset=Section.objects.filter(tenant=tenant)))
        .order_by("position", "id")
    )


def category_get(*, tenant: Tenant, category_id: int) -> Category | None:
    return category_list(tenant=tenant).filter(id=category_id).first()


def category_by_slug(*, tenant: Tenant, slug: str) -> Category | None:
    return category_list(tenant=tenant).filter(slug=slug).first()


def section_get(*, tenant: Tenant, section_id: int) -> Section | None:
    return Section.objects.filter(tenant=tenant, id=section_id).select_related("category").first()


# -- articles: readers ------------------------------------------------------------------


def _with_translations(qs: QuerySet[Article], tenant: Tenant) -> QuerySet[Article]:
    return qs.prefetch_related(
        Prefetch(
            "translations", queryset=ArticleTranslation.objects.filter(tenant=tenant).defer("search_vector")
        ),
        Prefetch("attachments", queryset=ArticleAttachment.objects.filter(tenant=tenant).defer("data")),
    )


def published_articles(*, tenant: Tenant, visibilities: list[str]) -> QuerySet[Article]:
    """Published articles the reader may see. The only way readers reach articles."""
    return _with_translations(
        Article.objects.filter(tenant=tenant, status=ArticleStatus.PUBLISHED, visibility__in=visibilities),
        tenant,
    ).select_related("section")


def published_article_by_slug(*, tenant: Tenant, slug: str, visibilities: list[str]) -> Article | None:
    return published_articles(tenant=tenant, visibilities=visibilities).filter(slug=slug).first()


def published_article_by_id(*, tenant: Tenant, article_id: int, visibilities: list[str]) -> Article | None:
    return published_articles(tenant=tenant, visibilities=visibilities).filter(id=article_id).first()


def published_article_list(
    *,
    tenant: Tenant,
    visibilities: list[str],
    section_id: int | None = None,
    category_id: int | None = None,
    tag: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Article]:
    qs = published_articles(tenant=tenant, visibilities=visibilities)
    if section_id is not None:
        qs = qs.filter(section_id=section_id)
    if category_id is not None:
        qs = qs.filter(section__category_id=category_id)
    if tag:
        qs = qs.filter(tags__contains=[tag.lower()])
    return list(qs.order_by("section_id", "position", "id")[offset : offset + limit])


def article_search(
    *,
    tenant: Tenant,
    text: str,
    locale: str | None,
    visibilities: list[str],
    limit: int = 10,
    suggest: bool = False,
) -> list[search.Hit]:
    """Ranked published articles for a query (`suggest`: as-you-type matching, no snippets)."""
    chosen = resolve_locale(tenant, locale)
    default = tenant_default_locale(tenant)
    query, query_all = search.suggest_queries(text) if suggest else (text.strip(), "")
    if not query:
        return []
    return search.run_search(
        text=query,
        text_all=query_all,
        websearch=not suggest,
        locale=chosen,
        fallback_locale=default,
        visibilities=visibilities,
        limit=limit,
        snippets=not suggest,
    )


def attachment_for_reader(
    *, tenant: Tenant, slug: str, attachment_id: int, visibilities: list[str]
) -> ArticleAttachment | None:
    return (
        ArticleAttachment.objects.filter(
            tenant=tenant,
            id=attachment_id,
            article__slug=slug,
            article__status=ArticleStatus.PUBLISHED,
            article__visibility__in=visibilities,
        )
        .select_related("article")
        .first()
    )


# -- articles: staff --------------------------------------------------------------------


def article_list(
    *, tenant: Tenant, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[Article]:
    qs = _with_translations(Article.objects.filter(tenant=tenant), tenant).order_by("-updated_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


def article_get(*, tenant: Tenant, article_id: int) -> Article | None:
    return _with_translations(Article.objects.filter(tenant=tenant, id=article_id), tenant).first()


def articles_by_ids(*, tenant: Tenant, ids: list[int]) -> dict[int, Article]:
    """Articles of any status by id, with their translations' titles (for linking them)."""
    translations = ArticleTranslation.objects.filter(tenant=tenant).only(
        "id", "article_id", "locale", "title"
    )
    qs = Article.objects.filter(tenant=tenant, id__in=ids).prefetch_related(
        Prefetch("translations", queryset=translations)
    )
    return {a.id: a for a in qs}


def version_list(*, tenant: Tenant, article: Article, locale: str | None = None) -> QuerySet[ArticleVersion]:
    qs = ArticleVersion.objects.filter(tenant=tenant, article=article).order_by("locale", "-number")
    return qs.filter(locale=locale) if locale else qs


def version_get(*, tenant: Tenant, article: Article, locale: str, number: int) -> ArticleVersion | None:
    return ArticleVersion.objects.filter(tenant=tenant, article=article, locale=locale, number=number).first()


def attachment_list(*, tenant: Tenant, article: Article) -> QuerySet[ArticleAttachment]:
    return ArticleAttachment.objects.filter(tenant=tenant, article=article).defer("data").order_by("id")


# -- deflection --------------------------------------------------------------------------


def deflection_count(
    *,
    tenant: Tenant,
    since: datetime.datetime,
    until: datetime.datetime,
    grace: datetime.timedelta = datetime.timedelta(minutes=30),
) -> int:
    """Ticket forms in [since, until) where a suggestion was opened and no ticket followed.

    A form counts only once its grace period is over (the customer may still submit).
    """
    settled_before = min(until, timezone.now() - grace)
    return (
        DeflectionEvent.objects.filter(tenant=tenant, opened_at__gte=since, opened_at__lt=settled_before)
        .exclude(
            form_session__in=DeflectionEvent.objects.filter(tenant=tenant, submitted_at__isnull=False).values(
                "form_session"
            )
        )
        .values("form_session")
        .distinct()
        .count()
    )


# -- semantic suggest --------------------------------------------------------------------


def embedding_rows(*, tenant: Tenant, model: str) -> list[tuple[int, str, bytes | memoryview, str, str, str]]:
    """(article id, locale, vector, visibility, title, slug) of every published translation's
    vector made by `model`: what the per-tenant semantic matrix is built from."""
    return list(
        ArticleEmbedding.objects.filter(tenant=tenant, model=model, article__status=ArticleStatus.PUBLISHED)
        .order_by("id")
        .values_list(
            "article_id", "locale", "vector", "article__visibility", "translation__title", "article__slug"
        )
    )


def embedding_text(translation: ArticleTranslation) -> str:
    """What is embedded: the title, then the start of the body (the model reads ~128 word pieces)."""
    return f"{translation.title}\n{translation.body_text[:1000]}".strip()


def translations_to_embed(
    *, tenant: Tenant, model: str, article_id: int | None = None, limit: int = 256
) -> list[tuple[ArticleTranslation, str, str]]:
    """(translation, text, sha256) of published translations without a vector of `model` made
    from their last save (an anti-join, so the periodic backfill reads only what changed)."""
    fresh = ArticleEmbedding.objects.filter(
        tenant=tenant, translation=OuterRef("pk"), model=model, source_updated_at__gte=OuterRef("updated_at")
    )
    qs = (
        ArticleTranslation.objects.filter(tenant=tenant, article__status=ArticleStatus.PUBLISHED)
        .exclude(Exists(fresh))
        .only("id", "article_id", "locale", "title", "body_text", "updated_at")
        .order_by("id")
    )
    if article_id is not None:
        qs = qs.filter(article_id=article_id)
    out = []
    for translation in qs[:limit]:
        text = embedding_text(translation)
        out.append((translation, text, hashlib.sha256(text.encode()).hexdigest()))
    return out
