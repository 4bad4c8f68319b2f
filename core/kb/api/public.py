"""Public knowledge base API for the portal: no login needed for public articles.

The tenant comes from the host. Anonymous visitors see published public articles,
signed-in members also customer-only ones, staff also agents-only ones; drafts and
archived articles are never served here (staff preview them under /kb/manage).
Hot pages are cached in Redis per tenant and audience, and answered with ETag and
Last-Modified so browsers revalidate cheaply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from ninja import Query, Router, Status
from ninja.errors import HttpError
from pydantic import BaseModel

from accounts.throttle import rate_limit
from api_kit.auth import request_tenant
from kb import cache, selectors, semantic, services
from kb.locales import resolve_locale, tenant_default_locale, tenant_locales
from kb.models import Article, ArticleAttachment, ArticleTranslation
from kb.schemas import (
    ArticleAttachmentOut,
    ArticleOut,
    ArticleSummaryOut,
    CategoryOut,
    CountedOut,
    DeflectionIn,
    DeflectionOut,
    DeflectionSubmittedIn,
    DeflectionSubmittedOut,
    LocalesOut,
    SearchHitOut,
    SectionOut,
    SuggestionOut,
    VoteIn,
)
from kb.visitors import visitor_key
from tenancy.models import Membership, Tenant

router = Router(tags=["knowledge base"])


def _reader(request: HttpRequest) -> tuple[Tenant, Membership | None, list[str]]:
    tenant = request_tenant(request)
    membership: Membership | None = getattr(request, "membership", None)
    return tenant, membership, selectors.visibilities_for(membership)


def _throttle(request: HttpRequest, scope: str) -> None:
    """Per client address and tenant (settings.KB_RATE_LIMITS); 429 with Retry-After past it."""
    limit, window = settings.KB_RATE_LIMITS[scope]
    tenant = getattr(request, "tenant", None)
    rate_limit(
        scope=f"kb-{scope}",
        tenant_id=tenant.id if tenant else None,
        client=request.META.get("REMOTE_ADDR", "") or "unknown",
        limit=limit,
        window=window,
    )


def _audience(visibilities: list[str]) -> str:
    return "-".join(visibilities)


def attachment_url(article: Article, attachment: ArticleAttachment) -> str:
    return f"/api/v1/kb/articles/{article.slug}/attachments/{attachment.id}"


def attachment_out(article: Article, attachment: ArticleAttachment) -> ArticleAttachmentOut:
    return ArticleAttachmentOut(
        id=attachment.id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        url=attachment_url(article, attachment),
    )


def _summary_fields(article: Article, translation: ArticleTranslation) -> dict[str, Any]:
    """What a list row and a full article both say about an article in one locale."""
    return {
        "id": article.id,
        "slug": article.slug,
        "locale": translation.locale,
        "title": translation.title,
        "section_id": article.section_id,
        "tags": article.tags,
        "visibility": article.visibility,
        "published_at": article.published_at,
        "updated_at": max(article.updated_at, translation.updated_at),
    }


def _article_out(article: Article, locale: str, default_locale: str) -> ArticleOut | None:
    translation = selectors.pick_translation(article, locale, default_locale)
    if translation is None:
        return None
    return ArticleOut(
        **_summary_fields(article, translation),
        body_html=translation.body_html,
        locales=sorted(t.locale for t in article.translations.all()),
        view_count=article.view_count,
        helpful_yes=article.helpful_yes,
        helpful_no=article.helpful_no,
        attachments=[attachment_out(article, a) for a in article.attachments.all()],
    )


def _cached_json(request: HttpRequest, key: str, build: Callable[[], Any], *, public: bool) -> HttpResponse:
    """Serve a JSON page from the Redis cache (building it on a miss) with conditional GET."""
    page = cache.page_get(key)
    if page is None:
        model: BaseModel | list[BaseModel] | None = build()
        if model is None:
            raise HttpError(404, "Not Found")
        data = (
            [m.model_dump(mode="json") for m in model]
            if isinstance(model, list)
            else model.model_dump(mode="json")
        )
        body = json.dumps(data, separators=(",", ":")).encode()
        last_modified = _newest_timestamp(data)
        page = {
            "body": body,
            "etag": quote_etag(hashlib.sha256(body).hexdigest()[:32]),
            "last_modified": last_modified,
        }
        cache.page_set(key, page)
    response = _conditional(request, page)
    response["Cache-Control"] = "public, max-age=60" if public else "private, max-age=0, must-revalidate"
    response["Vary"] = "Cookie, Authorization"
    return response


def _newest_timestamp(data: object) -> float | None:
    stamps: list[float] = []
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict) and item.get("updated_at"):
            parsed = parse_datetime(item["updated_at"])
            if parsed:
                stamps.append(parsed.timestamp())
    return max(stamps) if stamps else None


def _conditional(request: HttpRequest, page: dict) -> HttpResponse:
    etag = page["etag"]
    last_modified = page["last_modified"]
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        not_modified = (
            etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        )
    else:
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        not_modified = since is not None and last_modified is not None and int(last_modified) <= since
    response = (
        HttpResponse(status=304)
        if not_modified
        else HttpResponse(page["body"], content_type="application/json")
    )
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


@router.get("/kb/locales", auth=None, response=LocalesOut)
def locales(request: HttpRequest) -> LocalesOut:
    tenant = request_tenant(request)
    return LocalesOut(locales=tenant_locales(tenant), default_locale=tenant_default_locale(tenant))


@router.get("/kb/categories", auth=None, response=list[CategoryOut])
def category_list(request: HttpRequest) -> HttpResponse:
    """Categories with their sections, in order (cached)."""
    tenant = request_tenant(request)

    def build() -> list[CategoryOut]:
        return [
            CategoryOut(
                id=c.id,
                name=c.name,
                slug=c.slug,
                description=c.description,
                position=c.position,
                sections=[SectionOut.from_orm(s) for s in c.sections.all()],
            )
            for c in selectors.category_list(tenant=tenant)
        ]

    key = cache.page_key(tenant.id, "categories")
    return _cached_json(request, key, build, public=True)


@router.get("/kb/articles", auth=None, response=list[ArticleSummaryOut])
def article_list(
    request: HttpRequest,
    locale: str | None = None,
    section_id: int | None = None,
    category_id: int | None = None,
    tag: str | None = Query(default=None, max_length=50),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> list[ArticleSummaryOut]:
    """Published articles the reader may see, by section order."""
    tenant, _, visibilities = _reader(request)
    chosen, default = resolve_locale(tenant, locale), tenant_default_locale(tenant)
    out = []
    for article in selectors.published_article_list(
        tenant=tenant,
        visibilities=visibilities,
        section_id=section_id,
        category_id=category_id,
        tag=tag,
        limit=limit,
        offset=offset,
    ):
        translation = selectors.pick_translation(article, chosen, default)
        if translation is not None:
            out.append(ArticleSummaryOut(**_summary_fields(article, translation)))
    return out


@router.get("/kb/articles/{slug}", auth=None, response=ArticleOut)
def article_detail(request: HttpRequest, slug: str, locale: str | None = None) -> HttpResponse:
    """One published article in the requested locale, falling back to the tenant's default."""
    tenant, membership, visibilities = _reader(request)
    chosen, default = resolve_locale(tenant, locale), tenant_default_locale(tenant)

    def build() -> ArticleOut | None:
        article = selectors.published_article_by_slug(tenant=tenant, slug=slug, visibilities=visibilities)
        return _article_out(article, chosen, default) if article else None

    key = cache.page_key(
        tenant.id, "article", hashlib.sha256(slug.encode()).hexdigest()[:24], chosen, _audience(visibilities)
    )
    return _cached_json(request, key, build, public=membership is None)


@router.get("/kb/search", auth=None, response=list[SearchHitOut])
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=500),
    locale: str | None = None,
    limit: int = Query(10, ge=1, le=50),
) -> list[SearchHitOut]:
    """Ranked full-text search (web-search syntax: words, "phrases", -exclusions, or)."""
    _throttle(request, "search")
    tenant, _, visibilities = _reader(request)
    results = selectors.article_search(
        tenant=tenant, text=q, locale=locale, visibilities=visibilities, limit=limit
    )
    return [
        SearchHitOut(
            id=r.article_id,
            slug=r.slug,
            locale=r.locale,
            title=r.title,
            rank=r.rank,
            snippet_html=r.snippet_html,
        )
        for r in results
    ]


@router.get("/kb/suggest", auth=None, response=list[SuggestionOut])
def suggest(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query(..., max_length=2000),
    locale: str | None = None,
    limit: int = Query(5, ge=1, le=10),
) -> list[SuggestionOut]:
    """Articles that may answer a ticket being written (subject and description as typed).

    Keyword ranking combined with semantic similarity when the AI service answers in time;
    `X-Suggest-Mode` says which was used (`hybrid` or `keyword`)."""
    _throttle(request, "suggest")
    tenant, _, visibilities = _reader(request)
    found = semantic.article_suggest(
        tenant=tenant, text=q, locale=locale, visibilities=visibilities, limit=limit
    )
    response["X-Suggest-Mode"] = "hybrid" if found.semantic else "keyword"
    return [SuggestionOut(id=r.article_id, slug=r.slug, locale=r.locale, title=r.title) for r in found.hits]


def _readable_article(request: HttpRequest, slug: str) -> tuple[Tenant, Article]:
    tenant, _, visibilities = _reader(request)
    article = selectors.published_article_by_slug(tenant=tenant, slug=slug, visibilities=visibilities)
    if article is None:
        raise HttpError(404, "Not Found")
    return tenant, article


@router.post("/kb/articles/{slug}/view", auth=None, response=CountedOut)
def article_view(request: HttpRequest, slug: str) -> CountedOut:
    """Count a view (once per visitor per day)."""
    _throttle(request, "view")
    tenant, article = _readable_article(request, slug)
    return CountedOut(
        counted=services.article_view_record(tenant=tenant, article=article, visitor=visitor_key(request))
    )


@router.post("/kb/articles/{slug}/vote", auth=None, response=CountedOut)
def article_vote(request: HttpRequest, slug: str, payload: VoteIn) -> CountedOut:
    """ "Was this helpful?" (once per visitor per day; later answers that day are not counted)."""
    _throttle(request, "vote")
    tenant, article = _readable_article(request, slug)
    counted = services.article_vote_record(
        tenant=tenant, article=article, visitor=visitor_key(request), helpful=payload.helpful
    )
    return CountedOut(counted=counted)


@router.get("/kb/articles/{slug}/attachments/{attachment_id}", auth=None)
def attachment_download(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """An article's file, always as a download, never rendered as a page by the browser."""
    tenant, _, visibilities = _reader(request)
    attachment = selectors.attachment_for_reader(
        tenant=tenant, slug=slug, attachment_id=attachment_id, visibilities=visibilities
    )
    if attachment is None:
        raise HttpError(404, "Not Found")
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["ETag"] = quote_etag(attachment.sha256)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.post("/kb/deflections", auth=None, response={201: DeflectionOut})
def deflection_open(request: HttpRequest, payload: DeflectionIn) -> Status[DeflectionOut]:
    """The customer opened a suggested article while writing a ticket."""
    _throttle(request, "deflection")
    tenant, membership, visibilities = _reader(request)
    article = selectors.published_article_by_id(
        tenant=tenant, article_id=payload.article_id, visibilities=visibilities
    )
    if article is None:
        raise HttpError(404, "Not Found")
    event = services.deflection_open(
        tenant=tenant,
        article=article,
        form_session=payload.form_session,
        query=payload.query,
        visitor=visitor_key(request),
        membership=membership,
    )
    return Status(201, DeflectionOut(id=event.id))


@router.post("/kb/deflections/submitted", auth=None, response=DeflectionSubmittedOut)
def deflection_submitted(request: HttpRequest, payload: DeflectionSubmittedIn) -> DeflectionSubmittedOut:
    """The ticket form was submitted after all (until the ticket service records this itself)."""
    _throttle(request, "deflection")
    tenant = request_tenant(request)
    return DeflectionSubmittedOut(
        updated=services.deflection_mark_submitted(tenant=tenant, form_session=payload.form_session)
    )
