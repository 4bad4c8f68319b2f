"""Knowledge base management API for staff: structure, articles, translations, versions, files."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from kb import content, from_ticket, selectors, services
from kb.api.public import attachment_out
from kb.files import MAX_ATTACHMENT_BYTES
from kb.locales import tenant_default_locale, tenant_locales
from kb.models import Article, ArticleVersion, Category, Section
from kb.schemas import (
    ArticleAttachmentOut,
    ArticleCreateIn,
    ArticlePatchIn,
    ArticleStaffOut,
    ArticleStatusIn,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DiffOut,
    DraftFromTextIn,
    LocalesIn,
    LocalesOut,
    SectionIn,
    SectionOut,
    SectionPatch,
    TranslationIn,
    TranslationOut,
    VersionDetailOut,
    VersionOut,
)
from tenancy.models import Tenant

router = Router(tags=["knowledge base: manage"], auth=staff_only)


def _category_out(category: Category) -> CategoryOut:
    return CategoryOut(
        id=category.id,
        name=category.name,
        slug=category.slug,
        description=category.description,
        position=category.position,
        sections=[SectionOut.from_orm(s) for s in category.sections.all()],
    )


def _article_out(article: Article) -> ArticleStaffOut:
    return ArticleStaffOut(
        id=article.id,
        slug=article.slug,
        status=article.status,
        visibility=article.visibility,
        section_id=article.section_id,
        tags=article.tags,
        position=article.position,
        author_id=article.author_id,
        created_at=article.created_at,
        updated_at=article.updated_at,
        published_at=article.published_at,
        view_count=article.view_count,
        helpful_yes=article.helpful_yes,
        helpful_no=article.helpful_no,
        source_ticket_id=article.source_ticket_id,
        translations=[
            TranslationOut.from_orm(t) for t in sorted(article.translations.all(), key=lambda t: t.locale)
        ],
    )


def _article(tenant: Tenant, article_id: int) -> Article:
    article = selectors.article_get(tenant=tenant, article_id=article_id)
    if article is None:
        raise HttpError(404, "Not Found")
    return article


def _section(tenant: Tenant, section_id: int) -> Section:
    section = selectors.section_get(tenant=tenant, section_id=section_id)
    if section is None:
        raise HttpError(404, "Not Found")
    return section


# -- locales and structure ----------------------------------------------------------------


@router.put("/kb/manage/locales", response=LocalesOut, auth=admin_only)
def locales_set(request: HttpRequest, payload: LocalesIn) -> LocalesOut:
    tenant = services.kb_locales_set(
        tenant=request_tenant(request), locales=payload.locales, default_locale=payload.default_locale
    )
    return LocalesOut(locales=tenant_locales(tenant), default_locale=tenant_default_locale(tenant))


@router.post("/kb/manage/categories", response={201: CategoryOut})
def category_create(request: HttpRequest, payload: CategoryIn) -> Status[CategoryOut]:
    category = services.category_create(tenant=request_tenant(request), **payload.dict())
    return Status(201, _category_out(category))


@router.patch("/kb/manage/categories/{category_id}", response=CategoryOut)
def category_update(request: HttpRequest, category_id: int, payload: CategoryPatch) -> CategoryOut:
    tenant = request_tenant(request)
    category = selectors.category_get(tenant=tenant, category_id=category_id)
    if category is None:
        raise HttpError(404, "Not Found")
    services.category_update(tenant=tenant, category=category, **payload.dict())
    return _category_out(category)


@router.post("/kb/manage/sections", response={201: SectionOut})
def section_create(request: HttpRequest, payload: SectionIn) -> Status[SectionOut]:
    tenant = request_tenant(request)
    category = selectors.category_get(tenant=tenant, category_id=payload.category_id)
    if category is None:
        raise HttpError(404, "Not Found")
    fields = payload.dict(exclude={"category_id"})
    section = services.section_create(tenant=tenant, category=category, **fields)
    return Status(201, SectionOut.from_orm(section))


@router.patch("/kb/manage/sections/{section_id}", response=SectionOut)
def section_update(request: HttpRequest, section_id: int, payload: SectionPatch) -> SectionOut:
    tenant = request_tenant(request)
    section = services.section_update(tenant=tenant, section=_section(tenant, section_id), **payload.dict())
    return SectionOut.from_orm(section)


# -- articles ------------------------------------------------------------------------------


@router.get("/kb/manage/articles", response=list[ArticleStaffOut])
def article_list(
    request: HttpRequest,
    status: Literal["draft", "published", "archived"] | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> list[ArticleStaffOut]:
    """Every article of the tenant, drafts and archived ones included, newest change first."""
    articles = selectors.article_list(
        tenant=request_tenant(request), status=status, limit=limit, offset=offset
    )
    return [_article_out(a) for a in articles]


@router.post("/kb/manage/articles", response={201: ArticleStaffOut})
def article_create(request: HttpRequest, payload: ArticleCreateIn) -> Status[ArticleStaffOut]:
    author = require_membership(request)
    tenant = request_tenant(request)
    section = _section(tenant, payload.section_id) if payload.section_id is not None else None
    article = services.article_create(
        tenant=tenant,
        author=author,
        title=payload.title,
        body=payload.body,
        body_format=payload.body_format,
        locale=payload.locale,
        slug=payload.slug,
        section=section,
        visibility=payload.visibility,
        tags=payload.tags,
        status=payload.status,
    )
    return Status(201, _article_out(_article(tenant, article.id)))


@router.post("/kb/manage/articles/from-text", response={201: ArticleStaffOut})
def article_draft_from_text(request: HttpRequest, payload: DraftFromTextIn) -> Status[ArticleStaffOut]:
    """A draft from plain text, e.g. the answer that solved a ticket."""
    author = require_membership(request)
    tenant = request_tenant(request)
    article = services.article_draft_from_text(
        tenant=tenant, author=author, title=payload.title, body=payload.body
    )
    return Status(201, _article_out(_article(tenant, article.id)))


@router.post("/kb/manage/articles/from-ticket/{ticket_id}", response={201: ArticleStaffOut})
def article_draft_from_ticket(request: HttpRequest, ticket_id: int) -> Status[ArticleStaffOut]:
    """A draft from a solved or closed ticket: subject as title, question and agent answer as body.

    Internal notes are never copied. The ticket's history records the draft."""
    author = require_membership(request)
    tenant = request_tenant(request)
    article = from_ticket.article_draft_from_ticket(tenant=tenant, author=author, ticket_id=ticket_id)
    return Status(201, _article_out(_article(tenant, article.id)))


@router.get("/kb/manage/articles/{article_id}", response=ArticleStaffOut)
def article_detail(request: HttpRequest, article_id: int) -> ArticleStaffOut:
    return _article_out(_article(request_tenant(request), article_id))


@router.patch("/kb/manage/articles/{article_id}", response=ArticleStaffOut)
def article_update(request: HttpRequest, article_id: int, payload: ArticlePatchIn) -> ArticleStaffOut:
    tenant = request_tenant(request)
    article = _article(tenant, article_id)
    section = _section(tenant, payload.section_id) if payload.section_id else None
    services.article_update(
        tenant=tenant,
        article=article,
        section=section,
        clear_section=payload.section_id == 0,
        visibility=payload.visibility,
        tags=payload.tags,
        slug=payload.slug,
        position=payload.position,
    )
    return _article_out(_article(tenant, article_id))


@router.put("/kb/manage/articles/{article_id}/translations/{locale}", response=TranslationOut)
def translation_save(
    request: HttpRequest, article_id: int, locale: str, payload: TranslationIn
) -> TranslationOut:
    """Write the article in one locale; every save is kept as a version."""
    editor = require_membership(request)
    tenant = request_tenant(request)
    translation = services.article_translation_save(
        tenant=tenant,
        article=_article(tenant, article_id),
        editor=editor,
        locale=locale,
        title=payload.title,
        body=payload.body,
        body_format=payload.body_format,
        note=payload.note,
    )
    return TranslationOut.from_orm(translation)


@router.post("/kb/manage/articles/{article_id}/status", response=ArticleStaffOut)
def article_status(request: HttpRequest, article_id: int, payload: ArticleStatusIn) -> ArticleStaffOut:
    """Publish, unpublish (draft) or archive."""
    actor = require_membership(request)
    tenant = request_tenant(request)
    services.article_set_status(
        tenant=tenant, article=_article(tenant, article_id), status=payload.status, actor=actor
    )
    return _article_out(_article(tenant, article_id))


# -- versions --------------------------------------------------------------------------------


@router.get("/kb/manage/articles/{article_id}/versions", response=list[VersionOut])
def version_list(request: HttpRequest, article_id: int, locale: str | None = None) -> list[VersionOut]:
    tenant = request_tenant(request)
    versions = selectors.version_list(tenant=tenant, article=_article(tenant, article_id), locale=locale)
    return [VersionOut.from_orm(v) for v in versions]


def _version(tenant: Tenant, article: Article, locale: str, number: int) -> ArticleVersion:
    version = selectors.version_get(tenant=tenant, article=article, locale=locale, number=number)
    if version is None:
        raise HttpError(404, "Not Found")
    return version


@router.get("/kb/manage/articles/{article_id}/versions/{locale}/{number}", response=VersionDetailOut)
def version_detail(request: HttpRequest, article_id: int, locale: str, number: int) -> VersionDetailOut:
    tenant = request_tenant(request)
    return VersionDetailOut.from_orm(_version(tenant, _article(tenant, article_id), locale, number))


@router.get("/kb/manage/articles/{article_id}/versions/{locale}/{number}/diff", response=DiffOut)
def version_diff(
    request: HttpRequest,
    article_id: int,
    locale: str,
    number: int,
    against: int | None = Query(None, ge=1),
) -> DiffOut:
    """Unified diff of title and body from version `against` (default: the one before) to `number`."""
    tenant = request_tenant(request)
    article = _article(tenant, article_id)
    new = _version(tenant, article, locale, number)
    old_number = against if against is not None else number - 1
    old = _version(tenant, article, locale, old_number) if old_number >= 1 else None
    old_text = f"# {old.title}\n\n{old.body_source}\n" if old else ""
    new_text = f"# {new.title}\n\n{new.body_source}\n"
    diff = content.unified_diff(old_text, new_text, old_label=f"v{old_number}", new_label=f"v{number}")
    return DiffOut(locale=locale, from_number=max(old_number, 0), to_number=number, diff=diff)


@router.post("/kb/manage/articles/{article_id}/versions/{locale}/{number}/restore", response=TranslationOut)
def version_restore(request: HttpRequest, article_id: int, locale: str, number: int) -> TranslationOut:
    """Make an old version current again (saved as a new version)."""
    editor = require_membership(request)
    tenant = request_tenant(request)
    article = _article(tenant, article_id)
    translation = services.article_version_restore(
        tenant=tenant, article=article, version=_version(tenant, article, locale, number), editor=editor
    )
    return TranslationOut.from_orm(translation)


# -- attachments -------------------------------------------------------------------------------


@router.post("/kb/manage/articles/{article_id}/attachments", response={201: ArticleAttachmentOut})
def attachment_upload(
    request: HttpRequest, article_id: int, file: File[UploadedFile]
) -> Status[ArticleAttachmentOut]:
    """An image or PDF for the article (at most 5 MB; the type is read from the bytes)."""
    uploader = require_membership(request)
    tenant = request_tenant(request)
    article = _article(tenant, article_id)
    if file.size is not None and file.size > MAX_ATTACHMENT_BYTES:
        raise HttpError(413, f"At most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
    data = file.read(MAX_ATTACHMENT_BYTES + 1)
    attachment = services.attachment_create(
        tenant=tenant, article=article, uploaded_by=uploader, filename=file.name or "file", data=data
    )
    return Status(201, attachment_out(article, attachment))
