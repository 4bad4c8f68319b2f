"""Tenant API: the current tenant, its members, its teams and its customer organizations.

In accounts, above tenancy: inviting a member creates their user, and the routes are
built from the API kit, which knows tenancy's roles.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from accounts.schemas import (
    MemberInviteIn,
    MemberOrganizationIn,
    MemberOut,
    MemberUpdateIn,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    TeamIn,
    TeamOut,
    TenantOut,
)
from accounts.services import members as member_services
from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from tenancy import selectors, services
from tenancy.models import Membership, Organization, Team, Tenant

router = Router(tags=["tenancy"])

# Branding keys a customer may see; anything else in Tenant.settings stays internal.
PUBLIC_BRANDING_KEYS = ("logo_url", "primary_color", "accent_color", "portal_title")


@router.get("/tenant", auth=None, response=TenantOut)
def tenant_detail(request: HttpRequest) -> TenantOut:
    """Public facts of the tenant behind this host (name and branding for the portal)."""
    tenant: Tenant = request_tenant(request)
    branding = tenant.settings.get("branding", {})
    return TenantOut(
        slug=tenant.slug,
        name=tenant.name,
        branding={k: branding[k] for k in PUBLIC_BRANDING_KEYS if k in branding},
        signup_allowed=selectors.signup_allowed(tenant),
    )


def _member_out(membership: Membership) -> MemberOut:
    return MemberOut(
        id=membership.id,
        user_id=membership.user_id,
        email=membership.user.email,
        full_name=membership.user.full_name,
        role=membership.role,
        organization_id=membership.organization_id,
        created_at=membership.created_at,
        active=membership.deactivated_at is None,
        deactivated_at=membership.deactivated_at,
    )


@router.get("/members", response=list[MemberOut], auth=staff_only)
def member_list(
    request: HttpRequest, role: Literal["owner", "admin", "agent", "customer"] | None = None
) -> list[MemberOut]:
    return [_member_out(m) for m in selectors.membership_list(tenant=request_tenant(request), role=role)]


@router.get("/members/{member_id}", response=MemberOut, auth=staff_only)
def member_detail(request: HttpRequest, member_id: int) -> MemberOut:
    membership = selectors.membership_get(tenant=request_tenant(request), membership_id=member_id)
    if membership is None:
        raise HttpError(404, "Not Found")
    return _member_out(membership)


@router.post("/members", response={201: MemberOut}, auth=admin_only)
def member_invite(request: HttpRequest, payload: MemberInviteIn) -> Status[MemberOut]:
    """Add a person with a role (admins; only owners add owners). A new email creates the user."""
    actor = require_membership(request)
    membership = member_services.member_invite(
        tenant=request_tenant(request),
        actor=actor,
        email=payload.email,
        role=payload.role,
        full_name=payload.full_name,
        password=payload.password,
    )
    return Status(201, _member_out(membership))


@router.patch("/members/{member_id}", response=MemberOut, auth=admin_only)
def member_update(request: HttpRequest, member_id: int, payload: MemberUpdateIn) -> MemberOut:
    """Change the role and/or (de)activate (admins; owners only for owners; never yourself; a
    tenant keeps one active owner). A deactivated member cannot sign in or use their tokens."""
    actor = require_membership(request)
    tenant = request_tenant(request)
    membership = selectors.membership_get(tenant=tenant, membership_id=member_id)
    if membership is None:
        raise HttpError(404, "Not Found")
    if payload.role is not None and payload.role != membership.role:
        member_services.member_set_role(tenant=tenant, actor=actor, membership=membership, role=payload.role)
    if payload.active is not None and payload.active != membership.is_active:
        member_services.member_set_active(
            tenant=tenant, actor=actor, membership=membership, active=payload.active
        )
    return _member_out(membership)


def _team_out(team: Team) -> TeamOut:
    return TeamOut(
        id=team.id,
        name=team.name,
        description=team.description,
        member_ids=sorted(m.id for m in team.members.all()),  # prefetched by the selector
    )


@router.get("/teams", response=list[TeamOut], auth=staff_only)
def team_list(request: HttpRequest) -> list[TeamOut]:
    tenant = request_tenant(request)
    return [_team_out(t) for t in selectors.team_list(tenant=tenant)]


@router.get("/teams/{team_id}", response=TeamOut, auth=staff_only)
def team_detail(request: HttpRequest, team_id: int) -> TeamOut:
    tenant = request_tenant(request)
    team = selectors.team_get(tenant=tenant, team_id=team_id)
    if team is None:
        raise HttpError(404, "Not Found")
    return _team_out(team)


@router.post("/teams", response={201: TeamOut}, auth=admin_only)
def team_create(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    tenant = request_tenant(request)
    team = services.team_create(tenant=tenant, name=payload.name, description=payload.description)
    return Status(201, _team_out(team))


@router.post("/teams/{team_id}/members/{member_id}", response=TeamOut, auth=admin_only)
def team_member_add(request: HttpRequest, team_id: int, member_id: int) -> TeamOut:
    tenant = request_tenant(request)
    team = selectors.team_get(tenant=tenant, team_id=team_id)
    membership = selectors.membership_get(tenant=tenant, membership_id=member_id)
    if team is None or membership is None:
        raise HttpError(404, "Not Found")
    services.team_add_member(tenant=tenant, team=team, membership=membership)
    return _team_out(team)


def _organization(tenant: Tenant, organization_id: int) -> Organization:
    org = selectors.organization_get(tenant=tenant, organization_id=organization_id)
    if org is None:
        raise HttpError(404, "Not Found")
    return org


@router.get("/organizations", response=list[OrganizationOut], auth=admin_only)
def organization_list(request: HttpRequest) -> list[Organization]:
    return list(selectors.organization_list(tenant=request_tenant(request)))


@router.post("/organizations", response={201: OrganizationOut}, auth=admin_only)
def organization_create(request: HttpRequest, payload: OrganizationIn) -> Status[Organization]:
    org = services.organization_save(tenant=request_tenant(request), **payload.dict())
    return Status(201, org)


@router.get("/organizations/{organization_id}", response=OrganizationOut, auth=admin_only)
def organization_detail(request: HttpRequest, organization_id: int) -> Organization:
    return _organization(request_tenant(request), organization_id)


@router.patch("/organizations/{organization_id}", response=OrganizationOut, auth=admin_only)
def organization_update(
    request: HttpRequest, organization_id: int, payload: OrganizationPatch
) -> Organization:
    tenant = request_tenant(request)
    org = _organization(tenant, organization_id)
    return services.organization_save(tenant=tenant, organization=org, **payload.dict(exclude_unset=True))


@router.delete("/organizations/{organization_id}", response={204: None}, auth=admin_only)
def organization_delete(request: HttpRequest, organization_id: int) -> Status[None]:
    tenant = request_tenant(request)
    services.organization_delete(tenant=tenant, organization=_organization(tenant, organization_id))
    return Status(204, None)


@router.put("/members/{member_id}/organization", response=MemberOut, auth=admin_only)
def member_organization_set(request: HttpRequest, member_id: int, payload: MemberOrganizationIn) -> MemberOut:
    tenant = request_tenant(request)
    membership = selectors.membership_get(tenant=tenant, membership_id=member_id)
    if membership is None:
        raise HttpError(404, "Not Found")
    org = None if payload.organization_id is None else _organization(tenant, payload.organization_id)
    services.membership_set_organization(tenant=tenant, membership=membership, organization=org)
    return _member_out(membership)
