"""Custom field definitions (admins) and validation of a ticket's custom field values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenancy.models import Tenant
from tickets.models import CustomFieldDefinition, CustomStatus, FieldType, StatusCategory
from tickets.selectors.ticket_sql import ORGANIZATION_SETTING

MAX_TEXT = 5000
CHOICE_TYPES = {FieldType.DROPDOWN, FieldType.MULTISELECT}


def _clean_options(field_type: str, options: list[str]) -> list[str]:
    if field_type not in CHOICE_TYPES:
        return []
    cleaned = list(dict.fromkeys(str(o).strip() for o in options if str(o).strip()))
    if not cleaned:
        raise ValidationError({"options": "Dropdown and multiselect fields need at least one option."})
    if any(len(o) > 100 for o in cleaned) or len(cleaned) > 500:
        raise ValidationError({"options": "At most 500 options of at most 100 characters."})
    return cleaned


@transaction.atomic
def custom_field_create(
    *,
    tenant: Tenant,
    key: str,
    label: str,
    field_type: str,
    required: bool = False,
    options: list[str] | None = None,
    agent_only: bool = False,
    position: int = 0,
) -> CustomFieldDefinition:
    if field_type not in FieldType.values:
        raise ValidationError({"field_type": f"Use one of {', '.join(FieldType.values)}."})
    definition = CustomFieldDefinition(
        tenant=tenant,
        key=key,
        label=label.strip(),
        field_type=field_type,
        required=required,
        options=_clean_options(field_type, options or []),
        agent_only=agent_only,
        position=position,
    )
    definition.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            definition.save()
    except IntegrityError as exc:
        raise ValidationError({"key": f"A field with key {key!r} already exists."}) from exc
    return definition


@transaction.atomic
def custom_field_update(
    *, tenant: Tenant, definition: CustomFieldDefinition, changes: dict[str, Any]
) -> CustomFieldDefinition:
    for name in ("label", "required", "agent_only", "position", "active"):
        if name in changes:
            setattr(definition, name, changes[name])
    if "options" in changes:
        definition.options = _clean_options(definition.field_type, changes["options"])
    definition.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    definition.save()
    return definition


@transaction.atomic
def custom_status_create(
    *, tenant: Tenant, key: str, name: str, category: str, position: int = 0
) -> CustomStatus:
    if key in StatusCategory.values:
        raise ValidationError({"key": "That key is a built-in status category."})
    status = CustomStatus(tenant=tenant, key=key, name=name.strip(), category=category, position=position)
    status.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            status.save()
    except IntegrityError as exc:
        raise ValidationError({"key": f"A status with key {key!r} already exists."}) from exc
    return status


def _validate_value(definition: CustomFieldDefinition, value: Any) -> Any:
    """The stored form of `value`, or a ValidationError naming the field."""
    name = f"custom_fields.{definition.key}"
    kind = definition.field_type
    if kind == FieldType.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ValidationError({name: f"Text of at most {MAX_TEXT} characters."})
        return value
    if kind == FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
            raise ValidationError({name: "A number."})
        return value
    if kind == FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise ValidationError({name: "A date as YYYY-MM-DD."}) from exc
    if kind == FieldType.CHECKBOX:
        if not isinstance(value, bool):
            raise ValidationError({name: "true or false."})
        return value
    if kind == FieldType.DROPDOWN:
        if value not in definition.options:
            raise ValidationError({name: f"One of: {', '.join(definition.options)}."})
        return value
    # multiselect
    if not isinstance(value, list) or any(v not in definition.options for v in value):
        raise ValidationError({name: f"A list drawn from: {', '.join(definition.options)}."})
    return sorted(set(value))


def custom_values_validate(
    *, tenant: Tenant, current: dict[str, Any], incoming: dict[str, Any], staff: bool
) -> dict[str, Any]:
    """Merge `incoming` into `current`, validating each value; null clears a field.

    Customers may not set agent-only fields. Required fields must have a value afterwards.
    """
    definitions = {d.key: d for d in CustomFieldDefinition.objects.filter(tenant=tenant, active=True)}
    result = dict(current)
    errors: dict[str, str] = {}
    for key, value in incoming.items():
        definition = definitions.get(key)
        if definition is None or (definition.agent_only and not staff):
            errors[f"custom_fields.{key}"] = "No such field."
            continue
        if value is None or value == "" or value == []:
            result.pop(key, None)
            continue
        try:
            result[key] = _validate_value(definition, value)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    for key, definition in definitions.items():
        if definition.required and key not in result and (staff or not definition.agent_only):
            errors.setdefault(f"custom_fields.{key}", "This field is required.")
    if errors:
        raise ValidationError(errors)
    return result


def ticket_visibility_set(*, tenant: Tenant, customers_see_organization_tickets: bool) -> Tenant:
    """Whether customers see (list, open, search, reply to) their organization's tickets."""
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        locked.settings = {
            **(locked.settings or {}),
            ORGANIZATION_SETTING: bool(customers_see_organization_tickets),
        }
        locked.save(update_fields=["settings"])
    tenant.settings = locked.settings
    return tenant
