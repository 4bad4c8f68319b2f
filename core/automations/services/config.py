"""Admin configuration of triggers, time rules and macros; everything validated on write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from automations.models import Macro, TimeRule, Trigger
from automations.schemas import EVENT_TYPES, Actions, Conditions, MacroActions, TimeCondition, check_template
from tenancy.models import STAFF_ROLES, Membership, Team, Tenant

RULE_FIELDS = frozenset({"name", "position", "enabled", "conditions", "actions"})


def _validated(model: type[BaseModel], data: Any, field: str) -> Any:
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        messages = [f"{'.'.join(str(p) for p in e['loc']) or field}: {e['msg']}" for e in exc.errors()[:10]]
        raise ValidationError({field: messages}) from exc


def _apply(obj: Any, changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.name = (obj.name or "").strip()[:100]
    if not obj.name:
        raise ValidationError({"name": "A name is required."})


def _rule_parts(obj: Any) -> None:
    obj.conditions = _validated(Conditions, obj.conditions or {}, "conditions").model_dump(mode="json")
    obj.actions = _validated(Actions, {"actions": obj.actions}, "actions").model_dump(mode="json")["actions"]
    _check_notify_targets(obj.tenant, obj.actions)


def _check_notify_targets(tenant: Tenant, actions: list[dict[str, Any]]) -> None:
    """A `notify` names staff and a team of this tenant (else nobody would ever be told)."""
    for action in actions:
        if action["type"] != "notify":
            continue
        if not action["membership_ids"] and action["team_id"] is None:
            raise ValidationError({"actions": "notify: give membership_ids, a team_id, or both."})
        ids = set(action["membership_ids"])
        staff = set(
            Membership.objects.filter(tenant=tenant, id__in=ids, role__in=STAFF_ROLES).values_list(
                "id", flat=True
            )
        )
        if ids - staff:
            missing = ", ".join(str(i) for i in sorted(ids - staff))
            raise ValidationError({"actions": f"notify: no agent, admin or owner with id {missing}."})
        if (
            action["team_id"] is not None
            and not Team.objects.filter(tenant=tenant, id=action["team_id"]).exists()
        ):
            raise ValidationError({"actions": f"notify: no team {action['team_id']} in this tenant."})


def _save(obj: Any) -> Any:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "This name is taken."}) from exc
    return obj


@transaction.atomic
def trigger_save(*, tenant: Tenant, trigger: Trigger | None = None, **changes: Any) -> Trigger:
    obj = trigger or Trigger(tenant=tenant)
    _apply(obj, changes, RULE_FIELDS | {"events"})
    bad = [e for e in obj.events or [] if e not in EVENT_TYPES]
    if not obj.events or bad:
        raise ValidationError({"events": f"Give one or more of {', '.join(EVENT_TYPES)}."})
    obj.events = sorted(set(obj.events))
    _rule_parts(obj)
    return _save(obj)


@transaction.atomic
def time_rule_save(*, tenant: Tenant, rule: TimeRule | None = None, **changes: Any) -> TimeRule:
    obj = rule or TimeRule(tenant=tenant)
    _apply(obj, changes, RULE_FIELDS | {"timing"})
    obj.timing = _validated(TimeCondition, obj.timing, "timing").model_dump()
    _rule_parts(obj)
    return _save(obj)


@transaction.atomic
def macro_save(
    *, tenant: Tenant, macro: Macro | None = None, owner: Membership | None = None, **changes: Any
) -> Macro:
    """Create (with `owner` for a personal macro, None for a shared one) or update a macro."""
    obj = macro or Macro(tenant=tenant, owner=owner)
    _apply(obj, changes, frozenset({"name", "actions", "reply_text", "reply_internal"}))
    obj.actions = _validated(MacroActions, {"actions": obj.actions or []}, "actions").model_dump(mode="json")[
        "actions"
    ]
    try:
        check_template(obj.reply_text or "")
    except ValueError as exc:
        raise ValidationError({"reply_text": str(exc)}) from exc
    if not obj.actions and not obj.reply_text:
        raise ValidationError({"actions": "A macro needs actions or a reply text."})
    return _save(obj)


@transaction.atomic
def rule_delete(*, tenant: Tenant, rule: Trigger | TimeRule | Macro) -> None:
    rule.delete()
