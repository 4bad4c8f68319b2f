"""Writes to the knowledge base: structure, articles, translations, versions, engagement."""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contracts.events import Actor
from contracts.payloads import ArticlePublishedV1
from events.services import event_record
from kb import cache, content, files, search
from kb.locales import LOCALE_PATTERN, search_config_for, tenant_locales
from kb.models import (
    Article,
    ArticleAttachment,
    ArticleEmbedding,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    ArticleView,
    ArticleVote,
    BodyFormat,
    Category,
    DeflectionEvent,
    Section,
    Visibility,
)
from tenancy.context import tenant_context
from tenancy.models import Membership, Tenant

MAX_TAGS = 20


def _same_tenant(tenant: Tenant, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "tenant_id", tenant.id) != tenant.id:
            raise ValidationError("Objects must belong to the same tenant.")


def _slug_or_error(raw: str | None, fallback: str, field: str = "slug") -> str:
    slug = content.make_slug(raw if raw else fallback)
    if raw and slug != raw:
        raise ValidationError({field: "Use lowercase letters, digits and hyphens only."})
    return slug


# -- locales -----------------------------------------------------------------------


def kb_locales_set(*, tenant: Tenant, locales: list[str], default_locale: str) -> Tenant:
    """The locales the tenant's knowledge base is written in, and the fallback one."""
    wanted = list(dict.fromkeys([default_locale, *locales]))
    bad = [loc for loc in wanted if not LOCALE_PATTERN.match(loc)]
    if bad:
        raise ValidationError({"locales": f"Not a locale code: {', '.join(bad)} (use e.g. en, de, pt-BR)."})
    if len(wanted) > 30:
        raise ValidationError({"locales": "At most 30 locales."})
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        settings = dict(locked.settings or {})
        settings["kb"] = {**settings.get("kb", {}), "locales": wanted, "default_locale": default_locale}
        locked.settings = settings
        locked.save(update_fields=["settings"])
    tenant.settings = locked.settings
    cache.invalidate_tenant(tenant.id)
    return tenant


# -- categories and sections -------------------------------------------------------


def category_create(
    *, tenant: Tenant, name: str, slug: str | None = None, description: str = "", position: int = 0
) -> Category:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A category needs a name."})
    category = Category(
        tenant=tenant, name=name, slug=_slug_or_error(slug, name), description=description, position=position
    )
    category.full_clean(exclude=["tenant"], validate_constraints=False)
    try:
        with tenant_context(tenant.id):
            category.save()
    except IntegrityError as exc:
        raise ValidationError({"slug": f"A category with slug {category.slug!r} already exists."}) from exc
    cache.invalidate_tenant(tenant.id)
    return category


def category_update(
    *,
    tenant: Tenant,
    category: Category,
    name: str | None = None,
    description: str | None = None,
    position: int | None = None,
) -> Category:
    _same_tenant(tenant, category)
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "A category needs a name."})
        category.name = name.strip()
    if description is not None:
        category.description = description
    if position is not None:
        category.position = position
    with tenant_context(tenant.id):
        category.save()
    cache.invalidate_tenant(tenant.id)
    return category


def section_create(
    *,
    tenant: Tenant,
    category: Category,
    name: str,
    slug: str | None = None,
    description: str = "",
    position: int = 0,
) -> Section:
    _same_tenant(tenant, category)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A section needs a name."})
    section = Section(
        tenant=tenant,
        category=category,
        name=name,
        slug=_slug_or_error(slug, name),
        description=description,
        position=position,
    )
    try:
        with tenant_context(tenant.id):
            section.save()
    except IntegrityError as exc:
        raise ValidationError({"slug": f"This category already has a section {section.slug!r}."}) from exc
    cache.invalidate_tenant(tenant.id)
    return section


def section_update(
    *, tenant: Tenant, section: Section, name: str | None = None, position: int | None = None
) -> Section:
    _same_tenant(tenant, section)
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "A section needs a name."})
        section.name = name.strip()
    if position is not None:
        section.position = position
    with tenant_context(tenant.id):
        section.save()
    cache.invalidate_tenant(tenant.id)
    return section


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
    _same_tenant(tenant, author, section)
    _check_choice(visibility, Visibility.values, "visibility")
    _check_choice(status, ArticleStatus.values, "status")
    article = Article(
        tenant=tenant,
        section=section,
        slug=_slug_or_error(slug, title),
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
    _same_tenant(tenant, article, section)
    if section is not None or clear_section:
        article.section = section
    if visibility is not None:
        _check_choice(visibility, Visibility.values, "visibility")
        article.visibility = visibility
    if tags is not None:
        article.tags = _clean_tags(tags)
    if slug is not None:
        article.slug = _slug_or_error(slug, slug)
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
    _same_tenant(tenant, article, editor)
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
    _same_tenant(tenant, article, actor)
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
    _same_tenant(tenant, article, version)
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


# -- engagement ------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.now().date()


def article_view_record(*, tenant: Tenant, article: Article, visitor: str) -> bool:
    """Count a view once per visitor per day; True if this one counted."""
    _same_tenant(tenant, article)
    with tenant_context(tenant.id):
        _, created = ArticleView.objects.get_or_create(
            tenant=tenant, article=article, visitor=visitor, day=_today()
        )
        if created:
            Article.objects.filter(tenant=tenant, pk=article.pk).update(view_count=F("view_count") + 1)
    return created


def article_vote_record(*, tenant: Tenant, article: Article, visitor: str, helpful: bool) -> bool:
    """Count a "was this helpful?" answer once per visitor per day; True if this one counted."""
    _same_tenant(tenant, article)
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
    _same_tenant(tenant, article, membership)
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


# -- attachments -----------------------------------------------------------------------


def attachment_create(
    *, tenant: Tenant, article: Article, uploaded_by: Membership | None, filename: str, data: bytes
) -> ArticleAttachment:
    _same_tenant(tenant, article, uploaded_by)
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
