"""Admin configuration of calendars and SLA policies (validated on every write)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sla.models import BusinessCalendar, SlaPolicy
from sla.schemas import CalendarSpec, PolicyConditions, PolicyTargets, validated
from tenancy.models import Tenant

CALENDAR_FIELDS = frozenset({"name", "timezone", "weekly_hours", "holidays", "is_default"})
POLICY_FIELDS = frozenset(
    {
        "name",
        "position",
        "enabled",
        "conditions",
        "targets",
        "business_hours",
        "calendar_id",
        "pause_statuses",
        "warning_fraction",
    }
)
PAUSABLE = frozenset({"new", "open", "pending", "on_hold"})


def _unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})


def _save_unique(obj: Any, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({"name": message}) from exc


@transaction.atomic
def calendar_save(
    *, tenant: Tenant, calendar: BusinessCalendar | None = None, **changes: Any
) -> BusinessCalendar:
    """Create (calendar None) or update a calendar; one default per tenant."""
    _unknown(changes, CALENDAR_FIELDS)
    cal = calendar or BusinessCalendar(tenant=tenant)
    for key, value in changes.items():
        setattr(cal, key, value)
    cal.name = (cal.name or "").strip()[:100]
    if not cal.name:
        raise ValidationError({"name": "A calendar needs a name."})
    spec = validated(
        CalendarSpec,
        {"timezone": cal.timezone, "weekly_hours": cal.weekly_hours, "holidays": cal.holidays},
        "weekly_hours",
    )
    cal.weekly_hours = {day: [list(span) for span in spans] for day, spans in spec.weekly_hours.items()}
    cal.holidays = [h.model_dump(mode="json") for h in spec.holidays]
    if cal.is_default:
        BusinessCalendar.objects.filter(tenant=tenant, is_default=True).exclude(pk=cal.pk).update(
            is_default=False
        )
    _save_unique(cal, "A calendar with this name exists.")
    return cal


@transaction.atomic
def calendar_delete(*, tenant: Tenant, calendar: BusinessCalendar) -> None:
    if SlaPolicy.objects.filter(tenant=tenant, calendar=calendar).exists():
        raise ValidationError({"calendar": "Policies use this calendar; point them elsewhere first."})
    calendar.delete()


def _calendar_in_tenant(tenant: Tenant, calendar_id: int | None) -> BusinessCalendar | None:
    if calendar_id is None:
        return None
    found = BusinessCalendar.objects.filter(tenant=tenant, id=calendar_id).first()
    if found is None:
        raise ValidationError({"calendar_id": f"No calendar {calendar_id} in this tenant."})
    return found


@transaction.atomic
def policy_save(*, tenant: Tenant, policy: SlaPolicy | None = None, **changes: Any) -> SlaPolicy:
    """Create (policy None) or update an SLA policy. Open tickets pick it up on their next change."""
    _unknown(changes, POLICY_FIELDS)
    obj = policy or SlaPolicy(tenant=tenant, pause_statuses=["pending", "on_hold"])
    if "calendar_id" in changes:
        obj.calendar = _calendar_in_tenant(tenant, changes.pop("calendar_id"))
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.name = (obj.name or "").strip()[:100]
    if not obj.name:
        raise ValidationError({"name": "A policy needs a name."})
    obj.conditions = validated(PolicyConditions, obj.conditions or {}, "conditions").model_dump(
        exclude_none=True
    )
    obj.targets = validated(PolicyTargets, obj.targets, "targets").model_dump(exclude_none=True)
    bad = set(obj.pause_statuses or []) - PAUSABLE
    if bad:
        raise ValidationError(
            {"pause_statuses": f"Use status categories among {', '.join(sorted(PAUSABLE))}."}
        )
    if not 0 < obj.warning_fraction < 1:
        raise ValidationError({"warning_fraction": "Give a fraction between 0 and 1, e.g. 0.75."})
    _save_unique(obj, "A policy with this name exists.")
    return obj


@transaction.atomic
def policy_delete(*, tenant: Tenant, policy: SlaPolicy) -> None:
    """Running clocks keep their targets; they lose the link to the policy."""
    policy.delete()
