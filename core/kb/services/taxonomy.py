"""Knowledge-base structure: its locales, categories and sections."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kb import cache
from kb.locales import LOCALE_PATTERN
from kb.models import (
    Category,
    Section,
)
from kb.services._common import clean_name, same_tenant, slug_or_error
from tenancy.context import tenant_context
from tenancy.models import Tenant

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
    name = clean_name(name, "category")
    category = Category(
        tenant=tenant, name=name, slug=slug_or_error(slug, name), description=description, position=position
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
    same_tenant(tenant, category)
    if name is not None:
        category.name = clean_name(name, "category")
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
    same_tenant(tenant, category)
    name = clean_name(name, "section")
    section = Section(
        tenant=tenant,
        category=category,
        name=name,
        slug=slug_or_error(slug, name),
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
    same_tenant(tenant, section)
    if name is not None:
        section.name = clean_name(name, "section")
    if position is not None:
        section.position = position
    with tenant_context(tenant.id):
        section.save()
    cache.invalidate_tenant(tenant.id)
    return section
