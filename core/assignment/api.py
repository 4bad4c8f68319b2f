"""Assignment API: strategies available, per-team configuration (admins), agent availability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from assignment.models import AgentProfile, AssignmentConfig
from assignment.selectors import agent_profile_list, assignment_config_get, assignment_config_list
from assignment.services import agent_profile_set, assignment_config_delete, assignment_config_save
from assignment.strategies import registry
from tenancy.models import ADMIN_ROLES
from tenancy.selectors import membership_get

router = Router(tags=["assignment"], auth=staff_only)


class StrategyOut(Schema):
    key: str
    description: str


class ConfigIn(Schema):
    team_id: int | None = None
    strategy: str
    options: dict[str, Any] = {}
    enabled: bool = True


class ConfigPatch(Schema):
    strategy: str | None = None
    options: dict[str, Any] | None = None
    enabled: bool | None = None


class ConfigOut(Schema):
    id: int
    team_id: int | None
    strategy: str
    options: dict[str, Any]
    enabled: bool


class ProfileIn(Schema):
    availability: str | None = None
    capacity: int | None = Field(default=None, ge=0, le=10000)
    skills: list[str] | None = None


class ProfileOut(Schema):
    membership_id: int
    availability: str
    capacity: int | None
    skills: list[str]


@router.get("/assignment/strategies", response=list[StrategyOut])
def strategies_list(request: HttpRequest) -> list[dict[str, str]]:
    return [{"key": k, "description": s.description} for k, s in sorted(registry().items())]


@router.get("/assignment/configs", response=list[ConfigOut])
def configs_list(request: HttpRequest) -> list[AssignmentConfig]:
    return list(assignment_config_list(tenant=request_tenant(request)))


@router.post("/assignment/configs", response={201: ConfigOut}, auth=admin_only)
def configs_create(request: HttpRequest, payload: ConfigIn) -> Status[AssignmentConfig]:
    """One row per team (or `team_id` null: the tenant default); without any, tickets stay manual."""
    return Status(201, assignment_config_save(tenant=request_tenant(request), **payload.dict()))


def _config(request: HttpRequest, config_id: int) -> AssignmentConfig:
    found = assignment_config_get(tenant=request_tenant(request), config_id=config_id)
    if found is None:
        raise HttpError(404, "Not Found")
    return found


@router.get("/assignment/configs/{config_id}", response=ConfigOut)
def configs_detail(request: HttpRequest, config_id: int) -> AssignmentConfig:
    return _config(request, config_id)


@router.patch("/assignment/configs/{config_id}", response=ConfigOut, auth=admin_only)
def configs_update(request: HttpRequest, config_id: int, payload: ConfigPatch) -> AssignmentConfig:
    config = _config(request, config_id)
    return assignment_config_save(
        tenant=request_tenant(request), config=config, **payload.dict(exclude_unset=True)
    )


@router.delete("/assignment/configs/{config_id}", response={204: None}, auth=admin_only)
def configs_delete(request: HttpRequest, config_id: int) -> Status[None]:
    assignment_config_delete(tenant=request_tenant(request), config=_config(request, config_id))
    return Status(204, None)


@router.get("/agents/profiles", response=list[ProfileOut])
def profiles_list(request: HttpRequest) -> list[AgentProfile]:
    return list(agent_profile_list(tenant=request_tenant(request)))


@router.put("/agents/{membership_id}/profile", response=ProfileOut)
def profile_set(request: HttpRequest, membership_id: int, payload: ProfileIn) -> AgentProfile:
    """Agents set their own availability; admins set anyone's, and capacity and skills."""
    viewer = require_membership(request)
    tenant = request_tenant(request)
    member = membership_get(tenant=tenant, membership_id=membership_id)
    if member is None:
        raise HttpError(404, "Not Found")
    data = payload.dict(exclude_unset=True)
    if viewer.role not in ADMIN_ROLES and (member.id != viewer.id or set(data) - {"availability"}):
        raise HttpError(403, "Agents may only set their own availability.")
    return agent_profile_set(
        tenant=tenant,
        membership=member,
        clear_capacity="capacity" in data and data["capacity"] is None,
        **data,
    )
