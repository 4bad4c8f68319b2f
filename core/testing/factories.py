"""Factories for the test data every suite needs; each tenant-owned object requires a tenant."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.services.members import membership_set
from accounts.services.users import api_token_create
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Tenant
from tenancy.services import tenant_create

_sequence = itertools.count(1)


def make_tenant(slug: str | None = None, name: str | None = None) -> Tenant:
    n = next(_sequence)
    slug = slug or f"tenant{n}"
    return tenant_create(slug=slug, name=name or slug.title())


def make_user(email: str | None = None, password: str | None = None, **extra: object) -> User:
    n = next(_sequence)
    user = User.objects.create_user(email or f"user{n}@example.test", password, **extra)
    return user


def make_member(tenant: Tenant, role: str = Role.AGENT, user: User | None = None) -> Membership:
    return membership_set(tenant=tenant, user=user or make_user(), role=role)


def host_for(tenant: Tenant | None) -> str:
    return f"{tenant.slug}.{settings.BASE_DOMAIN}" if tenant else settings.BASE_DOMAIN


def session_client(member: Membership) -> Client:
    """A browser-like client signed in on the member's tenant host (CSRF enforced)."""
    client = Client(enforce_csrf_checks=False, HTTP_HOST=host_for(member.tenant))
    client.force_login(member.user)
    session = client.session
    session["tenant_id"] = member.tenant_id  # what a real login on that host records
    session.save()
    return client


def token_client(member: Membership, host_tenant: Tenant | str | None = "own") -> tuple[Client, str]:
    """A client sending the member's API token, to their tenant's host unless told otherwise."""
    with tenant_context(member.tenant_id):
        _, raw = api_token_create(tenant=member.tenant, membership=member, name="test")
    tenant = member.tenant if host_tenant == "own" else host_tenant
    client = Client(
        HTTP_HOST=host_for(tenant if isinstance(tenant, Tenant) else None), HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    return client, raw


@dataclass
class TenantWorld:
    """One tenant with a member of every role; the unit of the two-tenant tests."""

    tenant: Tenant
    members: dict[str, Membership] = field(default_factory=dict)

    @property
    def owner(self) -> Membership:
        return self.members[Role.OWNER]

    @property
    def admin(self) -> Membership:
        return self.members[Role.ADMIN]

    @property
    def agent(self) -> Membership:
        return self.members[Role.AGENT]

    @property
    def customer(self) -> Membership:
        return self.members[Role.CUSTOMER]


def make_world(slug: str) -> TenantWorld:
    tenant = make_tenant(slug)
    world = TenantWorld(tenant=tenant)
    for role in Role.values:
        world.members[role] = make_member(tenant, role, make_user(f"{role}@{slug}.test"))
    return world
