"""Articles: create, translate, version, publish; their attachments and stored embeddings."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.events import Actor
from contracts.payloads import ArticlePublishedV1
from events.services import event_record
from kb import cache, content, files, search
from kb.locales import search_config_for, tenant_locales
from kb.models import (
    Article,
    ArticleAttachment,
    ArticleEmbedding,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    BodyFormat,
    Section,
    Visibility,
)
from kb.services._common import same_tenant, slug_or_error
from tenancy.context import tenant_context
from tenancy.models import Membership, Tenant

MAX_TAGS = 20


# -- articles ------------------------------------------------------------------------


def _record_published(tenant: Tenant, article: Article, actor: Membership | None) -> None:
    """The kb.article_published event, in the publishing transaction (outbox)."""
    locales = sorted(
        ArticleTranslation.objects.filter(tenant=tenant, article=article).values_list("locale", flat=True)
    )
    payload = ArticlePublishedV1(
        article_id=article.id, slug=article.slug, visibility=article.visibility, locales=locales
    )
    event_record(
        tenant_id=tenant.id,
        type="kb.article_published",
        data=payload.model_dump(mode="json"),
        actor=Actor(kind="user", id=actor.user_id) if actor else None,
        subject_id=article.id,
    )


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip().lower() for t in tags if t and t.strip()))
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    if any(len(t) > 50 for t in cleaned):
        raise ValidationError({"tags": "A tag has at most 50 characters."})
    return cleaned


def _check_choice(value: str, choices: list[str], field: str) -> None:
    if value not in choices:
        raise ValidationError({field: f"Use one of: {', '.join(choices)}."})


def search_index_rebuild(*, tenant: Tenant) -> None:
    """Recompute every search vector and entry of the tenant (after bulk imports or a config change)."""
    with tenant_context(tenant.id):
        search.sync_index(tenant_id=tenant.id, scope="tenant", value=None)


def _write_translation(
    *,
    tenant: Tenant,
    article: Article,
    editor: Membership | None,
    locale: str,
    title: str,
    body: str,
    body_format: str,
    note: str = "",
) -> ArticleTranslation:
    """Save the words of one locale and keep the save as a new version (inside a transaction)."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": "An article needs a title."})
    if len(title) > content.MAX_TITLE_CHARS:
        raise ValidationError({"title": f"At most {content.MAX_TITLE_CHARS} characters."})
    if len(body) > content.MAX_BODY_CHARS:
        raise ValidationError({"body": f"At most {content.MAX_BODY_CHARS} characters."})
    _check_choice(body_format, BodyFormat.values, "body_format")
    if locale not in tenant_locales(tenant):
        raise ValidationError({"locale": f"This knowledge base offers: {', '.join(tenant_locales(tenant))}."})
    body_html = content.render_body(body, body_format)
    translation = (
        ArticleTranslation.objects.select_for_update()
        .filter(tenant=tenant, article=article, locale=locale)
        .first()
    )
    if translation is None:
        translation = ArticleTranslation(
            tenant=tenant, article=article, locale=locale, search_config=search_config_for(locale), version=0
        )
    translation.title = title
    translation.body_format = body_format
    translation.body_source = body
    translation.body_html = body_html
    translation.body_text = content.html_to_text(body_html)
    translation.version += 1
    translation.updated_by = editor
    translation.save()
    search.sync_index(tenant_id=tenant.id, scope="translation", value=translation.id)
    ArticleVersion.objects.create(
        tenant=tenant,
        article=article,
        locale=locale,
        number=translation.version,
        title=title,
        body_format=body_format,
        body_source=body,
        created_by=editor,
        note=note[:200],
    )
    Article.objects.filter(tenant=tenant, pk=article.pk).update(updated_at=timezone.now())
    return translation


def article_create(
    *,
    tenant: Tenant,
    author: Membership | None,
    title: str,
    body: str,
    body_format: str = BodyFormat.MARKDOWN,
    locale: str | None = None,
    slug: str | None = None,
    section: Section | None = None,
    visibility: str = Visibility.PUBLIC,
    tags: Iterable[str] = (),
    status: str = ArticleStatus.DRAFT,
    source_ticket_id: int | None = None,
) -> Article:
    same_tenant(tenant, author, section)
    _check_choice(visibility, Visibility.values, "visibility")
    _check_choice(status, ArticleStatus.values, "status")
    article = Article(
        tenant=tenant,
        section=section,
        slug=slug_or_error(slug, title),
        visibility=visibility,
        tags=_clean_tags(tags),
        author=author,
        status=status,
        published_at=timezone.now() if status == ArticleStatus.PUBLISHED else None,
        source_ticket_id=source_ticket_id,
    )
    try:
        with tenant_context(tenant.id):
            article.save()
            _write_translation(
                tenant=tenant,
                article=article,
                editor=author,
                locale=locale or tenant_locales(tenant)[0],
                title=title,
                body=body,
                body_format=body_format,
                note="created",
            )
            if status == ArticleStatus.PUBLISHED:
                _record_published(tenant, article, author)
    except IntegrityError as exc:
        raise ValidationError({"slug": f"An article with slug {article.slug!r} already exists."}) from exc
    cache.invalidate_tenant(tenant.id)
    return article


def article_draft_from_text(*, tenant: Tenant, author: Membership, title: str, body: str) -> Article:
    """A draft from plain text (e.g. a solved ticket's answer): the agent edits, then publishes.

    The text becomes escaped HTML paragraphs, so it reads exactly as written.
    """
    if not author.is_staff_role:
        raise ValidationError("Only agents create articles.")
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html_body = "\n".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )
    return article_create(
        tenant=tenant,
        author=author,
        title=title,
        body=html_body,
        body_format=BodyFormat.HTML,
        slug=free_slug(tenant=tenant, title=title),
        status=ArticleStatus.DRAFT,
    )


def free_slug(*, tenant: Tenant, title: str) -> str:
    """A slug from the title not yet taken in the tenant (title, title-2, title-3, ...)."""
    base = content.make_slug(title)
    slug = base
    with tenant_context(tenant.id):
        n = 1
        while Article.objects.filter(tenant=tenant, slug=slug).exists():
            n += 1
            slug = f"{base[:110]}-{n}"
    return slug


def article_update(
    *,
    tenant: Tenant,
    article: Article,
    section: Section | None = None,
    clear_section: bool = False,
    visibility: str | None = None,
    tags: Iterable[str] | None = None,
    slug: str | None = None,
    position: int | None = None,
) -> Article:
    """Change an article's place and audience (its words change per locale: article_translation_save)."""
    same_tenant(tenant, article, section)
    if section is not None or clear_section:
        article.section = section
    if visibility is not None:
        _check_choice(visibility, Visibility.values, "visibility")
        article.visibility = visibility
    if tags is not None:
        article.tags = _clean_tags(tags)
    if slug is not None:
        article.slug = slug_or_error(slug, slug)
    if position is not None:
        article.position = position
    try:
        with tenant_context(tenant.id):
            article.save()
            search.sync_index(tenant_id=tenant.id, scope="article", value=article.id)
    except IntegrityError as exc:
        raise ValidationError({"slug": f"An article with slug {article.slug!r} already exists."}) from exc
    cache.invalidate_tenant(tenant.id)
    return article


def article_translation_save(
    *,
    tenant: Tenant,
    article: Article,
    editor: Membership | None,
    locale: str,
    title: str,
    body: str,
    body_format: str = BodyFormat.MARKDOWN,
    note: str = "",
) -> ArticleTranslation:
    same_tenant(tenant, article, editor)
    with tenant_context(tenant.id):
        translation = _write_translation(
            tenant=tenant,
            article=article,
            editor=editor,
            locale=locale,
            title=title,
            body=body,
            body_format=body_format,
            note=note,
        )
    cache.invalidate_tenant(tenant.id)
    return translation


def article_set_status(
    *, tenant: Tenant, article: Article, status: str, actor: Membership | None = None
) -> Article:
    """Publish, unpublish (back to draft) or archive. Publishing drops the cached pages."""
    same_tenant(tenant, article, actor)
    _check_choice(status, ArticleStatus.values, "status")
    newly_published = status == ArticleStatus.PUBLISHED and article.status != ArticleStatus.PUBLISHED
    article.status = status
    if newly_published:
        article.published_at = timezone.now()
    with tenant_context(tenant.id):
        article.save(update_fields=["status", "published_at", "updated_at"])
        search.sync_index(tenant_id=tenant.id, scope="article", value=article.id)
        if newly_published:
            _record_published(tenant, article, actor)
    cache.invalidate_tenant(tenant.id)
    return article


def article_version_restore(
    *, tenant: Tenant, article: Article, version: ArticleVersion, editor: Membership | None
) -> ArticleTranslation:
    """Make an old version current again; the restore is itself a new version."""
    same_tenant(tenant, article, version)
    if version.article_id != article.id:
        raise ValidationError("That version belongs to another article.")
    return article_translation_save(
        tenant=tenant,
        article=article,
        editor=editor,
        locale=version.locale,
        title=version.title,
        body=version.body_source,
        body_format=version.body_format,
        note=f"restored version {version.number}",
    )


# -- attachments -----------------------------------------------------------------------


def attachment_create(
    *, tenant: Tenant, article: Article, uploaded_by: Membership | None, filename: str, data: bytes
) -> ArticleAttachment:
    same_tenant(tenant, article, uploaded_by)
    if not data:
        raise ValidationError({"file": "The file is empty."})
    if len(data) > files.MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": f"At most {files.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."})
    content_type = files.sniff_content_type(data)
    if content_type is None:
        raise ValidationError({"file": "Only PNG, JPEG, GIF, WebP images and PDF files."})
    with tenant_context(tenant.id):
        attachment = ArticleAttachment.objects.create(
            tenant=tenant,
            article=article,
            filename=files.safe_filename(filename),
            content_type=content_type,
            size=len(data),
            sha256=files.sha256_hex(data),
            data=data,
            uploaded_by=uploaded_by,
        )
    cache.invalidate_tenant(tenant.id)
    return attachment


# -- semantic suggest ----------------------------------------------------------------------


def article_embeddings_store(
    *, tenant: Tenant, model: str, items: list[tuple[ArticleTranslation, str, bytes]]
) -> int:
    """Keep (translation, text digest, vector) rows; the tenant's suggest matrix reloads after commit."""
    if not items:
        return 0
    with tenant_context(tenant.id), transaction.atomic():
        ArticleEmbedding.objects.bulk_create(
            [
                ArticleEmbedding(
                    tenant=tenant,
                    article_id=translation.article_id,
                    translation=translation,
                    locale=translation.locale,
                    model=model,
                    text_sha256=digest,
                    vector=vector,
                    source_updated_at=translation.updated_at,
                )
                for translation, digest, vector in items
            ],
            update_conflicts=True,
            unique_fields=["tenant", "translation"],
            update_fields=["locale", "model", "text_sha256", "vector", "source_updated_at", "updated_at"],
        )
        cache.invalidate_tenant(tenant.id)
    return len(items)
