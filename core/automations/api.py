"""Automations API: triggers and time rules (admins), macros (agents: shared and personal), rule runs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from automations.models import Macro, RuleRun, TimeRule, Trigger
from automations.selectors import (
    macro_get,
    macro_list,
    rule_runs,
    time_rule_get,
    time_rule_list,
    trigger_get,
    trigger_list,
)
from automations.services.config import macro_save, rule_delete, time_rule_save, trigger_save
from automations.services.macros import macro_apply, macro_preview
from tenancy.models import ADMIN_ROLES
from tickets.selectors.tickets import ticket_visible_or_404

router = Router(tags=["automations"], auth=staff_only)


class TriggerIn(Schema):
    name: str = Field(max_length=100)
    position: int = Field(default=0, ge=0)
    enabled: bool = True
    events: list[str]
    conditions: dict[str, Any] = {}
    actions: list[dict[str, Any]]


class TriggerPatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    position: int | None = Field(default=None, ge=0)
    enabled: bool | None = None
    events: list[str] | None = None
    conditions: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None


class TriggerOut(Schema):
    id: int
    name: str
    position: int
    enabled: bool
    events: list[str]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]


class TimeRuleIn(Schema):
    name: str = Field(max_length=100)
    position: int = Field(default=0, ge=0)
    enabled: bool = True
    timing: dict[str, Any]
    conditions: dict[str, Any] = {}
    actions: list[dict[str, Any]]


class TimeRulePatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    position: int | None = Field(default=None, ge=0)
    enabled: bool | None = None
    timing: dict[str, Any] | None = None
    conditions: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None


class TimeRuleOut(Schema):
    id: int
    name: str
    position: int
    enabled: bool
    timing: dict[str, Any]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]


class MacroIn(Schema):
    name: str = Field(max_length=100)
    shared: bool = Field(default=False, description="Shared with every agent (admins only); else personal.")
    actions: list[dict[str, Any]] = []
    reply_text: str = Field(default="", max_length=20000)
    reply_internal: bool = False


class MacroPatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    actions: list[dict[str, Any]] | None = None
    reply_text: str | None = Field(default=None, max_length=20000)
    reply_internal: bool | None = None


class MacroOut(Schema):
    id: int
    name: str
    shared: bool
    owner_id: int | None
    actions: list[dict[str, Any]]
    reply_text: str
    reply_internal: bool

    @staticmethod
    def resolve_shared(obj: Macro) -> bool:
        return obj.owner_id is None


class PreviewOut(Schema):
    changes: dict[str, Any]
    reply_text: str
    reply_internal: bool


class RuleRunOut(Schema):
    id: int
    kind: str
    rule_id: int
    outcome: str
    detail: str
    event_id: Any = None
    created_at: Any


def _found(obj: Any) -> Any:
    if obj is None:
        raise HttpError(404, "Not Found")
    return obj


@router.get("/triggers", response=list[TriggerOut])
def triggers_list(request: HttpRequest) -> list[Trigger]:
    return list(trigger_list(tenant=request_tenant(request)))


@router.post("/triggers", response={201: TriggerOut}, auth=admin_only)
def triggers_create(request: HttpRequest, payload: TriggerIn) -> Status[Trigger]:
    return Status(201, trigger_save(tenant=request_tenant(request), **payload.dict()))


@router.get("/triggers/{trigger_id}", response=TriggerOut)
def triggers_detail(request: HttpRequest, trigger_id: int) -> Trigger:
    return _found(trigger_get(tenant=request_tenant(request), trigger_id=trigger_id))


@router.patch("/triggers/{trigger_id}", response=TriggerOut, auth=admin_only)
def triggers_update(request: HttpRequest, trigger_id: int, payload: TriggerPatch) -> Trigger:
    tenant = request_tenant(request)
    trigger = _found(trigger_get(tenant=tenant, trigger_id=trigger_id))
    return trigger_save(tenant=tenant, trigger=trigger, **payload.dict(exclude_unset=True))


@router.delete("/triggers/{trigger_id}", response={204: None}, auth=admin_only)
def triggers_delete(request: HttpRequest, trigger_id: int) -> Status[None]:
    tenant = request_tenant(request)
    rule_delete(tenant=tenant, rule=_found(trigger_get(tenant=tenant, trigger_id=trigger_id)))
    return Status(204, None)


@router.get("/time-rules", response=list[TimeRuleOut])
def time_rules_list(request: HttpRequest) -> list[TimeRule]:
    return list(time_rule_list(tenant=request_tenant(request)))


@router.post("/time-rules", response={201: TimeRuleOut}, auth=admin_only)
def time_rules_create(request: HttpRequest, payload: TimeRuleIn) -> Status[TimeRule]:
    return Status(201, time_rule_save(tenant=request_tenant(request), **payload.dict()))


@router.get("/time-rules/{rule_id}", response=TimeRuleOut)
def time_rules_detail(request: HttpRequest, rule_id: int) -> TimeRule:
    return _found(time_rule_get(tenant=request_tenant(request), rule_id=rule_id))


@router.patch("/time-rules/{rule_id}", response=TimeRuleOut, auth=admin_only)
def time_rules_update(request: HttpRequest, rule_id: int, payload: TimeRulePatch) -> TimeRule:
    tenant = request_tenant(request)
    rule = _found(time_rule_get(tenant=tenant, rule_id=rule_id))
    return time_rule_save(tenant=tenant, rule=rule, **payload.dict(exclude_unset=True))


@router.delete("/time-rules/{rule_id}", response={204: None}, auth=admin_only)
def time_rules_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    tenant = request_tenant(request)
    rule_delete(tenant=tenant, rule=_found(time_rule_get(tenant=tenant, rule_id=rule_id)))
    return Status(204, None)


@router.get("/macros", response=list[MacroOut])
def macros_list(request: HttpRequest) -> list[Macro]:
    """Shared macros and the caller's personal ones."""
    viewer = require_membership(request)
    return list(macro_list(tenant=request_tenant(request), viewer=viewer))


@router.post("/macros", response={201: MacroOut})
def macros_create(request: HttpRequest, payload: MacroIn) -> Status[Macro]:
    viewer = require_membership(request)
    data = payload.dict()
    shared = data.pop("shared")
    if shared and viewer.role not in ADMIN_ROLES:
        raise HttpError(403, "Only admins create shared macros.")
    return Status(201, macro_save(tenant=request_tenant(request), owner=None if shared else viewer, **data))


def _macro(request: HttpRequest, macro_id: int, *, write: bool = False) -> Macro:
    viewer = require_membership(request)
    macro: Macro = _found(macro_get(tenant=request_tenant(request), viewer=viewer, macro_id=macro_id))
    if write and macro.owner_id is None and viewer.role not in ADMIN_ROLES:
        raise HttpError(403, "Only admins change shared macros.")
    return macro


@router.get("/macros/{macro_id}", response=MacroOut)
def macros_detail(request: HttpRequest, macro_id: int) -> Macro:
    return _macro(request, macro_id)


@router.patch("/macros/{macro_id}", response=MacroOut)
def macros_update(request: HttpRequest, macro_id: int, payload: MacroPatch) -> Macro:
    macro = _macro(request, macro_id, write=True)
    return macro_save(tenant=request_tenant(request), macro=macro, **payload.dict(exclude_unset=True))


@router.delete("/macros/{macro_id}", response={204: None})
def macros_delete(request: HttpRequest, macro_id: int) -> Status[None]:
    rule_delete(tenant=request_tenant(request), rule=_macro(request, macro_id, write=True))
    return Status(204, None)


@router.get("/tickets/{ticket_id}/macros/{macro_id}/preview", response=PreviewOut)
def macros_preview(request: HttpRequest, ticket_id: int, macro_id: int) -> dict[str, Any]:
    """What the macro would change and the reply it would send, with placeholders filled in."""
    macro = _macro(request, macro_id)
    tenant, viewer = request_tenant(request), require_membership(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=viewer, ticket_id=ticket_id)
    return macro_preview(tenant=tenant, macro=macro, ticket=ticket, agent=viewer)


@router.post("/tickets/{ticket_id}/macros/{macro_id}/apply", response=PreviewOut)
def macros_apply(request: HttpRequest, ticket_id: int, macro_id: int) -> dict[str, Any]:
    """Apply the macro as the caller: its field changes, then its reply. Answers what was applied."""
    macro = _macro(request, macro_id)
    tenant, viewer = request_tenant(request), require_membership(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=viewer, ticket_id=ticket_id)
    preview = macro_preview(tenant=tenant, macro=macro, ticket=ticket, agent=viewer)
    macro_apply(tenant=tenant, macro=macro, ticket=ticket, agent=viewer)
    return preview


@router.get("/tickets/{ticket_id}/rule-runs", response=list[RuleRunOut])
def tickets_rule_runs(request: HttpRequest, ticket_id: int) -> list[RuleRun]:
    """Which triggers and time rules ran on the ticket, with their outcome. Staff only."""
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=require_membership(request), ticket_id=ticket_id)
    return list(rule_runs(tenant=tenant, ticket=ticket))
